/**
 * How well a clustering agrees with a known partition (the departments of a generated
 * organisation): the adjusted Rand index and purity. Both take two equally long label
 * arrays; items whose label is null in either are left out.
 */

function contingency(predicted: readonly (string | number | null)[], truth: readonly (string | number | null)[]) {
  if (predicted.length !== truth.length) throw new RangeError('label arrays differ in length');
  const cells = new Map<string, number>();
  const rows = new Map<string | number, number>();
  const cols = new Map<string | number, number>();
  let n = 0;
  for (let i = 0; i < predicted.length; i++) {
    const p = predicted[i];
    const t = truth[i];
    if (p === null || p === undefined || t === null || t === undefined) continue;
    n += 1;
    const cell = JSON.stringify([p, t]);
    cells.set(cell, (cells.get(cell) ?? 0) + 1);
    rows.set(p, (rows.get(p) ?? 0) + 1);
    cols.set(t, (cols.get(t) ?? 0) + 1);
  }
  return { cells, rows, cols, n };
}

const pairs = (x: number): number => (x * (x - 1)) / 2;

/**
 * Adjusted Rand index (Hubert & Arabie 1985, "Comparing partitions"):
 *   ARI = (Σ_ij C(n_ij, 2) − E) / (½ [Σ_i C(a_i, 2) + Σ_j C(b_j, 2)] − E),
 *   E = Σ_i C(a_i, 2) · Σ_j C(b_j, 2) / C(n, 2),
 * with n_ij the contingency table, a_i its row sums and b_j its column sums. 1 for identical
 * partitions (up to renaming), about 0 for independent ones, negative when worse than chance.
 */
export function adjustedRandIndex(predicted: readonly (string | number | null)[], truth: readonly (string | number | null)[]): number {
  const { cells, rows, cols, n } = contingency(predicted, truth);
  let index = 0;
  for (const count of cells.values()) index += pairs(count);
  let sumRows = 0;
  for (const count of rows.values()) sumRows += pairs(count);
  let sumCols = 0;
  for (const count of cols.values()) sumCols += pairs(count);
  const expected = n < 2 ? 0 : (sumRows * sumCols) / pairs(n);
  const maximum = (sumRows + sumCols) / 2;
  // Both partitions trivial (all singletons or one block each): they agree perfectly.
  if (maximum === expected) return 1;
  return (index - expected) / (maximum - expected);
}

/**
 * Purity (Manning, Raghavan & Schütze 2008, §16.3): the share of items that belong to the
 * majority true class of their cluster, (1/n) Σ_clusters max_j n_ij. 1 is perfect; it rewards
 * many small clusters, so read it next to the ARI.
 */
export function purity(predicted: readonly (string | number | null)[], truth: readonly (string | number | null)[]): number {
  const { cells, n } = contingency(predicted, truth);
  if (n === 0) return 1;
  const best = new Map<string, number>();
  for (const [cell, count] of cells) {
    const [p] = JSON.parse(cell) as [string | number, string | number];
    const key = JSON.stringify(p);
    best.set(key, Math.max(best.get(key) ?? 0, count));
  }
  let sum = 0;
  for (const count of best.values()) sum += count;
  return sum / n;
}
