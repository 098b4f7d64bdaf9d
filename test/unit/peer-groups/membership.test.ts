import { describe, expect, it } from 'vitest';
import { fuzzyMemberships } from '../../../src/analytics/peer-groups/peer-groups.ts';

describe('fuzzy c-means membership degrees', () => {
  it('follows u_j = 1 / Σ_k (d_j / d_k)^(2/(m−1)) with m = 2', () => {
    // d = (1, 2): u_1 = 1 / (1 + (1/2)²) = 0.8, u_2 = 1 / ((2/1)² + 1) = 0.2.
    const u = fuzzyMemberships([1, 2]);
    expect(u[0]).toBeCloseTo(0.8, 12);
    expect(u[1]).toBeCloseTo(0.2, 12);
  });

  it('sums to 1 and favours the nearest centre', () => {
    const distances = [0.7, 0.3, 1.2, 0.9];
    const u = fuzzyMemberships(distances);
    expect(u.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    const nearest = distances.indexOf(Math.min(...distances));
    expect(Array.from(u).indexOf(Math.max(...u))).toBe(nearest);
    // Degrees fall as distances grow.
    const byDistance = [...distances.keys()].sort((a, b) => distances[a]! - distances[b]!);
    for (let i = 1; i < byDistance.length; i++) expect(u[byDistance[i]!]!).toBeLessThan(u[byDistance[i - 1]!]!);
  });

  it('gives full membership to a centre the point sits on', () => {
    expect(Array.from(fuzzyMemberships([0.5, 0, 2]))).toEqual([0, 1, 0]);
    expect(Array.from(fuzzyMemberships([0, 0, 1]))).toEqual([0.5, 0.5, 0]);
  });

  it('is crisper for a smaller fuzzifier', () => {
    // m = 3: exponent 1, u ∝ 1/d: (1, 2) → (2/3, 1/3).
    const soft = fuzzyMemberships([1, 2], 3);
    expect(soft[0]).toBeCloseTo(2 / 3, 12);
    expect(fuzzyMemberships([1, 2], 1.5)[0]!).toBeGreaterThan(0.8);
    expect(() => fuzzyMemberships([1, 2], 1)).toThrow(RangeError);
  });
});
