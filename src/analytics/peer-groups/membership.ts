/**
 * Degree of membership of a point to each cluster centre, by the fuzzy c-means membership
 * formula (Bezdek 1981, "Pattern Recognition with Fuzzy Objective Function Algorithms"):
 *
 *   u_j = 1 / Σ_k (d_j / d_k)^(2 / (m − 1))
 *
 * where d_j is the (Euclidean) distance to centre j and m > 1 the fuzzifier; m = 2 gives
 * u_j ∝ 1 / d_j². Degrees are in [0, 1], sum to 1 and decrease with distance, so the nearest
 * centre has the largest. A point on a centre (d_j = 0) belongs to it fully (shared equally
 * among centres it sits on). Computed as (d_min / d_j)^p / Σ_k (d_min / d_k)^p, p = 2/(m−1),
 * which is the same quantity without overflow for tiny distances.
 */
export function fuzzyMemberships(distances: ArrayLike<number>, m = 2): Float64Array {
  if (!(m > 1)) throw new RangeError('the fuzzifier m must be greater than 1');
  const k = distances.length;
  const degrees = new Float64Array(k);
  if (k === 0) return degrees;
  let min = Infinity;
  for (let j = 0; j < k; j++) min = Math.min(min, distances[j]!);
  if (min === 0) {
    let zeros = 0;
    for (let j = 0; j < k; j++) if (distances[j] === 0) zeros += 1;
    for (let j = 0; j < k; j++) degrees[j] = distances[j] === 0 ? 1 / zeros : 0;
    return degrees;
  }
  const p = 2 / (m - 1);
  let sum = 0;
  for (let j = 0; j < k; j++) {
    degrees[j] = (min / distances[j]!) ** p;
    sum += degrees[j]!;
  }
  for (let j = 0; j < k; j++) degrees[j]! /= sum;
  return degrees;
}
