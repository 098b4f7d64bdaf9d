import { describe, expect, it } from 'vitest';
import type { HrStatus } from '../../../src/analytics/fusion/fusion-finding.ts';
import { decideLogin, emptyRecentContext, LOGIN_DECISION, observeLogin, type LoginRiskState, type RecentContext } from '../../../src/analytics/fusion/login-decision.ts';
import { DAY, T0 } from './fixtures.ts';

const request = { userId: 'alice', ip: '10.0.0.7', deviceId: 'WS-1', application: 'crm', time: T0, country: 'GB' };

function known(): RecentContext {
  const ctx = emptyRecentContext();
  observeLogin(ctx, { ip: '10.0.0.7', deviceId: 'WS-1', country: 'GB', time: T0 - DAY });
  return ctx;
}

function state(risk: number, hr?: HrStatus, ctx: RecentContext = known()): LoginRiskState {
  return { userRisk: new Map([['alice', risk]]), hr: new Map(hr ? [['alice', hr]] : []), context: new Map([['alice', ctx]]) };
}

describe('login risk decision', () => {
  it('allows a low-risk user on a known device, IP and country', () => {
    expect(decideLogin(state(10), request)).toEqual({ decision: LOGIN_DECISION.ALLOW, riskScore: 10, reasons: ['user risk 10 (LOW)'] });
  });

  it('states the user risk in its reason to two decimals, as the API shows scores', () => {
    expect(70.1 + 29.54).not.toBe(99.64); // the float sum prints as 99.63999999999999
    expect(decideLogin(state(70.1 + 29.54), request).reasons).toEqual(['user risk 99.64 (CRITICAL)']);
  });

  it('steps up on an unknown device, IP and country: 0 + 20 + 10 + 25 = 55', () => {
    const d = decideLogin(state(0, undefined, emptyRecentContext()), request);
    expect(d).toEqual({ decision: LOGIN_DECISION.STEP_UP, riskScore: 55, reasons: ['unknown device WS-1', 'unknown IP 10.0.0.7', 'unusual country GB'] });
  });

  it('forgets context older than 90 days', () => {
    expect(decideLogin(state(0), { ...request, time: T0 + 91 * DAY }).riskScore).toBe(55);
  });

  it('denies a high-risk user on a new device (80 + 20 ≥ 90)', () => {
    expect(decideLogin(state(80), { ...request, deviceId: 'WS-9' })).toMatchObject({ decision: LOGIN_DECISION.DENY, riskScore: 100 });
  });

  it('denies a terminated employee whatever the risk', () => {
    expect(decideLogin(state(0, { status: 'TERMINATED' }), request)).toEqual({ decision: LOGIN_DECISION.DENY, riskScore: 100, reasons: ['employment terminated'] });
    expect(decideLogin(state(0, { status: 'ACTIVE', lastDay: T0 - 2 * DAY }), request).decision).toBe(LOGIN_DECISION.DENY);
    expect(decideLogin(state(0, { status: 'TERMINATED', effectiveDate: T0 + DAY }), request).decision).not.toBe(LOGIN_DECISION.DENY);
  });

  it('adds departing-employee points (40 + 15 = 55)', () => {
    expect(decideLogin(state(40, { status: 'NOTICE_GIVEN' }), request)).toMatchObject({ decision: LOGIN_DECISION.STEP_UP, riskScore: 55 });
  });

  it('treats an unknown user as having no context', () => {
    const empty: LoginRiskState = { userRisk: new Map(), hr: new Map(), context: new Map() };
    expect(decideLogin(empty, { ...request, country: undefined })).toMatchObject({ decision: LOGIN_DECISION.ALLOW, riskScore: 30 });
  });

  it('keeps the recent-context summary bounded, evicting the least recently seen', () => {
    const ctx = emptyRecentContext();
    for (let i = 0; i < 20; i++) observeLogin(ctx, { ip: `10.0.0.${i}`, deviceId: `WS-${i}`, time: T0 + i });
    expect(ctx.devices.size).toBe(16);
    expect(ctx.devices.has('WS-3')).toBe(false);
    expect(ctx.devices.has('WS-4')).toBe(true);
  });

  it('answers fast from memory (micro-benchmark, printed, not asserted)', () => {
    const users = 1000;
    const s: LoginRiskState = { userRisk: new Map(), hr: new Map(), context: new Map() };
    for (let u = 0; u < users; u++) {
      (s.userRisk as Map<string, number>).set(`u${u}`, u % 100);
      const ctx = emptyRecentContext();
      observeLogin(ctx, { ip: `10.0.${u % 250}.1`, deviceId: `WS-${u}`, country: 'GB', time: T0 - DAY });
      (s.context as Map<string, RecentContext>).set(`u${u}`, ctx);
    }
    const calls = 100_000;
    let deny = 0;
    const start = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) {
      const u = i % users;
      const d = decideLogin(s, { userId: `u${u}`, ip: `10.0.${u % 250}.1`, deviceId: i % 7 === 0 ? 'new' : `WS-${u}`, application: 'crm', time: T0, country: 'GB' });
      if (d.decision === 'DENY') deny++;
    }
    const micros = Number(process.hrtime.bigint() - start) / 1000 / calls;
    console.log(`decideLogin: ${micros.toFixed(3)} µs per decision over ${calls} calls (${deny} denied)`);
    expect(deny).toBeGreaterThan(0);
  });
});
