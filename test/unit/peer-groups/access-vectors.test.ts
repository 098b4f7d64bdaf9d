import { describe, expect, it } from 'vitest';
import { AccessProfileSet, buildAccessMatrix, chooseBehaviourMatrix, computePeerGroups } from '../../../src/analytics/peer-groups/peer-groups.ts';
import { norm } from '../../../src/analytics/peer-groups/sparse-vector.ts';
import { profile } from './fixtures.ts';

const users = () =>
  AccessProfileSet.of([
    profile('carol', { 'asset:FIN-DB': 2, 'device:WS-3': 50 }),
    profile('alice', { 'app:crm': 3, 'asset:FIN-DB': 1, 'device:WS-1': 40 }),
    profile('bob', { 'app:crm': 1 }),
    profile('dave', { 'asset:lonely.example': 7 }),
    profile('erin', { 'device:WS-5': 10 }),
  ]);

describe('access vectors', () => {
  it('weights ln(1 + count) × smooth idf over applications and assets, and scales to unit length', () => {
    const m = buildAccessMatrix(users());
    expect(m.users.map((u) => u.user)).toEqual(['alice', 'bob', 'carol', 'dave', 'erin']);
    // Devices are not features; lonely.example (one user) is below minUsers = 2.
    expect(m.features.map((f) => f.key)).toEqual(['Application\u0000crm', 'Asset\u0000FIN-DB']);
    // N = 4 users with application or asset access (erin has a device only); df = 2 each.
    const idf = Math.log(5 / 3) + 1;
    expect(m.documents).toBe(4);
    for (const f of m.features) expect(f.idf).toBeCloseTo(idf, 12);
    // alice: (ln 4·idf, ln 2·idf) / ‖·‖ = (2, 1)/√5 since ln 4 = 2 ln 2.
    const alice = m.rows[0]!;
    expect(Array.from(alice.indices)).toEqual([0, 1]);
    expect(alice.values[0]).toBeCloseTo(2 / Math.sqrt(5), 12);
    expect(alice.values[1]).toBeCloseTo(1 / Math.sqrt(5), 12);
    for (const row of m.rows.slice(0, 3)) expect(norm(row)).toBeCloseTo(1, 12);
    // dave's only entity is not a feature, erin has none: empty vectors.
    expect(m.rows[3]!.indices.length).toBe(0);
    expect(m.rows[4]!.indices.length).toBe(0);
  });

  it('can include devices and keep entities only one user reached', () => {
    const m = buildAccessMatrix(users(), { types: ['Application', 'Asset', 'Device'], minUsers: 1 });
    expect(m.features.map((f) => f.key.split('\u0000')[1])).toEqual(['crm', 'FIN-DB', 'lonely.example', 'WS-1', 'WS-3', 'WS-5']);
    expect(m.documents).toBe(5);
  });

  it('counts distinct vector entities and takes the largest per-type byte sum', () => {
    const set = AccessProfileSet.of([
      profile(
        'frank',
        { 'device:WS-9': 4, 'app:crm': 2, 'asset:FIN-DB': 2, 'asset:example.com': 1 },
        {},
        {
          // The device saw every event: its sum is the user's traffic.
          'device:WS-9': { in: 900, out: 90 },
          'app:crm': { in: 300, out: 30 },
          'asset:FIN-DB': { in: 300, out: 30 },
          'asset:example.com': { in: 500, out: 5 },
        },
      ),
    ]);
    const m = buildAccessMatrix(set);
    expect(m.users[0]!.bytesIn).toBe(900);
    expect(m.users[0]!.bytesOut).toBe(90);
    expect(m.distinctEntities[0]).toBe(3);
  });

  it('adds up an entity named twice and refuses a user added twice', () => {
    const set = new AccessProfileSet();
    set.add({ user: 'gina', department: null, title: null, manager: null, access: [
      { type: 'Application', id: 'crm', count: 1, bytesIn: 0, bytesOut: 0 },
      { type: 'Application', id: 'crm', count: 2, bytesIn: 0, bytesOut: 0 },
    ] });
    expect(Array.from(set.users()[0]!.counts)).toEqual([3]);
    expect(() => set.add(profile('gina', {}))).toThrow(/twice/);
  });
});

describe('behaviour groups from thin (logon-only) data', () => {
  /**
   * 30 users who only log on to their own PC: 15 day workers (events at 08–16 UTC, Monday to
   * Friday) and 15 night workers (20–04 UTC, every day); the night shift shares two PCs.
   */
  function logonOnly(): AccessProfileSet {
    const set = new AccessProfileSet();
    for (let i = 0; i < 30; i++) {
      const night = i >= 15;
      const hourHist = new Array<number>(24).fill(0);
      const dowHist = new Array<number>(7).fill(0);
      for (let h = 0; h < 24; h++) if (night ? h >= 20 || h < 4 : h >= 8 && h < 16) hourHist[h] = 10 + (i % 3);
      for (let d = 0; d < 7; d++) if (night || d < 5) dowHist[d] = 12;
      const count = hourHist.reduce((a, b) => a + b, 0);
      const access = [{ type: 'Device' as const, id: `PC-${i}`, count, bytesIn: 0, bytesOut: 0, hourHist, dowHist }];
      if (night) access.push({ type: 'Device' as const, id: `PC-SHIFT-${i % 2}`, count: 5, bytesIn: 0, bytesOut: 0, hourHist: new Array(24).fill(0), dowHist: new Array(7).fill(0) });
      set.add({ user: `u${String(i).padStart(2, '0')}`, department: null, title: null, manager: null, access });
    }
    return set;
  }

  it('falls back to activity features and says why', () => {
    const { matrix, choice } = chooseBehaviourMatrix(logonOnly());
    expect(choice.featureSet).toBe('activity');
    expect(choice.reason).toContain('only 0 of 30 active users');
    expect(choice.reason).toContain('2 devices shared');
    expect(matrix.rows.every((r) => r.indices.length > 0)).toBe(true);
    expect(matrix.features.slice(0, 2).map((f) => f.key)).toEqual(['hour:00', 'hour:01']);
  });

  it('never puts a day and a night worker in one group', () => {
    const build = computePeerGroups(logonOnly(), 0);
    expect(build.behaviour.featureSet).toBe('activity');
    expect(build.behaviour.clustered).toBe(30);
    expect(build.behaviour.k).toBeGreaterThanOrEqual(2);
    const groups = build.groups.filter((g) => g.kind === 'behaviour');
    for (const g of groups) {
      const shifts = new Set(g.members.filter((m) => m.rank === 1).map((m) => Number(m.user.slice(1)) >= 15));
      expect(shifts.size, g.label).toBe(1);
    }
    expect(groups.reduce((n, g) => n + g.size, 0)).toBe(30);
    expect(groups[0]!.features).toEqual(['hours', 'days', 'volume', 'shared-devices']);
  });

  it('keeps access vectors when most users have one', () => {
    const set = new AccessProfileSet();
    for (let i = 0; i < 10; i++) {
      set.add({ user: `a${i}`, department: null, title: null, manager: null, access: [{ type: 'Application', id: i < 5 ? 'crm' : 'erp', count: 3, bytesIn: 0, bytesOut: 0 }] });
    }
    const { choice } = chooseBehaviourMatrix(set);
    expect(choice).toEqual({ featureSet: 'access', reason: 'access vectors (Application, Asset) for 10 of 10 active users' });
  });
});
