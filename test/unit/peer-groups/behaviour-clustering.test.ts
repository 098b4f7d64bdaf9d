import { describe, expect, it } from 'vitest';
import { clusterBehaviour, kmeansPlusPlus } from '../../../src/analytics/peer-groups/behaviour-clustering.ts';
import { AccessProfileSet, adjustedRandIndex, buildAccessMatrix } from '../../../src/analytics/peer-groups/peer-groups.ts';
import { seededRandom } from '../../../src/analytics/peer-groups/random.ts';
import { obviousGroups, profile } from './fixtures.ts';

const departments = (m: ReturnType<typeof buildAccessMatrix>) => m.users.map((u) => u.department);

describe('behaviour clustering', () => {
  it('finds k = 2 for two obvious groups, with membership degrees favouring the own group', () => {
    const m = buildAccessMatrix(AccessProfileSet.of(obviousGroups(2, 10)));
    const c = clusterBehaviour(m);
    expect(c.k).toBe(2);
    expect(c.reason).toBeNull();
    expect(adjustedRandIndex(Array.from(c.assignment), departments(m))).toBe(1);
    // k = 2 is the best of every candidate (2 … ⌊20/3⌋ = 6).
    expect(c.candidates.map((x) => x.k)).toEqual([2, 3, 4, 5, 6]);
    const best = Math.max(...c.candidates.map((x) => x.silhouette ?? -1));
    expect(c.candidates[0]!.silhouette).toBe(best);
    expect(c.silhouette!).toBeGreaterThan(0.5);
    for (let row = 0; row < m.users.length; row++) {
      expect(c.degree[row]!).toBeGreaterThan(0.5);
      expect(c.runnerUp[row]).toBe(1 - c.assignment[row]!);
      // With two groups, own and runner-up degrees are the whole membership.
      expect(c.degree[row]! + c.runnerUpDegree[row]!).toBeCloseTo(1, 12);
    }
  });

  it('is deterministic: same groups whatever order the users arrive in, run after run', () => {
    const profiles = obviousGroups(3, 12);
    const a = clusterBehaviour(buildAccessMatrix(AccessProfileSet.of(profiles)));
    const b = clusterBehaviour(buildAccessMatrix(AccessProfileSet.of([...profiles].reverse())));
    expect(a.k).toBe(3);
    expect(Array.from(b.assignment)).toEqual(Array.from(a.assignment));
    expect(Array.from(b.degree)).toEqual(Array.from(a.degree));
    expect(b.candidates).toEqual(a.candidates);
    // Groups are numbered by size, then by first member: here equal sizes, so in user order.
    expect(Array.from(a.assignment.slice(0, 12))).toEqual(new Array(12).fill(0));
  });

  it('recovers the groups when k is chosen on a sample and when ml-kmeans works on a random projection', () => {
    const m = buildAccessMatrix(AccessProfileSet.of(obviousGroups(3, 40)));
    const sampled = clusterBehaviour(m, { sampleSize: 45 });
    expect(sampled.sampled).toBe(true);
    expect(sampled.sampleSize).toBe(45);
    expect(sampled.k).toBe(3);
    expect(adjustedRandIndex(Array.from(sampled.assignment), departments(m))).toBe(1);

    const projected = clusterBehaviour(m, { maxDenseCells: 10, projectedDimensions: 8 });
    expect(projected.projected).toBe(true);
    expect(projected.kmeansDimensions).toBe(8);
    expect(projected.k).toBe(3);
    expect(adjustedRandIndex(Array.from(projected.assignment), departments(m))).toBe(1);
  });

  it('leaves users without an access vector out, and forms no groups from too few users', () => {
    const profiles = [...obviousGroups(2, 6), profile('zz-device-only', { 'device:WS-X': 30 })];
    const m = buildAccessMatrix(AccessProfileSet.of(profiles));
    const c = clusterBehaviour(m);
    expect(c.clustered).toBe(12);
    const last = m.users.findIndex((u) => u.user === 'zz-device-only');
    expect(c.assignment[last]).toBe(-1);
    expect(c.degree[last]).toBe(0);

    const few = clusterBehaviour(buildAccessMatrix(AccessProfileSet.of(obviousGroups(1, 5))));
    expect(few.k).toBe(0);
    expect(few.reason).toMatch(/too few/);
    expect(Array.from(few.assignment)).toEqual([-1, -1, -1, -1, -1]);
  });

  it('seeds k-means++ deterministically from its generator, with distinct centres', () => {
    const points = [[0, 0], [0, 1], [5, 5], [5, 6], [10, 0], [10, 1]];
    const a = kmeansPlusPlus(points, 3, seededRandom(7));
    expect(kmeansPlusPlus(points, 3, seededRandom(7))).toEqual(a);
    expect(new Set(a.map((p) => p.join())).size).toBe(3);
    expect(() => kmeansPlusPlus([[1, 1], [1, 1]], 2, seededRandom(1))).toThrow(/distinct/);
  });
});
