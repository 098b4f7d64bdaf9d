import { describe, expect, it } from 'vitest';
import {
  AccessProfileSet,
  computePeerGroups,
  median,
  medianAbsoluteDeviation,
  PeerGroupAlgorithm,
  type PeerGroup,
} from '../../../src/analytics/peer-groups/peer-groups.ts';
import { obviousGroups, profile } from './fixtures.ts';

const NOW = Date.UTC(2026, 2, 2, 3, 0);

function withHr() {
  // Two behaviour groups; HR: dept-0 has a manager m0 with two titles; dept-1 reports to m1.
  return obviousGroups(2, 6).map((p, i) => ({
    ...p,
    title: i % 2 === 0 ? 'Analyst' : 'Engineer',
    manager: p.department === 'dept-0' ? 'm0' : 'm1',
  }));
}

const byKey = (groups: PeerGroup[]) => new Map(groups.map((g) => [g.key, g]));

describe('peer-group build', () => {
  it('records how every group was built', () => {
    const build = computePeerGroups(AccessProfileSet.of(withHr()), NOW);
    const behaviour = build.groups.filter((g) => g.kind === 'behaviour');
    expect(behaviour).toHaveLength(2);
    for (const g of behaviour) {
      expect(g).toMatchObject({
        algorithm: PeerGroupAlgorithm.BEHAVIOUR,
        k: 2,
        silhouette: build.behaviour.silhouette,
        features: ['Application', 'Asset'],
        builtAt: NOW,
        size: 6,
      });
      expect(g.label).toMatch(/^behaviour [12]: g[01]-app/);
    }
    expect(build.behaviour).toMatchObject({ k: 2, users: 12, clustered: 12, projected: false, sampleSize: 12, seed: 42, reason: null });
    expect(build.behaviour.candidates.map((c) => c.k)).toEqual([2, 3, 4]);
  });

  it('gives each clustered user a rank-1 membership and a rank-2 one to the runner-up', () => {
    const build = computePeerGroups(AccessProfileSet.of(withHr()), NOW);
    const groups = build.groups.filter((g) => g.kind === 'behaviour');
    for (const g of groups) {
      const own = g.members.filter((m) => m.rank === 1);
      expect(own).toHaveLength(g.size);
      expect(new Set(own.map((m) => m.user.slice(0, 2))).size).toBe(1);
      expect(g.dominantDepartmentShare).toBe(1);
    }
    const degrees = new Map<string, number>();
    for (const g of groups) for (const m of g.members) degrees.set(m.user, (degrees.get(m.user) ?? 0) + m.degree);
    for (const total of degrees.values()) expect(total).toBeCloseTo(1, 12);
  });

  it('forms department, title-within-department and direct-report groups, each of two or more', () => {
    const profiles = [...withHr(), profile('solo', { 'app:x': 1 }, { department: 'dept-9', title: 'Lonely', manager: 'm9' })];
    const build = computePeerGroups(AccessProfileSet.of(profiles), NOW);
    const groups = byKey(build.groups);
    expect(groups.get('department:dept-0')).toMatchObject({ kind: 'department', size: 6, label: 'dept-0', algorithm: 'hr-department', k: 2 });
    expect(groups.get('title:dept-0:Analyst')).toMatchObject({ kind: 'title', size: 3, label: 'Analyst (dept-0)' });
    expect(groups.get('manager:m1')).toMatchObject({ kind: 'manager', size: 6, label: 'direct reports of m1' });
    // One person has no peers: no dept-9, title or m9 group.
    expect([...groups.keys()].filter((k) => k.includes('9'))).toEqual([]);
    for (const g of build.groups.filter((x) => x.kind !== 'behaviour')) {
      expect(g.members.every((m) => m.degree === 1 && m.rank === 1)).toBe(true);
    }
    // The HR departments coincide with the behaviour groups, so they score as well.
    expect(groups.get('department:dept-0')!.silhouette).toBeCloseTo(build.behaviour.silhouette!, 12);
  });

  it('summarises what members accessed and their median and MAD', () => {
    const profiles = [
      profile('a', { 'app:crm': 1, 'device:WS-a': 1 }, { department: 'sales' }, { 'app:crm': { in: 100, out: 1 }, 'device:WS-a': { in: 100, out: 1 } }),
      profile('b', { 'app:crm': 4 }, { department: 'sales' }, { 'app:crm': { in: 200, out: 2 } }),
      profile('c', { 'app:crm': 2, 'asset:SAL-DB': 1 }, { department: 'sales' }, { 'app:crm': { in: 400, out: 3 }, 'asset:SAL-DB': { in: 50, out: 3 } }),
      profile('d', { 'asset:SAL-DB': 3 }, { department: 'sales' }, { 'asset:SAL-DB': { in: 1000, out: 4 } }),
    ];
    const sales = byKey(computePeerGroups(AccessProfileSet.of(profiles), NOW).groups).get('department:sales')!;
    expect(sales.entities).toEqual([
      { type: 'Application', id: 'crm', members: 3 },
      { type: 'Asset', id: 'SAL-DB', members: 2 },
      { type: 'Device', id: 'WS-a', members: 1 },
    ]);
    // bytesIn per user: 100, 200, 400, 1000 → median 300; |x − 300| = 200, 100, 100, 700 → MAD 150.
    expect(sales.numeric.find((n) => n.feature === 'bytesIn')).toEqual({ feature: 'bytesIn', median: 300, mad: 150 });
    // distinct applications and assets: 1, 1, 2, 1 → median 1, MAD 0.
    expect(sales.numeric.find((n) => n.feature === 'distinctEntities')).toEqual({ feature: 'distinctEntities', median: 1, mad: 0 });
  });

  it('is deterministic: the same profiles give the same build', () => {
    const a = computePeerGroups(AccessProfileSet.of(withHr()), NOW);
    const b = computePeerGroups(AccessProfileSet.of([...withHr()].reverse()), NOW);
    expect(b).toEqual(a);
  });

  it('computes median and MAD as defined', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(medianAbsoluteDeviation([1, 1, 2, 2, 4, 6, 9])).toBe(1);
    expect(Number.isNaN(median([]))).toBe(true);
  });
});
