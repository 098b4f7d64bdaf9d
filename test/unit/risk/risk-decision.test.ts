import { describe, expect, it } from 'vitest';
import { DEFAULT_LOGIN_POLICY, emptyRecentContext, observeLogin } from '../../../src/analytics/fusion/login-decision.ts';
import { decideForUser, decideWithoutState } from '../../../src/risk/risk-decision.ts';
import type { UserRiskState } from '../../../src/risk/risk-state.cache.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 4, 4, 9);
const login = { userId: 'alice', ip: '10.0.0.7', deviceId: 'WS-1', application: 'crm', time: T0 };

function alice(overrides: Partial<UserRiskState> = {}): UserRiskState {
  const context = emptyRecentContext();
  observeLogin(context, { ip: '10.0.0.7', deviceId: 'WS-1', time: T0 - DAY });
  return { userId: 'alice', riskScore: 10, hr: { status: 'ACTIVE' }, hrChanges: [], context, ...overrides };
}

describe('risk decision over the cached state', () => {
  it('allows a low-risk user on a known device and IP', () => {
    expect(decideForUser(alice(), login)).toEqual({ decision: 'ALLOW', riskScore: 10, reasons: ['user risk 10 (LOW)'] });
  });

  it('steps up or denies by the stored risk plus context (policy 50 / 90)', () => {
    expect(decideForUser(alice({ riskScore: 55 }), login)).toMatchObject({ decision: 'STEP_UP', riskScore: 55 });
    expect(decideForUser(alice({ riskScore: 75 }), { ...login, deviceId: 'WS-9' })).toMatchObject({
      decision: 'DENY',
      riskScore: 95,
      reasons: ['user risk 75 (CRITICAL)', 'unknown device WS-9'],
    });
  });

  it('does not score a device or IP the identity provider did not send', () => {
    const { ip: _ip, deviceId: _device, ...bare } = login;
    expect(decideForUser(alice({ context: emptyRecentContext() }), bare)).toEqual({ decision: 'ALLOW', riskScore: 10, reasons: ['user risk 10 (LOW)'] });
  });

  it('denies once a recorded termination falls due, before any refresh of the User node', () => {
    const s = alice({ hrChanges: [{ status: 'TERMINATED', effectiveDate: T0 + DAY, recordedAt: T0 - DAY }] });
    expect(decideForUser(s, login).decision).toBe('ALLOW');
    expect(decideForUser(s, { ...login, time: T0 + 2 * DAY })).toEqual({ decision: 'DENY', riskScore: 100, reasons: ['employment terminated'] });
  });

  it('steps up an unknown user, raising the score to the step-up threshold and saying why first', () => {
    expect(decideForUser(null, login)).toEqual({
      decision: 'STEP_UP',
      riskScore: DEFAULT_LOGIN_POLICY.stepUpAt,
      reasons: ['unknown user alice', 'unknown device WS-1', 'unknown IP 10.0.0.7'],
    });
  });

  it('keeps a higher context score for a login nothing is known about, and a DENY', () => {
    const strict = { ...DEFAULT_LOGIN_POLICY, deviceUnknownPoints: 60 };
    expect(decideWithoutState(login, 'risk state unavailable', strict)).toMatchObject({ decision: 'STEP_UP', riskScore: 70 });
    const harsh = { ...DEFAULT_LOGIN_POLICY, deviceUnknownPoints: 95 };
    expect(decideWithoutState(login, 'why', harsh)).toMatchObject({ decision: 'DENY', riskScore: 100, reasons: ['why', 'unknown device WS-1', 'unknown IP 10.0.0.7'] });
  });
});
