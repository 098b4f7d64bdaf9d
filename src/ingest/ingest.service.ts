import type { Job } from 'bullmq';
import type { DeadLetter, NormalizedEvent, ParsedItem } from '../events/event.ts';
import { randomUUID } from 'node:crypto';
import type { IngestQueues } from '../queue/ingest.queue.ts';
import type { ImportTracker } from '../queue/import-tracker.ts';
import { partitionOf, partitionOfEvent } from '../queue/partition.ts';
import type { DeadLetterRepository } from '../store/dead-letter.repository.ts';
import type { BatchResult, Dedup } from './pipeline.service.ts';
import { StageTimings } from '../perf/stage-timings.ts';
import { dataWindow } from '../analytics/peer-groups/rebuild-policy.ts';

/** The JSON summary every path in answers with. Counts are of events. */
export interface IngestSummary {
  /** The import's id: its progress and completion are queryable (`GET /ingest/{id}`, `ingestJob(id)`). */
  importId: string;
  /** Events taken in (queued; with `wait`, written to the graph). */
  accepted: number;
  /** Events skipped because an event with the same id was ingested before. */
  duplicates: number;
  /** Lines rejected, each recorded as a dead letter. */
  deadLetters: number;
  seconds: number;
}

export interface IngestProgress {
  events: number;
  deadLetters: number;
}

export interface IngestOptions {
  /** Name of the source, for dead letters and logs (file name, `http:ecs`, `graphql`). */
  source: string;
  /** Resolve only once every accepted event is processed (written to the graph). */
  wait: boolean;
  onProgress?: (progress: IngestProgress) => void;
  /** Use this id for the import (default: a new UUID). */
  importId?: string;
  /** Called once every batch is durably queued (before any wait), with the summary so far. */
  onQueued?: (summary: IngestSummary) => void;
  /** With `wait`: each processed batch's result (counts and stage timings), for benchmarks. */
  onBatchDone?: (result: BatchResult) => void;
  /** Producer-side stage timings (parse, de-duplication, queueing) are added here. */
  timings?: StageTimings;
}

const DEAD_LETTER_FLUSH = 500;
/** Without a date, a re-scoring reaches back over the user-risk window (30 days). */
const RESCORE_LOOKBACK_MS = 30 * 86_400_000;
/** Batches queued at once (across partitions) while parsing goes on. */
const MAX_PENDING_FLUSHES = 4;

/**
 * The producer: takes parsed items from any path in (CLI, HTTP bulk, GraphQL), partitions the
 * events by user, queues them in batches, records dead letters, and sums up. Batches of one
 * partition are queued strictly in order; different partitions overlap.
 */
export class IngestService {
  readonly #queues: IngestQueues;
  readonly #dedup: Dedup;
  readonly #deadLetters: DeadLetterRepository;
  readonly #batchSize: number;
  readonly #windowMs: number;
  readonly #clock: () => number;
  readonly #tracker: ImportTracker | null;
  readonly #storeIdentity: (() => Promise<string>) | null;

  constructor(deps: {
    queues: IngestQueues;
    /** Records each import's progress for `ingestJob(id)`; optional for tools that only queue. */
    tracker?: ImportTracker | null;
    /** The graph's identity, read at the start of each import so the event-id memory follows the graph. */
    storeIdentity?: () => Promise<string>;
    dedup: Dedup;
    deadLetters: DeadLetterRepository;
    batchSize: number;
    /**
     * A batch never spans two data-time windows of this length (epoch-aligned), so that work
     * keyed to the data's time (the peer-group rebuilds, jobs/peer-group-freshness.ts) falls
     * between batches of a backfill. 0: batches are cut by size only.
     */
    batchWindowMs?: number;
    clock?: () => number;
  }) {
    this.#queues = deps.queues;
    this.#dedup = deps.dedup;
    this.#deadLetters = deps.deadLetters;
    this.#batchSize = deps.batchSize;
    this.#windowMs = deps.batchWindowMs ?? 0;
    this.#clock = deps.clock ?? Date.now;
    this.#tracker = deps.tracker ?? null;
    this.#storeIdentity = deps.storeIdentity ?? null;
  }

  /** How an import stands (null: unknown id, or expired after 7 days). */
  async importStatus(id: string) {
    return this.#tracker === null ? null : this.#tracker.status(id);
  }

