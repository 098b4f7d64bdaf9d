/**
 * When the peer groups are rebuilt during ingestion: the groups follow the data's own time, not
 * the wall clock, so a backfill of months is scored against peers the way live traffic is.
 *
 * Data time is cut into windows of `windowMs` aligned on the epoch (the ingest producer cuts
 * its batches at window boundaries, so a batch never spans one). Before a batch is analysed,
 * the groups are rebuilt when
 * - the batch is in a later window than the last rebuild's (the data has moved on a window),
 *   the first rebuild needing at least half a window of data since the first event seen; or
 * - the users in the graph have grown by `userGrowth` (a fraction) and at least `minNewUsers`
 *   since the last rebuild, with at least `growthGapMs` of data time since it.
 * Pure: the record of the last rebuild and the observation are passed in.
 */

export interface RebuildPolicy {
  /** Data-time window, ms; 0 turns the data-time rule off. */
  windowMs: number;
  /** Growth of the user count that calls for a rebuild, a fraction (0.2 = 20 %); 0 turns it off. */
  userGrowth: number;
  /** The growth must also be at least this many users. */
  minNewUsers: number;
  /**
   * ... and the data must have moved on this much since the last rebuild, ms: as a backfill
   * starts, partitions behind the one that asked for a rebuild are still adding their users,
   * which is not growth worth another rebuild at once.
   */
  growthGapMs: number;
}

/** What the graph records of the rebuilds asked for so far (one record for all processes). */
export interface RebuildRecord {
  /** Incremented by every change of the record (compare-and-set). */
  seq: number;
  /** The earliest event time seen when the record was created. */
  firstDataTime: number;
  /** The data time of the batch that asked for the last rebuild; null before the first. */
  dataTime: number | null;
  /** Users in the graph when the last rebuild was asked for; null before the first. */
  users: number | null;
}

export interface RebuildObservation {
  /** The earliest event time of the batch about to be analysed. */
  dataTime: number;
  /** Users in the graph now. */
  users: number;
}

export type RebuildDecision =
  | { kind: 'none' }
  /** No record yet: create one starting the data clock at this batch. */
  | { kind: 'start' }
  | { kind: 'rebuild'; reason: 'data-time' | 'user-growth' };

export function policyEnabled(policy: RebuildPolicy): boolean {
  return policy.windowMs > 0 || policy.userGrowth > 0;
}

/** The window a data time falls in (epoch-aligned); 0 when windows are off. */
export function dataWindow(ts: number, windowMs: number): number {
  return windowMs > 0 ? Math.floor(ts / windowMs) : 0;
}

/**
 * The record a first batch starts: the data clock from its earliest event. With the data-time
 * rule on, growth counts from the first rebuild (users appearing as a backfill starts are not
 * growth); with it off, from now.
 */
export function startRecord(observation: RebuildObservation, policy: RebuildPolicy): Omit<RebuildRecord, 'seq'> {
  return { firstDataTime: observation.dataTime, dataTime: null, users: policy.windowMs > 0 ? null : observation.users };
}

export function decideRebuild(record: RebuildRecord | null, observation: RebuildObservation, policy: RebuildPolicy): RebuildDecision {
  if (!policyEnabled(policy)) return { kind: 'none' };
  if (record === null) return { kind: 'start' };
  if (policy.windowMs > 0) {
    const window = dataWindow(observation.dataTime, policy.windowMs);
    if (record.dataTime === null) {
      if (window > dataWindow(record.firstDataTime, policy.windowMs) && observation.dataTime - record.firstDataTime >= policy.windowMs / 2) {
        return { kind: 'rebuild', reason: 'data-time' };
      }
    } else if (window > dataWindow(record.dataTime, policy.windowMs)) {
      return { kind: 'rebuild', reason: 'data-time' };
    }
  }
  if (policy.userGrowth > 0 && record.users !== null) {
    const grown = observation.users - record.users;
    const gap = record.dataTime === null ? Infinity : observation.dataTime - record.dataTime;
    if (grown >= policy.minNewUsers && observation.users >= record.users * (1 + policy.userGrowth) && gap >= policy.growthGapMs) {
      return { kind: 'rebuild', reason: 'user-growth' };
    }
  }
  return { kind: 'none' };
}
