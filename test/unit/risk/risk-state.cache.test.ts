import { describe, expect, it } from 'vitest';
import { hrStatusAt, recentContextOf, RiskStateCache, type UserRiskState, userRiskStateOf } from '../../../src/risk/risk-state.cache.ts';
import type { RiskStateRecord } from '../../../src/store/risk-state.repository.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 4, 4, 9);

function record(overrides: Partial<Omit<RiskStateRecord, 'user'>> & { user?: Partial<RiskStateRecord['user']> } = {}): RiskStateRecord {
  const { user, ...rest } = overrides;
  return {
    changes: [],
    devices: [],
    sessions: [],
    ...rest,
    user: { id: 'alice', riskScore: null, employmentStatus: null, statusEffective: null, lastDay: null, ...user },
  };
}

function state(userId: string, riskScore = 0): UserRiskState {
  return userRiskStateOf(record({ user: { id: userId, riskScore } }), 16);
}

function cache(now = () => T0) {
  return new RiskStateCache({ unknownTtlMs: 60_000, maxUnknown: 3, now });
}

describe('user risk state from a graph record', () => {
  it('reads score, HR fields and changes, ignoring statuses it does not know', () => {
    const s = userRiskStateOf(
      record({
        user: { id: 'alice', riskScore: 62.5, employmentStatus: 'NOTICE_GIVEN', statusEffective: T0 - DAY, lastDay: T0 + 10 * DAY },
        changes: [
          { status: 'TERMINATED', effectiveDate: T0 + 11 * DAY, lastDay: null, recordedAt: T0 },
          { status: 'RETIRED', effectiveDate: T0, lastDay: null, recordedAt: T0 },
        ],
      }),
      16,
    );
    expect(s).toMatchObject({
      userId: 'alice',
      riskScore: 62.5,
      hr: { status: 'NOTICE_GIVEN', effectiveDate: T0 - DAY, lastDay: T0 + 10 * DAY },
      hrChanges: [{ status: 'TERMINATED', effectiveDate: T0 + 11 * DAY, recordedAt: T0 }],
    });
  });

  it('counts a user never scored as 0 and keeps scores within 0–100', () => {
    expect(state('a').riskScore).toBe(0);
    expect(userRiskStateOf(record({ user: { riskScore: 140 } }), 16).riskScore).toBe(100);
  });

  it('keeps the most recent devices, IPs and countries, each at most maxEntries', () => {
    const ctx = recentContextOf(
      {
        devices: [
          ['WS-1', T0 - 3 * DAY],
          ['WS-2', T0 - DAY],
          ['WS-3', T0 - 2 * DAY],
        ],
        sessions: [
          { lastTs: T0 - DAY, ips: ['10.0.0.1', '10.0.0.2'], countries: ['GB'] },
          { lastTs: T0 - 5 * DAY, ips: ['10.0.0.1', '10.0.0.9'], countries: ['GB', 'FR'] },
          { lastTs: null, ips: ['10.0.0.66'], countries: null },
        ],
      },
      2,
    );
    expect([...ctx.devices]).toEqual([
      ['WS-2', T0 - DAY],
      ['WS-3', T0 - 2 * DAY],
    ]);
    expect(ctx.ips.get('10.0.0.1')).toBe(T0 - DAY);
    expect(ctx.ips.size).toBe(2);
    expect(ctx.ips.has('10.0.0.66')).toBe(false);
    expect([...ctx.countries.keys()].sort()).toEqual(['FR', 'GB']);
  });
});

