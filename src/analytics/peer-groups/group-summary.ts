import type { EntityType } from '../entities.ts';
import { type AccessMatrix, type AccessProfileSet, NUMERIC_FEATURES, type NumericFeature } from './access-vectors.ts';

/**
 * What peer-level indicators read about a group: how many members accessed each entity
 * ("access no peer has"), and the members' median and MAD of each numeric feature ("volume far
 * above peers"). Computed over the group's own members (rank 1), never the runner-ups.
 */

export interface EntityMembers {
  type: EntityType;
  id: string;
  /** Members who accessed the entity at least once. */
  members: number;
}

export interface NumericSummary {
  feature: NumericFeature;
  median: number;
  /**
   * Median absolute deviation, median(|x − median|), unscaled: multiply by 1.4826 for a
   * consistent estimate of the standard deviation under normality.
   */
  mad: number;
}

/** Median of the values (mean of the two middle ones for an even count); NaN when empty. */
export function median(values: ArrayLike<number>): number {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const mid = n >> 1;
  return n % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Median absolute deviation around the median (Hampel 1974), unscaled. */
export function medianAbsoluteDeviation(values: ArrayLike<number>): number {
  const m = median(values);
  return median(Array.from(values as ArrayLike<number>, (x) => Math.abs(x - m)));
}

export function numericValue(matrix: AccessMatrix, row: number, feature: NumericFeature): number {
  const user = matrix.users[row]!;
  switch (feature) {
    case 'bytesIn':
      return user.bytesIn;
    case 'bytesOut':
      return user.bytesOut;
    case 'distinctEntities':
      return matrix.distinctEntities[row]!;
  }
}

/** Entity counts and numeric summaries of the members at these matrix rows. */
export function summariseMembers(
  set: AccessProfileSet,
  matrix: AccessMatrix,
  rows: readonly number[],
): { entities: EntityMembers[]; numeric: NumericSummary[] } {
  const counts = new Map<number, number>();
  for (const row of rows) {
    const user = matrix.users[row]!;
    for (let i = 0; i < user.entities.length; i++) {
      if (user.counts[i]! <= 0) continue;
      const e = user.entities[i]!;
      counts.set(e, (counts.get(e) ?? 0) + 1);
    }
  }
  const entities = [...counts]
    .map(([e, members]) => ({ type: set.entities[e]!.type, id: set.entities[e]!.id, members, key: set.entities[e]!.key }))
    .sort((a, b) => b.members - a.members || (a.key < b.key ? -1 : 1))
    .map(({ type, id, members }) => ({ type, id, members }));
  const numeric = NUMERIC_FEATURES.map((feature) => {
    const values = rows.map((row) => numericValue(matrix, row, feature));
    return { feature, median: median(values), mad: medianAbsoluteDeviation(values) };
  });
  return { entities, numeric };
}