  /**
   * Queues a re-scoring of these users' open sessions and risk on their partitions (after the
   * batches already queued there). With `wait`, resolves once it is applied (rejects when
   * `timeoutMs` passes first; the re-scoring stays queued).
   */
  async rescore(users: readonly string[], reason: string, options: { since?: number; wait?: boolean; timeoutMs?: number } = {}): Promise<void> {
    const since = options.since ?? this.#clock() - RESCORE_LOOKBACK_MS;
    const byPartition = new Map<number, string[]>();
    for (const user of new Set(users)) {
      const partition = partitionOf(user, this.#queues.partitions);
      byPartition.set(partition, [...(byPartition.get(partition) ?? []), user]);
    }
    const jobs = await Promise.all(
      [...byPartition].map(async ([partition, list]) => ({ partition, job: await this.#queues.addRescore(partition, { users: list.sort(), reason, since }) })),
    );
    if (options.wait) {
      const deadline = options.timeoutMs === undefined ? null : Date.now() + options.timeoutMs;
      for (const { partition, job } of jobs) {
        await this.#queues.waitFor(partition, job, deadline === null ? {} : { timeoutMs: Math.max(0, deadline - Date.now()) });
      }
    }
  }

  async ingest(items: AsyncIterable<ParsedItem> | Iterable<ParsedItem>, options: IngestOptions): Promise<IngestSummary> {
    const importId = options.importId ?? randomUUID();
    if (this.#storeIdentity !== null) {
      const store = await this.#storeIdentity();
      if (store !== this.#dedup.store) this.#dedup.rescope(store);
    }
    await this.#tracker?.start(importId, options.source, Date.now());
    try {
      return await this.#ingest(importId, items, options);
    } catch (error) {
      await this.#tracker?.failed(importId, error instanceof Error ? error.message : String(error), Date.now()).catch(() => {});
      throw error;
    }
  }

  async #ingest(importId: string, items: AsyncIterable<ParsedItem> | Iterable<ParsedItem>, options: IngestOptions): Promise<IngestSummary> {
    const started = this.#clock();
    const partitions = this.#queues.partitions;
    const buffers: NormalizedEvent[][] = Array.from({ length: partitions }, () => []);
    /** The latest data-time window of each partition's buffered events. */
    const windows: number[] = Array.from({ length: partitions }, () => -Infinity);
    const chains: Array<Promise<void>> = Array.from({ length: partitions }, () => Promise.resolve());
    const jobs: Array<{ partition: number; job: Job }> = [];
    const touched = new Set<number>();
    const pending = new Set<Promise<void>>();
    let letters: DeadLetter[] = [];
    let accepted = 0;
    let duplicates = 0;
    let deadLetters = 0;
    let seen = 0;
    const t = options.timings ?? new StageTimings();

    const flush = (partition: number): Promise<void> => {
      const batch = buffers[partition]!;
      if (batch.length === 0) return chains[partition]!;
      buffers[partition] = [];
      touched.add(partition);
      const step = chains[partition]!.then(async () => {
        const fresh = await t.time('producer:dedup', () => this.#dedup.filterUnseen(partition, batch));
        duplicates += batch.length - fresh.length;
        if (fresh.length === 0) return;
        const job = await t.time('producer:enqueue', () => this.#queues.addEvents(partition, { events: fresh, source: options.source, importId }));
        jobs.push({ partition, job });
        accepted += fresh.length;
      });
      const tracked = step.finally(() => pending.delete(tracked));
      pending.add(tracked);
      // A failure surfaces through `pending` (and fails the import); the chain only orders steps.
      chains[partition] = step.catch(() => {});
      return step;
    };

    for await (const item of timedItems(items, t)) {
      if (item.kind === 'dead') {
        letters.push(item.dead);
        deadLetters += 1;
        if (letters.length >= DEAD_LETTER_FLUSH) {
          await this.#deadLetters.insert(letters);
          letters = [];
        }
        continue;
      }
      seen += 1;
      const partition = partitionOfEvent(item.event, partitions);
      const window = dataWindow(item.event.ts, this.#windowMs);
      // An event of a later window starts a new batch (one of an earlier one, out of order, does not).
      if (window > windows[partition]! && buffers[partition]!.length > 0) {
        void flush(partition).catch(() => {});
        while (pending.size >= MAX_PENDING_FLUSHES) await Promise.race(pending);
      }
      if (window > windows[partition]!) windows[partition] = window;
      const buffer = buffers[partition]!;
      buffer.push(item.event);
      if (buffer.length >= this.#batchSize) {
        void flush(partition).catch(() => {});
        while (pending.size >= MAX_PENDING_FLUSHES) await Promise.race(pending);
        options.onProgress?.({ events: seen, deadLetters });
        void this.#tracker?.progress(importId, { accepted, duplicates, deadLetters }).catch(() => {});
      }
    }
    for (let partition = 0; partition < partitions; partition++) void flush(partition).catch(() => {});
    // Surface the first failure of any flush.
    await Promise.all([...pending]);
    await Promise.all(chains);
    await this.#deadLetters.insert(letters);
    options.onProgress?.({ events: seen, deadLetters });

    // Close the sessions whose events are over (historical data), in each partition's order.
    const sweeps = await Promise.all(
      [...touched].map(async (partition) => ({ partition, job: await this.#queues.addSweep(partition, { wallClock: false, importId }) })),
    );
    await this.#tracker?.queued(importId, { accepted, duplicates, deadLetters, batches: jobs.length + sweeps.length }, Date.now());
    options.onQueued?.({ importId, accepted, duplicates, deadLetters, seconds: (this.#clock() - started) / 1000 });

    if (options.wait) {
      // One job at a time: a partition's jobs finish in order anyway, and waiting on thousands
      // at once would pile listeners onto the queue-events connection.
      let late = 0;
      for (const { partition, job } of [...jobs, ...sweeps]) {
        const result = await this.#queues.waitFor(partition, job);
        late += result.duplicates;
        options.onBatchDone?.(result);
      }
      accepted -= late;
      duplicates += late;
    }
    return { importId, accepted, duplicates, deadLetters, seconds: (this.#clock() - started) / 1000 };
  }
}

/** The items, with the time spent producing each (parsing, reading) added to `parse`. */
async function* timedItems(items: AsyncIterable<ParsedItem> | Iterable<ParsedItem>, t: StageTimings): AsyncIterable<ParsedItem> {
  const iterator = Symbol.asyncIterator in items ? items[Symbol.asyncIterator]() : (items as Iterable<ParsedItem>)[Symbol.iterator]();
  for (;;) {
    const started = performance.now();
    const next = await iterator.next();
    t.add('parse', performance.now() - started);
    if (next.done === true) return;
    yield next.value;
  }
}
