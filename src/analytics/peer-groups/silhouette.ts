import { sampleIndices } from './random.ts';
import type { SparseVector } from './sparse-vector.ts';

/**
 * Silhouette coefficient (Rousseeuw 1987, "Silhouettes: a graphical aid to the interpretation
 * and validation of cluster analysis"). For a point i in cluster A:
 *   a(i) = mean distance from i to the other points of A,
 *   b(i) = min over clusters C ≠ A of the mean distance from i to the points of C,
 *   s(i) = (b(i) − a(i)) / max(a(i), b(i)),   and s(i) = 0 when A has i alone.
 * The coefficient is the mean of s(i), in [−1, 1]; higher means tighter, better separated
 * clusters. Points labelled −1 take no part. Null when fewer than two clusters remain.
 */
export function silhouette(labels: ArrayLike<number>, distance: (i: number, j: number) => number): number | null {
  const n = labels.length;
  const row = new Float64Array(n);
  return silhouetteByRows(labels, (i) => {
    for (let j = 0; j < n; j++) row[j] = j === i ? 0 : distance(i, j);
    return row;
  });
}

/** The same, given each point's distances to all points (the hot loop indexes arrays only). */
function silhouetteByRows(labels: ArrayLike<number>, distancesFrom: (i: number) => ArrayLike<number>): number | null {
  const n = labels.length;
  const clusterOf = new Map<number, number>();
  const compact = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    const label = labels[i]!;
    if (label < 0) continue;
    let c = clusterOf.get(label);
    if (c === undefined) {
      c = clusterOf.size;
      clusterOf.set(label, c);
    }
    compact[i] = c;
  }
  const k = clusterOf.size;
  if (k < 2) return null;
  const sizes = new Int32Array(k);
  for (let i = 0; i < n; i++) if (compact[i]! >= 0) sizes[compact[i]!]! += 1;

  const sums = new Float64Array(k);
  let total = 0;
  let points = 0;
  for (let i = 0; i < n; i++) {
    const own = compact[i]!;
    if (own < 0) continue;
    points += 1;
    if (sizes[own]! === 1) continue; // s(i) = 0
    sums.fill(0);
    const distances = distancesFrom(i);
    // d(i, i) = 0, so the own cluster's sum needs no exclusion.
    for (let j = 0; j < n; j++) {
      const c = compact[j]!;
      if (c >= 0) sums[c]! += distances[j]!;
    }
    const a = sums[own]! / (sizes[own]! - 1);
    let b = Infinity;
    for (let c = 0; c < k; c++) if (c !== own) b = Math.min(b, sums[c]! / sizes[c]!);
    const denominator = Math.max(a, b);
    total += denominator === 0 ? 0 : (b - a) / denominator;
  }
  return total / points;
}

/**
 * Pairwise distances between a sample of the users, computed once per build and reused for
 * every candidate k (and for the organisational partitions). The exact coefficient costs
 * O(n²) distances: at 10k users that is 50M sparse dot products per candidate k, so above
 * `maxSample` users the coefficient is estimated on a uniform random sample of that many
 * users (as scikit-learn's `silhouette_score(sample_size=…)`); its standard error is of the
 * order of the spread of s(i) over √sample, about 0.01 for 2000 users.
 *
 * Distances are Euclidean between unit vectors, √(2 − 2·cos): the geometry k-means works in.
 */
export class SampledDistances {
  /** Row indices of the sampled users, increasing. */
  readonly sample: Int32Array;
  /** Row-major `sample.length²` distances (single precision: plenty for a mean). */
  readonly #distances: Float32Array;

  constructor(rows: readonly SparseVector[], candidates: Int32Array, maxSample: number, seed: number) {
    const picked = sampleIndices(candidates.length, maxSample, seed);
    this.sample = picked.map((i) => candidates[i]!);
    const s = this.sample.length;
    this.#distances = new Float32Array(s * s);

    // Inverted index of the sample: per feature, the sampled users holding it and their
    // weight. The dot products then cost Σ_f df_f² instead of s² merges of whole vectors.
    const postings = new Map<number, { users: number[]; weights: number[] }>();
    for (let a = 0; a < s; a++) {
      const row = rows[this.sample[a]!]!;
      for (let m = 0; m < row.indices.length; m++) {
        const f = row.indices[m]!;
        let list = postings.get(f);
        if (list === undefined) postings.set(f, (list = { users: [], weights: [] }));
        list.users.push(a);
        list.weights.push(row.values[m]!);
      }
    }
    const dots = new Float64Array(s);
    for (let a = 0; a < s; a++) {
      dots.fill(0);
      const row = rows[this.sample[a]!]!;
      for (let m = 0; m < row.indices.length; m++) {
        const list = postings.get(row.indices[m]!)!;
        const v = row.values[m]!;
        // Postings are in increasing user order: only b > a is needed (symmetry).
        for (let p = list.users.length - 1; p >= 0 && list.users[p]! > a; p--) dots[list.users[p]!]! += v * list.weights[p]!;
      }
      for (let b = a + 1; b < s; b++) {
        const d = Math.sqrt(Math.max(0, 2 - 2 * dots[b]!));
        this.#distances[a * s + b] = d;
        this.#distances[b * s + a] = d;
      }
    }
  }

  distance(a: number, b: number): number {
    return this.#distances[a * this.sample.length + b]!;
  }

  /** Silhouette of a partition of all rows (label −1: not in the partition) on the sample. */
  silhouetteOf(labels: ArrayLike<number>): number | null {
    const sampled = Int32Array.from(this.sample, (row) => labels[row]!);
    const s = this.sample.length;
    return silhouetteByRows(sampled, (a) => this.#distances.subarray(a * s, (a + 1) * s));
  }
}
