/**
 * Optimal one-dimensional k-means and the silhouette coefficient, for the bins of dynamic
 * histograms (histogram.profile.ts).
 *
 * In one dimension k-means need not be heuristic: sorted values are split into k contiguous
 * runs, and dynamic programming finds the split with the least within-cluster sum of squares
 * exactly (Wang and Song, "Ckmeans.1d.dp: Optimal k-means Clustering in One Dimension by
 * Dynamic Programming", The R Journal 3(2), 2011), in O(k·n²) — trivial for the bounded samples
 * used here (n ≤ 64). Deterministic, unlike Lloyd's algorithm with random seeds.
 *
 * k is chosen by the mean silhouette coefficient (Rousseeuw, "Silhouettes: a graphical aid to
 * the interpretation and validation of cluster analysis", J. Comput. Appl. Math. 20, 1987):
 * s(i) = (b(i) − a(i)) / max(a(i), b(i)), a(i) the mean distance from i to its own cluster,
 * b(i) the least mean distance to another cluster; s(i) = 0 for a singleton.
 */

export interface Clustering {
  k: number;
  /** Cluster index of each value, in the order of the sorted input; 0 … k−1 ascending. */
  labels: number[];
  /** Mean silhouette; null for k = 1. */
  silhouette: number | null;
}

/**
 * Optimal k-means labels of `sorted` (ascending) into exactly min(k, distinct values) clusters.
 * Equal values always share a cluster.
 */
export function ckmeans(sorted: readonly number[], k: number): number[] {
  const n = sorted.length;
  if (n === 0) return [];
  const kk = Math.max(1, Math.min(k, distinctCount(sorted)));
  // Prefix sums for O(1) sum of squared deviations of any run sorted[j..i].
  const s1 = new Float64Array(n + 1);
  const s2 = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) {
    const v = sorted[i]!;
    s1[i + 1] = s1[i]! + v;
    s2[i + 1] = s2[i]! + v * v;
  }
  const ssq = (j: number, i: number): number => {
    const m = i - j + 1;
    const sum = s1[i + 1]! - s1[j]!;
    return Math.max(0, s2[i + 1]! - s2[j]! - (sum * sum) / m);
  };
  // cost[c][i]: least cost of sorted[0..i] in c+1 clusters; from[c][i]: start of the last one.
  const cost: Float64Array[] = [];
  const from: Int32Array[] = [];
  for (let c = 0; c < kk; c++) {
    cost.push(new Float64Array(n).fill(Number.POSITIVE_INFINITY));
    from.push(new Int32Array(n));
  }
  for (let i = 0; i < n; i++) cost[0]![i] = ssq(0, i);
  for (let c = 1; c < kk; c++) {
    const prev = cost[c - 1]!;
    const row = cost[c]!;
    const back = from[c]!;
    for (let i = c; i < n; i++) {
      for (let j = c; j <= i; j++) {
        // A cluster never starts between two equal values.
        if (sorted[j] === sorted[j - 1]) continue;
        const v = prev[j - 1]! + ssq(j, i);
        if (v < row[i]!) {
          row[i] = v;
          back[i] = j;
        }
      }
    }
  }
  const labels = new Array<number>(n).fill(0);
  let end = n - 1;
  for (let c = kk - 1; c >= 0; c--) {
    const start = c === 0 ? 0 : from[c]![end]!;
    for (let i = start; i <= end; i++) labels[i] = c;
    end = start - 1;
  }
  return labels;
}

/** Mean silhouette of a labelling of `sorted`; null when there is a single cluster. */
export function silhouette(sorted: readonly number[], labels: readonly number[]): number | null {
  const n = sorted.length;
  const k = n === 0 ? 0 : labels[n - 1]! + 1;
  if (k < 2) return null;
  const members: number[][] = Array.from({ length: k }, () => []);
  for (let i = 0; i < n; i++) members[labels[i]!]!.push(sorted[i]!);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const v = sorted[i]!;
    const own = labels[i]!;
    const mine = members[own]!;
    if (mine.length === 1) continue; // s(i) = 0 for a singleton
    let a = 0;
    for (const u of mine) a += Math.abs(u - v);
    a /= mine.length - 1;
    let b = Number.POSITIVE_INFINITY;
    for (let c = 0; c < k; c++) {
      if (c === own) continue;
      let d = 0;
      for (const u of members[c]!) d += Math.abs(u - v);
      b = Math.min(b, d / members[c]!.length);
    }
    const m = Math.max(a, b);
    sum += m === 0 ? 0 : (b - a) / m;
  }
  return sum / n;
}

/**
 * Clusters `values` into the k in 2…maxK with the highest mean silhouette, or into one
 * cluster when no k reaches `minSilhouette` (the sample is not clearly multi-modal) or there
 * are fewer than two distinct values. Ties go to the smaller k.
 */
export function chooseClustering(
  values: readonly number[],
  maxK: number,
  minSilhouette: number,
): Clustering & { sorted: number[] } {
  const sorted = [...values].sort((a, b) => a - b);
  const distinct = distinctCount(sorted);
  let best: Clustering = { k: 1, labels: new Array<number>(sorted.length).fill(0), silhouette: null };
  let bestScore = minSilhouette;
  for (let k = 2; k <= Math.min(maxK, distinct); k++) {
    const labels = ckmeans(sorted, k);
    const s = silhouette(sorted, labels);
    if (s !== null && s > bestScore + 1e-12) {
      best = { k, labels, silhouette: s };
      bestScore = s;
    }
  }
  return { ...best, sorted };
}

function distinctCount(sorted: readonly number[]): number {
  let d = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) d++;
  return d;
}
