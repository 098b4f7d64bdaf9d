import { describe, expect, it } from 'vitest';
import { AccessProfileSet, buildAccessMatrix } from '../../../src/analytics/peer-groups/peer-groups.ts';
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
