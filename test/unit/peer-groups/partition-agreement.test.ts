import { describe, expect, it } from 'vitest';
import { adjustedRandIndex, purity } from '../../../src/analytics/peer-groups/peer-groups.ts';

describe('adjusted Rand index and purity', () => {
  it('is 1 for the same partition under other names', () => {
    expect(adjustedRandIndex([1, 1, 2, 2, 3], ['a', 'a', 'b', 'b', 'c'])).toBe(1);
    expect(purity([1, 1, 2, 2, 3], ['a', 'a', 'b', 'b', 'c'])).toBe(1);
  });

  it('matches hand-computed values', () => {
    // truth {0,1}{2,3}, predicted {0,1}{2}{3}: Σ C(n_ij,2) = 1, rows 1+0+0 = 1, cols 1+1 = 2,
    // C(4,2) = 6, E = 1·2/6 = 1/3, max = (1+2)/2 = 1.5: ARI = (1 − 1/3) / (1.5 − 1/3) = 4/7.
    expect(adjustedRandIndex([0, 0, 1, 2], [0, 0, 1, 1])).toBeCloseTo(4 / 7, 12);
    // Crossed: Σ C(n_ij,2) = 0; rows and columns 1 + 1 = 2 each; E = 2·2/6 = 2/3, max = 2:
    // ARI = (0 − 2/3) / (2 − 2/3) = −1/2.
    expect(adjustedRandIndex([0, 1, 0, 1], [0, 0, 1, 1])).toBeCloseTo(-0.5, 12);
    // Purity: cluster x = {a, a, b} → 2, cluster y = {b, b} → 2; 4/5.
    expect(purity(['x', 'x', 'x', 'y', 'y'], ['a', 'a', 'b', 'b', 'b'])).toBeCloseTo(0.8, 12);
  });

  it('leaves out items without a label on either side', () => {
    expect(adjustedRandIndex([0, 0, 1, 1, null], ['a', 'a', 'b', 'b', 'c'])).toBe(1);
    expect(adjustedRandIndex([0, 0, 1, 1, 2], ['a', 'a', 'b', 'b', null])).toBe(1);
  });
});
