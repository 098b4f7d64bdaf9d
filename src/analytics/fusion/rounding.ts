/**
 * Exact decompositions. Scores are shown to 2 decimals; a score's contributions are rounded to
 * hundredths first and the score is their sum, so the integer hundredths add up exactly and
 * the floating-point score is, bit for bit, the left-to-right sum of the listed contributions.
 */

/** Hundredths of a point. */
export const SCALE = 100;

export function toHundredths(value: number): number {
  return Math.round(value * SCALE);
}

export function roundScore(value: number): number {
  return toHundredths(value) / SCALE;
}

/** Left-to-right sum: the definition of "sums to" used throughout fusion. */
export function sumInOrder(values: readonly number[]): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}

/**
 * Largest-remainder (Hamilton) apportionment: splits `totalHundredths` among shares in
 * proportion to `weights` (non-negative), in whole hundredths that add up to the total. Ties in
 * remainder go to the earlier share, so the result is deterministic.
 */
export function apportion(totalHundredths: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, w) => a + Math.max(0, w), 0);
  if (weights.length === 0) return [];
  if (!(sum > 0)) return weights.map((_, i) => (i === 0 ? totalHundredths : 0));
  const exact = weights.map((w) => (Math.max(0, w) / sum) * totalHundredths);
  const floors = exact.map(Math.floor);
  let left = totalHundredths - floors.reduce((a, b) => a + b, 0);
  const order = exact.map((e, i) => ({ i, r: e - Math.floor(e) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    floors[i]! += 1;
    left -= 1;
  }
  return floors;
}
