import { type Job, Worker } from 'bullmq';
import { isDomainError } from '../errors.ts';
import { isTransientStoreError } from '../store/executor.ts';
import { DEAD_LETTER_RAW_LIMIT, type DeadLetter } from '../events/event.ts';
import type { BatchProcessor, BatchResult } from './batch-processor.ts';
import type { Logger } from '../logger.ts';
import type { DeadLetterRepository } from '../store/dead-letter.repository.ts';
import type { EventsJobData, QueueConnection, RescoreJobData, SweepJobData } from './ingest.queue.ts';
import { JobName, partitionQueueName } from './names.ts';
import type { ImportTracker } from './import-tracker.ts';

/** The counters the workers move (prom-client counters in the runtime). */
export interface WorkerMetrics {
  eventsApplied: { inc(n: number): void };
  eventsDuplicate: { inc(n: number): void };
  sessionsClosed: { inc(n: number): void };
}

/**
 * BullMQ workers, one per partition queue, feeding the pipeline. A store or Redis that is
 * briefly away is waited for inside the job (the job keeps its lock and its place, so the
 * partition's order holds); any other failure fails the job, which BullMQ retries, and a job
 * that exhausts its attempts turns its events into dead letters so nothing is silently lost.
 */
export class PipelineWorkers {
  readonly #workers = new Map<number, Worker>();
  readonly #connection: QueueConnection;
  readonly #partitions: number;
  readonly #lockMs: number;
  readonly #metrics: WorkerMetrics | undefined;
  readonly #pipeline: BatchProcessor;
  readonly #deadLetters: DeadLetterRepository;
  readonly #log: Logger;
  readonly #tracker: ImportTracker | null;
  #closing = false;

  constructor(deps: {
    connection: QueueConnection;
    partitions: number;
    /** Lock on a batch, ms; a batch whose worker died is taken over after it lapses. */
    lockMs: number;
    /** Counts what the workers write; optional so the pipeline can run without the HTTP edge. */
    metrics?: WorkerMetrics;
    pipeline: BatchProcessor;
    deadLetters: DeadLetterRepository;
    log: Logger;
    /** Import progress (each finished batch is recorded against its import). */
    tracker?: ImportTracker | null;
  }) {
    this.#tracker = deps.tracker ?? null;
    this.#lockMs = deps.lockMs;
    this.#metrics = deps.metrics;
    this.#connection = deps.connection;
    this.#partitions = deps.partitions;
    this.#pipeline = deps.pipeline;
    this.#deadLetters = deps.deadLetters;
    this.#log = deps.log;
  }

  /** Runs every partition in this process (a single process, or tests). */
  start(): void {
    for (let partition = 0; partition < this.#partitions; partition++) this.startPartition(partition);
  }

  /** Partitions this process runs a worker for. */
  running(): number[] {
    return [...this.#workers.keys()].sort((a, b) => a - b);
  }

  startPartition(partition: number): void {
    if (this.#closing || this.#workers.has(partition)) return;
    const worker = new Worker(partitionQueueName(partition), (job) => this.#process(partition, job), {
      connection: { url: this.#connection.url, maxRetriesPerRequest: null },
      prefix: this.#connection.prefix,
      concurrency: 1,
      lockDuration: this.#lockMs,
      stalledInterval: Math.max(1000, Math.floor(this.#lockMs / 2)),
      // A batch is retried after worker crashes this often before it fails (and is dead-lettered).
      maxStalledCount: 5,
    });
    worker.on('failed', (job, error) => void this.#onFailed(job, error));
    worker.on('error', (error) => this.#log.warn({ err: error, partition }, 'queue worker error'));
    this.#workers.set(partition, worker);
  }

  /** Stops taking the partition's batches; resolves once the batch in flight is done. */
  async stopPartition(partition: number): Promise<void> {
    const worker = this.#workers.get(partition);
    if (worker === undefined) return;
    this.#workers.delete(partition);
    await worker.close();
    await this.#pipeline.release?.(partition);
  }

  async close(): Promise<void> {
    this.#closing = true;
    await Promise.all(this.running().map((partition) => this.stopPartition(partition)));
  }

  async #process(partition: number, job: Job): Promise<BatchResult> {
    const batchId = job.id ?? `${partition}:${job.timestamp}`;
    let result: BatchResult;
    if (job.name === JobName.SWEEP) {
      const data = job.data as SweepJobData;
      result = await this.#retryTransient(() => this.#pipeline.sweep(partition, batchId, data.wallClock), job);
    } else if (job.name === JobName.RESCORE) {
      const data = job.data as RescoreJobData;
      result = await this.#retryTransient(() => this.#pipeline.rescore(partition, batchId, data.users, data.reason, data.since ?? 0), job);
    } else {
      const data = job.data as EventsJobData;
      result = await this.#retryTransient(() => this.#pipeline.applyBatch(partition, batchId, data.events), job);
      this.#log.debug({ partition, batchId, ...result }, 'batch processed');
    }
    const importId = (job.data as { importId?: string }).importId;
    if (importId !== undefined && this.#tracker !== null) {
      // Progress is advisory: a Redis hiccup here must not fail a batch that committed.
      await this.#tracker.batchDone(importId, batchId, result, Date.now()).catch((error: unknown) => this.#log.warn({ err: error, importId }, 'could not record import progress'));
    }
    this.#metrics?.eventsApplied.inc(result.applied);
    this.#metrics?.eventsDuplicate.inc(result.duplicates);
    this.#metrics?.sessionsClosed.inc(result.closed);
    return result;
  }

  async #retryTransient<T>(work: () => Promise<T>, job: Job): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await work();
      } catch (error) {
        if (this.#closing || !isTransient(error)) throw error;
        const delay = Math.min(30_000, 250 * 2 ** Math.min(attempt, 7));
        this.#log.warn({ err: error, job: job.id, attempt, delay }, 'store or queue unavailable; retrying batch');
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  async #onFailed(job: Job | undefined, error: Error): Promise<void> {
    if (job === undefined) return;
    const attempts = job.opts.attempts ?? 1;
    this.#log.error({ err: error, job: job.id, attemptsMade: job.attemptsMade, attempts }, 'batch failed');
    if (job.name !== JobName.EVENTS || job.attemptsMade < attempts) return;
    const data = job.data as EventsJobData;
    const at = Date.now();
    const letters: DeadLetter[] = data.events.map((event) => ({
      source: data.source,
      line: 0,
      reason: `pipeline failed after ${attempts} attempts: ${error.message}`,
      raw: JSON.stringify(event).slice(0, DEAD_LETTER_RAW_LIMIT),
      at,
    }));
    if (data.importId !== undefined && this.#tracker !== null) {
      await this.#tracker.batchFailed(data.importId, job.id ?? '', data.events.length, at).catch((e: unknown) => this.#log.warn({ err: e }, 'could not record import progress'));
    }
    try {
      await this.#deadLetters.insert(letters);
    } catch (insertError) {
      this.#log.error({ err: insertError, job: job.id }, 'could not record dead letters of a failed batch; the job stays in the failed set');
    }
  }
}

/**
 * Worth waiting for inside the job: a domain error that says so (the store layer maps driver
 * errors by their codes and retryable flag), a driver or socket error by its code, or ioredis's
 * closed connection (which carries no code).
 */
function isTransient(error: unknown): boolean {
  if (isDomainError(error)) return error.transient;
  if (isTransientStoreError(error)) return true;
  return error instanceof Error && error.message === 'Connection is closed.';
}
