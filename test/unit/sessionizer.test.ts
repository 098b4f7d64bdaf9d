import { describe, expect, it } from 'vitest';
import { type UserSessions, isIdle, sessionId, sessionize, sweepSessions } from '../../src/analytics/sessionizer.ts';
import type { NormalizedEvent } from '../../src/events/event.ts';

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 5, 8, 0, 0); // a Monday, 08:00 UTC
const OPTIONS = { gapMs: 30 * MIN, maxMs: 12 * 60 * MIN };
const NOW = Date.UTC(2026, 6, 1);

let seq = 0;
function ev(minute: number, action = 'http_request', extra: Partial<NormalizedEvent> = {}): NormalizedEvent {
  seq += 1;
  return {
    id: `e${seq}`,
    ts: T0 + minute * MIN,
    category: action === 'logon' || action === 'logoff' ? 'authentication' : 'web',
    action,
    outcome: 'success',
    user: 'alice',
    ...extra,
  };
}

function run(events: NormalizedEvent[], state: ReadonlyMap<string, UserSessions> = new Map()) {
  return sessionize(state, events, 0, OPTIONS, NOW);
}

describe('sessionize', () => {
  it('counts a privileged session: its commands and vault checkouts, and touches the secrets', () => {
    const { changes } = run([
      ev(0, 'logon', { host: 'JUMP-1' }),
      ev(1, 'command', { category: 'process', command: 'df -h', asset: 'DB-1' }),
      ev(2, 'command', { category: 'process', command: 'sudo -i', asset: 'DB-1' }),
      ev(3, 'secret_access', { category: 'iam', secretId: 'prod/db/root' }),
      ev(9, 'logoff', { host: 'JUMP-1' }),
    ]);
    const s = changes.sessions[0]!;
    expect(s).toMatchObject({ commands: 2, secretCheckouts: 1, eventCount: 5 });
    expect(s.touched.has('Asset\u0000prod/db/root')).toBe(true);
  });

  it('runs a session from logon to logoff and counts what happened in it', () => {
    const { changes, next } = run([
      ev(0, 'logon', { host: 'PC-1', ip: '10.0.0.1', country: 'GB' }),
      ev(5, 'http_request', { domain: 'example.com', bytesIn: 1000, bytesOut: 10 }),
      ev(6, 'http_request', { domain: 'example.com', bytesIn: 500 }),
      ev(9, 'logoff', { host: 'PC-1' }),
    ]);
    expect(changes.sessions).toHaveLength(1);
    const s = changes.sessions[0]!;
    expect(s).toMatchObject({
      user: 'alice',
      start: T0,
      end: T0 + 9 * MIN,
      status: 'CLOSED',
      closeReason: 'logoff',
      eventCount: 4,
      logons: 1,
      webRequests: 2,
      bytesIn: 1500,
      bytesOut: 10,
      ips: ['10.0.0.1'],
      countries: ['GB'],
    });
    expect(s.id).toBe(sessionId('alice', T0));
    expect(s.touched.size).toBe(2); // PC-1 and example.com
    expect(changes.touched).toEqual(
      expect.arrayContaining([
        { session: s.id, key: 'Device\u0000PC-1', count: 2 },
        { session: s.id, key: 'Asset\u0000example.com', count: 2 },
      ]),
    );
    expect(next.get('alice')).toEqual({ current: null, late: null });
  });

  it('closes a session after an inactivity gap and opens the next at the new event', () => {
    const { changes } = run([ev(0), ev(20), ev(20 + 31), ev(60)]);
    expect(changes.sessions.map((s) => [s.start, s.end, s.status, s.closeReason, s.eventCount])).toEqual([
      [T0, T0 + 20 * MIN, 'CLOSED', 'inactivity', 2],
      [T0 + 51 * MIN, null, 'OPEN', null, 2],
    ]);
  });

  it('does not close a session at exactly one gap of inactivity', () => {
    const { changes } = run([ev(0), ev(30)]);
    expect(changes.sessions).toHaveLength(1);
  });

  it('cuts a session that runs past the maximum duration', () => {
    const events = Array.from({ length: 50 }, (_, i) => ev(i * 20)); // every 20 min for 16 h
    const { changes } = run(events);
    const closed = changes.sessions.filter((s) => s.status === 'CLOSED');
    expect(closed[0]).toMatchObject({ closeReason: 'max-duration', start: T0 });
    expect(closed[0]!.lastTs - closed[0]!.start).toBeLessThanOrEqual(OPTIONS.maxMs);
  });

  it('starts a new session at a second logon and keeps a failed logon inside the current one', () => {
    const { changes } = run([
      ev(0, 'logon'),
      ev(1),
      ev(2, 'logon', { outcome: 'failure' }),
      ev(3, 'logon'),
    ]);
    expect(changes.sessions.map((s) => [s.closeReason, s.eventCount, s.failures])).toEqual([
      ['new-logon', 3, 1],
      [null, 1, 0],
    ]);
  });

  it('continues a session held in state across batches, without mutating that state', () => {
    const first = run([ev(0, 'logon'), ev(10)]);
    const held = first.next.get('alice')!.current!;
    const snapshot = structuredClone({ ...held, touched: [...held.touched] });
    const second = run([ev(20), ev(25)], first.next);
    expect(second.changes.sessions).toHaveLength(1);
    expect(second.changes.sessions[0]).toMatchObject({ id: held.id, eventCount: 4, lastTs: T0 + 25 * MIN });
    expect({ ...held, touched: [...held.touched] }).toEqual(snapshot);
  });

  it('absorbs a small disorder by extending the session backwards', () => {
    const { changes } = run([ev(10), ev(5), ev(12)]);
    expect(changes.sessions).toHaveLength(1);
    expect(changes.sessions[0]).toMatchObject({ start: T0 + 5 * MIN, lastTs: T0 + 12 * MIN, eventCount: 3 });
  });

  it('routes much older events to the late cursor without breaking the current session', () => {
    const first = run([ev(600), ev(610)]); // current session at 18:00
    const { changes, next } = run([ev(0), ev(10), ev(620)], first.next); // 08:00 data arrives late
    const current = changes.sessions.find((s) => s.cursor === 'current')!;
    const late = changes.sessions.find((s) => s.cursor === 'late')!;
    expect(current).toMatchObject({ start: T0 + 600 * MIN, eventCount: 3, status: 'OPEN' });
    expect(late).toMatchObject({ start: T0, lastTs: T0 + 10 * MIN, eventCount: 2, status: 'OPEN' });
    expect(next.get('alice')!.late!.id).toBe(late.id);
  });

  it('reports the session each event joined', () => {
    const events = [ev(0, 'logon'), ev(5), ev(9, 'logoff'), ev(10), ev(11, 'http_request', { user: 'bob' })];
    const { changes, eventSessions } = run(events);
    const [first, second, bobs] = [sessionId('alice', T0), sessionId('alice', T0 + 10 * MIN), sessionId('bob', T0 + 11 * MIN)];
    expect(changes.sessions.map((s) => s.id).sort()).toEqual([first, second, bobs].sort());
    expect(events.map((e) => eventSessions.get(e.id))).toEqual([first, first, first, second, bobs]);
  });

  it('keeps users apart', () => {
    const { changes } = run([ev(0), ev(1, 'http_request', { user: 'bob' }), ev(2)]);
    expect(changes.sessions.map((s) => [s.user, s.eventCount]).sort()).toEqual([
      ['alice', 2],
      ['bob', 1],
    ]);
  });
});

