import { describe, expect, it } from 'vitest';
import { estimateExpansions, pathLowerBounds } from '../../../src/analytics/attack-paths.ts';

describe('the attack-path expansion estimate', () => {
  // The start has 100 relationships whose other ends have 40,000; the target 500, whose other
  // ends have 50,000 (growth 100 per hop beyond them).
  const degrees = { start1: 100, start2: 40_000, target1: 500, target2: 50_000 };

  it('counts what each hop bound expands: the start alone, then both sides meeting in the middle', () => {
    expect(estimateExpansions(degrees, 1)).toBe(100);
    expect(estimateExpansions(degrees, 2)).toBe(600);
    // 3 hops: two from the start, one from the target.
    expect(estimateExpansions(degrees, 3)).toBe(100 + 40_000 + 500);
    // 4 hops: two from each side.
    expect(estimateExpansions(degrees, 4)).toBe(100 + 40_000 + 500 + 50_000);
  });

  it('extrapolates beyond two hops from the targets by the growth of their second hop', () => {
    expect(estimateExpansions(degrees, 5)).toBe(90_600 + 50_000 * 100);
    expect(estimateExpansions(degrees, 6)).toBe(90_600 + 50_000 * 100 + 50_000 * 100 * 100);
  });

  it('estimates nothing beyond the targets when they have no relationships', () => {
    expect(estimateExpansions({ start1: 3, start2: 9, target1: 0, target2: 0 }, 6)).toBe(12);
  });
});

describe('the least cost of an attack path of each length', () => {
  // Only REPORTS_TO joins two users; every other hop goes between a user and a non-user.
  it('from a user to an asset, forces a REPORTS_TO hop into every even length', () => {
    expect(pathLowerBounds('User', 6)).toEqual([0, 0, 1, 0, 1, 0, 1]);
  });

  it('from a device to an asset, into every odd length', () => {
    expect(pathLowerBounds('Device', 5)).toEqual([0, 1, 0, 1, 0, 1]);
  });

  it('prices the forced hop by the REPORTS_TO weight', () => {
    expect(pathLowerBounds('User', 4, { unknownPeerShare: 0.5, staleDays: 90, reportsTo: 0.25, peerBase: 0.5 })).toEqual([0, 0, 0.25, 0, 0.25]);
  });
});
