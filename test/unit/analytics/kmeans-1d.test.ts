import { describe, expect, it } from 'vitest';
import { chooseClustering, ckmeans, silhouette } from '../../../src/analytics/profiles/kmeans-1d.ts';

/** Within-cluster sum of squares of a labelling of sorted values. */
function withinss(sorted: readonly number[], labels: readonly number[]): number {
  const k = labels[labels.length - 1]! + 1;
  let total = 0;
  for (let c = 0; c < k; c++) {
    const xs = sorted.filter((_, i) => labels[i] === c);
    const m = xs.reduce((a, b) => a + b, 0) / xs.length;
    total += xs.reduce((a, x) => a + (x - m) ** 2, 0);
  }
  return total;
}

describe('optimal 1-D k-means', () => {
  it('splits obvious groups where they are', () => {
    expect(ckmeans([1, 1.1, 1.2, 5, 5.1, 9, 9.2], 3)).toEqual([0, 0, 0, 1, 1, 2, 2]);
  });

  it('finds the least within-cluster sum of squares (checked against every split)', () => {
    const xs = [0.3, 0.9, 1.1, 2.5, 2.6, 3.9, 4.4, 6.1, 6.3, 8.8];
    const labels = ckmeans(xs, 3);
    let best = Number.POSITIVE_INFINITY;
    for (let a = 1; a < xs.length - 1; a++) {
      for (let b = a + 1; b < xs.length; b++) {
        best = Math.min(best, withinss(xs, xs.map((_, i) => (i < a ? 0 : i < b ? 1 : 2))));
      }
    }
    expect(withinss(xs, labels)).toBeCloseTo(best, 12);
  });

  it('never separates equal values and caps k at the distinct values', () => {
    expect(ckmeans([0, 0, 0, 0, 1, 1], 4)).toEqual([0, 0, 0, 0, 1, 1]);
    expect(ckmeans([2, 2, 2], 3)).toEqual([0, 0, 0]);
    expect(ckmeans([], 2)).toEqual([]);
  });
});

describe('silhouette', () => {
  it('is near 1 for tight, distant clusters and null for one cluster', () => {
    expect(silhouette([1, 1.01, 10, 10.01], [0, 0, 1, 1])).toBeGreaterThan(0.99);
    expect(silhouette([1, 2, 3], [0, 0, 0])).toBeNull();
  });

  it('picks k by the highest silhouette, one cluster when nothing clears the bar', () => {
    expect(chooseClustering([1, 1.1, 1.2, 7, 7.1, 7.2], 6, 0.5).k).toBe(2);
    expect(chooseClustering([1, 1.1, 4, 4.1, 9, 9.1], 6, 0.5).k).toBe(3);
    expect(chooseClustering([1, 2, 3, 4, 5, 6, 7, 8], 6, 0.7).k).toBe(1);
  });
});
