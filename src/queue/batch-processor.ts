import type { NormalizedEvent } from '../events/event.ts';
import type { StageTotals } from '../perf/stage-timings.ts';

/** What a worker reports for one batch (the job's return value, read by waiting importers). */
export interface BatchResult {
  /** Events written to the graph. */
  applied: number;
  /** Events skipped because their id was committed before. */
  duplicates: number;
  /** Sessions closed (sweeps). */
  closed: number;
  /** Findings written (learning ones included). */
  findings?: number;
  /** Alerts raised. */
  alerts?: number;
  /** Time and rows per stage of this batch (see perf/stage-timings.ts). */
  timings?: { totals: StageTotals; counts: StageTotals };
}

/**
 * What the queue's workers hand each job to: the ingest pipeline implements it. The queue
 * layer knows jobs, partitions and retries; it does not know how a batch is applied.
 */
export interface BatchProcessor {
  applyBatch(partition: number, batchId: string, events: readonly NormalizedEvent[]): Promise<BatchResult>;
  sweep(partition: number, batchId: string, wallClock: boolean): Promise<BatchResult>;
  rescore(partition: number, batchId: string, users: readonly string[], reason: string, since: number): Promise<BatchResult>;
  /** This process stops processing the partition (shutdown, or another process takes it over): save what memory holds. */
  release?(partition: number): Promise<void>;
}