describe('HR status in force at a time', () => {
  const notice = { status: 'NOTICE_GIVEN' as const, effectiveDate: T0 - 10 * DAY, lastDay: T0 + 20 * DAY, recordedAt: T0 - 10 * DAY };
  const termination = { status: 'TERMINATED' as const, effectiveDate: T0 + 20 * DAY, recordedAt: T0 - 10 * DAY };

  it('picks the recorded change with the latest effective date not after the time', () => {
    const s = { hr: { status: 'ACTIVE' as const }, hrChanges: [termination, notice] };
    expect(hrStatusAt(s, T0)).toEqual({ status: 'NOTICE_GIVEN', effectiveDate: notice.effectiveDate, lastDay: notice.lastDay });
    // A future termination is known before any refresh puts it on the User node.
    expect(hrStatusAt(s, T0 + 21 * DAY)?.status).toBe('TERMINATED');
  });

  it('lets the later recorded change win a tie on effective date', () => {
    const again = { ...notice, status: 'ACTIVE' as const, recordedAt: notice.recordedAt + 1 };
    expect(hrStatusAt({ hr: undefined, hrChanges: [notice, again] }, T0)?.status).toBe('ACTIVE');
  });

  it('falls back to the User node, and prefers it when a directory import made it newer', () => {
    expect(hrStatusAt({ hr: { status: 'ON_LEAVE' }, hrChanges: [termination] }, T0)).toEqual({ status: 'ON_LEAVE' });
    const directory = { status: 'TERMINATED' as const, effectiveDate: T0 - DAY };
    expect(hrStatusAt({ hr: directory, hrChanges: [notice] }, T0)).toEqual(directory);
    expect(hrStatusAt({ hr: undefined, hrChanges: [] }, T0)).toBeUndefined();
  });
});

describe('risk state cache', () => {
  it('stores what a read found and applies risk changes to users it holds', () => {
    const c = cache();
    const ticket = c.beginRead();
    expect(c.put(ticket, state('alice', 10))).toBe(true);
    c.endRead(ticket);
    c.applyRiskChange({ user: 'alice', score: 80 });
    c.applyRiskChange({ user: 'bob', score: 80 });
    expect(c.get('alice')?.riskScore).toBe(80);
    expect(c.get('bob')).toBeUndefined();
    expect(c.size).toBe(1);
  });

  it('ignores malformed risk changes from the stream', () => {
    const c = cache();
    c.put(c.beginRead(), state('alice', 10));
    c.applyRiskChange({ user: 'alice', score: Number.NaN });
    c.applyRiskChange({ user: 42, score: 90 } as never);
    c.applyRiskChange(null as never);
    expect(c.get('alice')?.riskScore).toBe(10);
  });

  it('does not let a read that began before an event overwrite what the event did', () => {
    const c = cache();
    const early = c.beginRead();
    c.applyRiskChange({ user: 'alice', score: 90 }); // arrives while the read is in flight
    c.invalidate(['bob']);
    expect(c.put(early, state('alice', 10))).toBe(false);
    expect(c.put(early, state('bob', 10))).toBe(false);
    expect(c.put(early, state('carol', 10))).toBe(true);
    c.markUnknown(early, 'bob');
    expect(c.isUnknown('bob')).toBe(false);
    // A read that began after the events stores them.
    const late = c.beginRead();
    expect(c.put(late, state('alice', 90))).toBe(true);
    c.endRead(late);
    c.endRead(early);
    expect(c.get('alice')?.riskScore).toBe(90);
  });

  it('forgets invalidated users until they are read again', () => {
    const c = cache();
    c.put(c.beginRead(), state('alice'));
    c.invalidate(['alice']);
    expect(c.get('alice')).toBeUndefined();
  });

  it('after a full reload drops users the reload did not see, unless stored or changed meanwhile', () => {
    const c = cache();
    const before = c.beginRead();
    for (const id of ['gone', 'stays', 'changed']) c.put(before, state(id));
    c.endRead(before);
    const reload = c.beginRead();
    c.put(reload, state('stays'));
    const readThrough = c.beginRead();
    c.put(readThrough, state('new'));
    c.endRead(readThrough);
    c.applyRiskChange({ user: 'changed', score: 40 });
    expect(c.retainOnly(reload, new Set(['stays']))).toBe(1);
    c.endRead(reload);
    expect(['gone', 'stays', 'changed', 'new'].map((id) => c.get(id) !== undefined)).toEqual([false, true, true, true]);
  });

  it('remembers unknown keys for a while, a bounded number of them, until an event names them', () => {
    let now = T0;
    const c = cache(() => now);
    const t = c.beginRead();
    for (const id of ['u1', 'u2', 'u3', 'u4']) c.markUnknown(t, id);
    c.endRead(t);
    expect(['u1', 'u2', 'u3', 'u4'].map((id) => c.isUnknown(id))).toEqual([false, true, true, true]);
    c.applyRiskChange({ user: 'u2', score: 5 });
    c.invalidate(['u3']);
    expect(c.isUnknown('u2') || c.isUnknown('u3')).toBe(false);
    now += 60_001;
    expect(c.isUnknown('u4')).toBe(false);
  });
});
