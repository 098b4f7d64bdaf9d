import { hashString, seededRandom } from './random.ts';
import type { SparseVector } from './sparse-vector.ts';

/**
 * The dense points ml-kmeans clusters. ml-kmeans works on dense arrays and costs
 * O(n · k · dims) per iteration, so thousands of entity columns for thousands of users would
 * take minutes over all candidate k. When asked to, the vectors are mapped to `dims`
 * dimensions by a sparse random projection (Achlioptas 2003, "Database-friendly random
 * projections"): entry R[f][j] is +1 or −1 with probability 1/6 each and 0 otherwise. By the
 * Johnson–Lindenstrauss lemma pairwise distances survive up to a small relative error. (The
 * "very sparse" variant of Li, Hastie & Church 2006, density 1/√columns, leaves a column only
 * two or three non-zero entries at 128 dimensions, and measured noticeably worse here; the
 * projection costs little either way.) The clustering goes back to the full vectors for its
 * final partition (see behaviour-clustering.ts), so the projection only guides k-means.
 *
 * Each column's random signs come from a generator seeded by the hash of the entity's key and
 * the build seed, so an entity projects the same way whatever other entities exist.
 * Projected points are scaled back to unit length (cosine geometry, as the full vectors).
 */
export interface Projection {
  /** Dimensions of the points. */
  dims: number;
  /** Whether the points are a random projection (false: the full vectors, dense). */
  projected: boolean;
  points: number[][];
}

export function projectRows(
  rows: readonly SparseVector[],
  columnKeys: readonly string[],
  /** Target dimensions; at or above the number of columns, the full vectors are used. */
  targetDimensions: number,
  seed: number,
): Projection {
  const columns = columnKeys.length;
  if (columns <= targetDimensions) {
    const points = rows.map((row) => {
      const point = new Array<number>(columns).fill(0);
      for (let i = 0; i < row.indices.length; i++) point[row.indices[i]!] = row.values[i]!;
      return point;
    });
    return { dims: columns, projected: false, points };
  }
  const dims = targetDimensions;
  const half = 1 / 6;
  // Per column, the non-zero entries of its row of R: output dimension and sign.
  const targets: Int32Array[] = [];
  const signs: Int8Array[] = [];
  for (const key of columnKeys) {
    const random = seededRandom(hashString(key, seed));
    const dimsOut: number[] = [];
    const signsOut: number[] = [];
    for (let j = 0; j < dims; j++) {
      const r = random();
      if (r < half) {
        dimsOut.push(j);
        signsOut.push(1);
      } else if (r < 2 * half) {
        dimsOut.push(j);
        signsOut.push(-1);
      }
    }
    // A column that drew no entry would vanish; give it one so every entity counts.
    if (dimsOut.length === 0) {
      dimsOut.push(Math.floor(random() * dims));
      signsOut.push(random() < 0.5 ? 1 : -1);
    }
    targets.push(Int32Array.from(dimsOut));
    signs.push(Int8Array.from(signsOut));
  }
  const points = rows.map((row) => {
    const point = new Array<number>(dims).fill(0);
    for (let i = 0; i < row.indices.length; i++) {
      const col = row.indices[i]!;
      const value = row.values[i]!;
      const t = targets[col]!;
      const sg = signs[col]!;
      for (let m = 0; m < t.length; m++) point[t[m]!]! += sg[m]! * value;
    }
    let length = 0;
    for (const x of point) length += x * x;
    length = Math.sqrt(length);
    if (length > 0) for (let j = 0; j < dims; j++) point[j]! /= length;
    return point;
  });
  return { dims, projected: true, points };
}
