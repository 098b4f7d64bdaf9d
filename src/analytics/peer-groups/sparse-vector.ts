/**
 * Sparse vectors for access profiles: a user touches tens of the thousands of entities an
 * organisation has, so a user's vector keeps only its non-zero coordinates, indices ascending.
 */
export interface SparseVector {
  /** Feature indices, strictly increasing. */
  readonly indices: Int32Array;
  readonly values: Float64Array;
}

export const EMPTY_VECTOR: SparseVector = Object.freeze({ indices: new Int32Array(0), values: new Float64Array(0) });

export function norm(v: SparseVector): number {
  let sum = 0;
  for (let i = 0; i < v.values.length; i++) sum += v.values[i]! * v.values[i]!;
  return Math.sqrt(sum);
}

/** The vector scaled to unit Euclidean length (the zero vector stays zero). */
export function normalise(v: SparseVector): SparseVector {
  const length = norm(v);
  if (length === 0) return v;
  return { indices: v.indices, values: v.values.map((x) => x / length) };
}

/** Dot product of a sparse vector with a dense one (a centroid row starting at `offset`). */
export function dotDense(v: SparseVector, dense: Float64Array, offset = 0): number {
  let sum = 0;
  for (let i = 0; i < v.indices.length; i++) sum += v.values[i]! * dense[offset + v.indices[i]!]!;
  return sum;
}

/** Dot product of two sparse vectors (a merge of their sorted indices). */
export function dot(a: SparseVector, b: SparseVector): number {
  let i = 0;
  let j = 0;
  let sum = 0;
  while (i < a.indices.length && j < b.indices.length) {
    const x = a.indices[i]!;
    const y = b.indices[j]!;
    if (x === y) sum += a.values[i++]! * b.values[j++]!;
    else if (x < y) i++;
    else j++;
  }
  return sum;
}

/** The dense form, `dims` long. */
export function toDense(v: SparseVector, dims: number): number[] {
  const out = new Array<number>(dims).fill(0);
  for (let i = 0; i < v.indices.length; i++) out[v.indices[i]!] = v.values[i]!;
  return out;
}
