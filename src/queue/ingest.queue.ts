import { randomUUID } from 'node:crypto';
import { type Job, Queue } from 'bullmq';
import type { NormalizedEvent } from '../events/event.ts';
import type { BatchResult } from './batch-processor.ts';
import { JobName, partitionQueueName } from './names.ts';
import { waitForJob } from './wait-for-job.ts';

export interface EventsJobData {
  events: NormalizedEvent[];
  /** Where the events came from (file name, `http:ecs`, …), for logs and dead letters. */
  source: string;
  /** The import the batch belongs to (progress: ImportTracker). */
  importId?: string;
}

export interface SweepJobData {
  /** true: periodic sweep with the wall-clock rule; false: the sweep ending an import. */
  wallClock: boolean;
  /** The import a closing sweep belongs to. */
  importId?: string;
}

export interface RescoreJobData {
  /** Users of the partition to re-score. */
  users: string[];
  /** Why, for the audit trail (e.g. `hr-status`). */
  reason: string;
  /** Closed sessions ending at or after this (epoch ms) are re-scored too. */
  since: number;
}

export interface QueueConnection {
  url: string;
  prefix: string;
}

/** Completed jobs are kept a while so that a waiting importer can read their results. */
const KEEP_COMPLETED = { age: 3600, count: 10_000 };
const KEEP_FAILED = { age: 7 * 24 * 3600 };

/** Batches and sweeps alike: a fresh id (it becomes the batch marker), retries, retention. */
function batchJobOptions() {
  return {
    jobId: randomUUID(),
    attempts: 5,
    backoff: { type: 'exponential', delay: 1000 },
    removeOnComplete: KEEP_COMPLETED,
    removeOnFail: KEEP_FAILED,
  };
}

/**
 * The producer side of the user-partitioned ingest queues. Each partition queue has a global
 * concurrency of 1, so however many processes run workers, one partition's batches are
 * processed one at a time, in order.
 */
export class IngestQueues {
  readonly partitions: number;
  readonly #queues: Queue[];

  constructor(connection: QueueConnection, partitions: number) {
    this.partitions = partitions;
    this.#queues = Array.from(
      { length: partitions },
      (_, p) => new Queue(partitionQueueName(p), { connection: { url: connection.url }, prefix: connection.prefix }),
    );
  }

  async init(): Promise<void> {
    await Promise.all(this.#queues.map((queue) => queue.setGlobalConcurrency(1)));
  }

  #queue(partition: number): Queue {
    const queue = this.#queues[partition];
    if (queue === undefined) throw new RangeError(`no partition ${partition}`);
    return queue;
  }

  /** Durably queues one batch; resolves once Redis holds it. The job id is the batch id. */
  async addEvents(partition: number, data: EventsJobData): Promise<Job> {
    return this.#queue(partition).add(JobName.EVENTS, data, batchJobOptions());
  }

  async addSweep(partition: number, data: SweepJobData): Promise<Job> {
    return this.#queue(partition).add(JobName.SWEEP, data, batchJobOptions());
  }

  /** Queues a re-scoring of users behind the partition's pending batches (so it sees them). */
  async addRescore(partition: number, data: RescoreJobData): Promise<Job> {
    return this.#queue(partition).add(JobName.RESCORE, data, batchJobOptions());
  }

  /** A periodic wall-clock sweep per partition (one scheduler each, shared by all processes). */
  async scheduleSweeps(everyMs: number): Promise<void> {
    await Promise.all(
      this.#queues.map((queue) =>
        queue.upsertJobScheduler(
          'session-sweep',
          { every: everyMs },
          { name: JobName.SWEEP, data: { wallClock: true }, opts: { removeOnComplete: true, removeOnFail: KEEP_FAILED } },
        ),
      ),
    );
  }

  /** Waits for a job to finish and returns what its worker reported. */
  async waitFor(partition: number, job: Job, options: { timeoutMs?: number } = {}): Promise<BatchResult> {
    return waitForJob<BatchResult>(this.#queue(partition), job.id!, options);
  }

  /** Jobs waiting, active and delayed per partition, for health and metrics. */
  async depths(): Promise<number[]> {
    return Promise.all(
      this.#queues.map(async (queue) => {
        const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
        return Object.values(counts).reduce((a, b) => a + b, 0);
      }),
    );
  }

  /** Reasons of recently failed jobs, newest first, for diagnostics. */
  async failedReasons(limit = 10): Promise<string[]> {
    const failed = await Promise.all(this.#queues.map((queue) => queue.getFailed(0, limit - 1)));
    return failed.flat().map((job) => `${job.queueName}/${job.id}: ${job.failedReason}`);
  }

  async close(): Promise<void> {
    await Promise.all(this.#queues.map((queue) => queue.close()));
  }
}
