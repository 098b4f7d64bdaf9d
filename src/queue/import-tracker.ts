import type { Redis } from 'ioredis';
import type { BatchResult } from './batch-processor.ts';

/** How far an import has got. */
export type ImportState = 'RECEIVING' | 'QUEUED' | 'DONE' | 'FAILED';

export interface ImportStatus {
  id: string;
  /** Where the events came from (file name, `http:ecs`, `graphql`). */
  source: string;
  state: ImportState;
  /** Events taken in so far (queued; events found processed before count as duplicates). */
  accepted: number;
  duplicates: number;
  deadLetters: number;
  /** Events written to the graph so far. */
  processed: number;
  /** Queued jobs (event batches and the closing sweeps); null while the body is still read. */
  batches: number | null;
  batchesDone: number;
  /** Batches that exhausted their retries, and their events (recorded as dead letters of the pipeline). */
  batchesFailed: number;
  failedEvents: number;
  startedAt: number;
  queuedAt: number | null;
  finishedAt: number | null;
  error: string | null;
}

/** Import records are kept this long after their last change. */
const KEEP_SECONDS = 7 * 86_400;

/**
 * The progress of each import, in Redis so that any API instance can answer for an import any
 * other accepted and any worker process can report its batches. The producer records the
 * totals; each worker records the batches it finished, by job id, so a job retried after a
 * crash counts once. `DONE` is derived: every queued batch finished.
 */
export class ImportTracker {
  readonly #redis: Redis;
  readonly #prefix: string;

  constructor(redis: Redis, prefix: string) {
    this.#redis = redis;
    this.#prefix = prefix;
  }

  #key(id: string): string {
    return `${this.#prefix}:import:${id}`;
  }

  async start(id: string, source: string, at: number): Promise<void> {
    await this.#redis
      .multi()
      .hset(this.#key(id), { source, startedAt: at, accepted: 0, duplicates: 0, deadLetters: 0 })
      .expire(this.#key(id), KEEP_SECONDS)
      .exec();
  }

  /** Progress while the body is read (events taken in so far). */
  async progress(id: string, counts: { accepted: number; duplicates: number; deadLetters: number }): Promise<void> {
    await this.#redis.hset(this.#key(id), counts);
  }

  /** Every batch of the import is durably queued. */
  async queued(id: string, counts: { accepted: number; duplicates: number; deadLetters: number; batches: number }, at: number): Promise<void> {
    await this.#redis.multi().hset(this.#key(id), { ...counts, queuedAt: at }).expire(this.#key(id), KEEP_SECONDS).exec();
  }

  /** The producer could not finish queueing (the events it queued are still processed). */
  async failed(id: string, message: string, at: number): Promise<void> {
    await this.#redis.hset(this.#key(id), { error: message, failedAt: at });
  }

  /** A worker finished one of the import's batches (idempotent per job id). */
  async batchDone(id: string, jobId: string, result: Pick<BatchResult, 'applied' | 'duplicates'>, at: number): Promise<void> {
    await this.#redis
      .multi()
      .hset(`${this.#key(id)}:jobs`, jobId, `${result.applied},${result.duplicates}`)
      .expire(`${this.#key(id)}:jobs`, KEEP_SECONDS)
      .hset(this.#key(id), 'lastDoneAt', at)
      .exec();
  }

  /** A batch exhausted its retries; its events were dead-lettered. */
  async batchFailed(id: string, jobId: string, events: number, at: number): Promise<void> {
    await this.#redis
      .multi()
      .hset(`${this.#key(id)}:jobs`, jobId, `failed,${events}`)
      .expire(`${this.#key(id)}:jobs`, KEEP_SECONDS)
      .hset(this.#key(id), 'lastDoneAt', at)
      .exec();
  }

  async status(id: string): Promise<ImportStatus | null> {
    const [[, fields], [, jobs]] = (await this.#redis.multi().hgetall(this.#key(id)).hgetall(`${this.#key(id)}:jobs`).exec()) as [
      [unknown, Record<string, string>],
      [unknown, Record<string, string>],
    ];
    if (fields === null || Object.keys(fields).length === 0) return null;
    let processed = 0;
    let lateDuplicates = 0;
    let failed = 0;
    let failedEvents = 0;
    for (const value of Object.values(jobs ?? {})) {
      const [a, b] = value.split(',');
      if (a === 'failed') {
        failed += 1;
        failedEvents += Number(b);
      } else {
        processed += Number(a);
        lateDuplicates += Number(b);
      }
    }
    const num = (key: string): number | null => (fields[key] === undefined ? null : Number(fields[key]));
    const batches = num('batches');
    const batchesDone = Object.keys(jobs ?? {}).length;
    const error = fields.error ?? null;
    const finished = batches !== null && batchesDone >= batches;
    const state: ImportState = error !== null || (finished && failed > 0) ? 'FAILED' : finished ? 'DONE' : batches !== null ? 'QUEUED' : 'RECEIVING';
    return {
      id,
      source: fields.source ?? '',
      state,
      accepted: Math.max(0, (num('accepted') ?? 0) - lateDuplicates),
      duplicates: (num('duplicates') ?? 0) + lateDuplicates,
      deadLetters: num('deadLetters') ?? 0,
      failedEvents,
      processed,
      batches,
      batchesDone,
      batchesFailed: failed,
      startedAt: num('startedAt') ?? 0,
      queuedAt: num('queuedAt'),
      finishedAt: finished ? num('lastDoneAt') : error !== null ? num('failedAt') : null,
      error,
    };
  }
}