describe('sweepSessions', () => {
  const open = () => run([ev(0), ev(10)]).next;

  it('closes sessions whose events are over by event time alone (end of an import)', () => {
    const { closed, next } = sweepSessions(open(), { eventCutoffFrom: T0 + 41 * MIN }, OPTIONS);
    expect(closed).toHaveLength(1);
    expect(closed[0]).toMatchObject({ status: 'CLOSED', closeReason: 'inactivity', end: T0 + 10 * MIN });
    expect(next.get('alice')!.current).toBeNull();
  });

  it('keeps a session still being fed (wall clock) open under the periodic rule', () => {
    const rule = { eventCutoffFrom: NOW, wallNow: NOW + 5 * MIN };
    expect(sweepSessions(open(), rule, OPTIONS).closed).toHaveLength(0);
    const later = { eventCutoffFrom: NOW + 31 * MIN, wallNow: NOW + 31 * MIN };
    expect(sweepSessions(open(), later, OPTIONS).closed).toHaveLength(1);
  });

  it('isIdle needs both clocks past one gap when both are given', () => {
    const s = { lastTs: 0, touchedAt: 1000 * MIN };
    expect(isIdle(s, { eventCutoffFrom: 31 * MIN }, OPTIONS.gapMs)).toBe(true);
    expect(isIdle(s, { eventCutoffFrom: 31 * MIN, wallNow: 1020 * MIN }, OPTIONS.gapMs)).toBe(false);
    expect(isIdle(s, { eventCutoffFrom: 31 * MIN, wallNow: 1031 * MIN }, OPTIONS.gapMs)).toBe(true);
  });
});
