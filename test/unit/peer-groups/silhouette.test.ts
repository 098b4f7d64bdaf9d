import { describe, expect, it } from 'vitest';
import { silhouette } from '../../../src/analytics/peer-groups/peer-groups.ts';
import { SampledDistances } from '../../../src/analytics/peer-groups/silhouette.ts';
import { normalise, type SparseVector } from '../../../src/analytics/peer-groups/sparse-vector.ts';

const onLine = (xs: number[]) => (i: number, j: number) => Math.abs(xs[i]! - xs[j]!);

describe('silhouette coefficient', () => {
  it('matches a hand computation on four points of a line', () => {
    // Points 0, 1 | 4, 5.
    // x=0: a = 1, b = (4 + 5)/2 = 4.5, s = 3.5/4.5 = 7/9
    // x=1: a = 1, b = (3 + 4)/2 = 3.5, s = 2.5/3.5 = 5/7
    // x=4 and x=5 mirror x=1 and x=0. Mean = (7/9 + 5/7) / 2 = 47/63.
    expect(silhouette([0, 0, 1, 1], onLine([0, 1, 4, 5]))).toBeCloseTo(47 / 63, 12);
  });

  it('counts a point alone in its cluster as 0 and ignores unlabelled points', () => {
    // Points 0, 1 | 10 (alone); x=0: a=1, b=10, s=0.9; x=1: a=1, b=9, s=8/9; x=10: 0.
    const expected = (0.9 + 8 / 9 + 0) / 3;
    expect(silhouette([0, 0, 1], onLine([0, 1, 10]))).toBeCloseTo(expected, 12);
    expect(silhouette([0, 0, 1, -1], onLine([0, 1, 10, 500]))).toBeCloseTo(expected, 12);
  });

  it('is null with fewer than two clusters and negative for a wrong partition', () => {
    expect(silhouette([3, 3, 3], onLine([0, 1, 2]))).toBeNull();
    expect(silhouette([0, 1, 0, 1], onLine([0, 1, 4, 5]))!).toBeLessThan(0);
  });

  it('on sparse unit vectors equals the exact coefficient when the sample holds everyone', () => {
    const rows: SparseVector[] = [
      [1, 0, 0.2],
      [0.9, 0.1, 0],
      [0, 1, 0.1],
      [0.1, 1, 0],
      [0.5, 0.5, 1],
    ].map((dense) => normalise({ indices: Int32Array.from([0, 1, 2]), values: Float64Array.from(dense) }));
    const labels = [0, 0, 1, 1, 1];
    const distances = new SampledDistances(rows, Int32Array.from([0, 1, 2, 3, 4]), 100, 1);
    const dot = (a: SparseVector, b: SparseVector) => a.values.reduce((s, v, i) => s + v * b.values[i]!, 0);
    const exact = silhouette(labels, (i, j) => Math.sqrt(Math.max(0, 2 - 2 * dot(rows[i]!, rows[j]!))));
    expect(distances.silhouetteOf(labels)).toBeCloseTo(exact!, 6);
    // A sample of three is drawn deterministically from the seed.
    const a = new SampledDistances(rows, Int32Array.from([0, 1, 2, 3, 4]), 3, 9).sample;
    const b = new SampledDistances(rows, Int32Array.from([0, 1, 2, 3, 4]), 3, 9).sample;
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(a.length).toBe(3);
  });
});
