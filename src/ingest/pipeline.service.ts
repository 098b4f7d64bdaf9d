import { aggregateBatch, type BatchAggregate } from '../analytics/access-aggregator.ts';
import type { EntityType } from '../analytics/entities.ts';
import {
  type Session,
  type SessionizerOptions,
  type SweepRule,
  type UserSessions,
  sessionize,
  sweepSessions,
} from '../analytics/sessionizer.ts';
import type { NormalizedEvent } from '../events/event.ts';
import { EMPTY_ANALYSIS_WRITE } from '../store/analysis.repository.ts';
import type { BatchReader, BatchWrite, IngestRepository } from '../store/ingest.repository.ts';
import { DomainError, ErrorCode } from '../errors.ts';
import type { AnalysisStage, PreparedAnalysis } from './analysis.stage.ts';
import { Serial } from './serial.ts';
import { StageTimings } from '../perf/stage-timings.ts';
import type { BatchProcessor, BatchResult } from '../queue/batch-processor.ts';

export type { BatchResult } from '../queue/batch-processor.ts';

/** The subset of EventDedup the pipeline needs. */
export interface Dedup {
  /** The identity of the graph whose event-id memory this is. */
  readonly store: string;
  rescope(store: string): void;
  filterUnseen<E extends Pick<NormalizedEvent, 'id' | 'ts'>>(partition: number, events: readonly E[]): Promise<E[]>;
  markSeen(partition: number, events: readonly Pick<NormalizedEvent, 'id' | 'ts'>[]): Promise<void>;
}

/**
 * Work keyed to the data's time that must happen between a partition's batches: run before a
 * batch of events is computed, i.e. after the partition's previous batch committed (the peer
 * groups following the data, jobs/peer-group-freshness.ts). It may wait; it never fails a batch.
 */
export interface BatchGate {
  beforeBatch(events: ReadonlyArray<Pick<NormalizedEvent, 'ts'>>): Promise<void>;
}

const EMPTY_AGGREGATE: BatchAggregate = Object.freeze({ users: [], access: [], hr: [], deviceFacts: [] });

/** A partition whose cursor keeps moving under this process (another writes it) is retried by the queue. */
const MAX_STALE_RETRIES = 3;

/** Edges of a committed batch that changed the graph's shape (see GraphChangeNotice in api/ports.ts). */
export interface TopologyChange {
  at: number;
  /** Each as its user end and its other end; null: too many to list. */
  edges: Array<{ user: string; type: 'User' | EntityType; key: string }> | null;
}

/**
 * A batch's edges are listed up to this many; beyond, the change is announced without them
 * (every scope refreshes: an initial import, where nearly every batch adds edges).
 */
const MAX_ANNOUNCED_EDGES = 256;

/** One batch, computed and ready to commit; `committed` adopts its state once it is in the graph. */
interface ComputedBatch {
  write: BatchWrite;
  committed(): Promise<void>;
}

/**
 * The per-partition pipeline a worker runs: de-duplicate, sessionize, analyse and aggregate in
 * memory, then write one short transaction, then adopt the new in-memory state.
 *
 * Compute first, write after: the batch is computed from the partition's in-memory state (read
 * from the graph only on a cache miss or after a restart) outside any transaction, so a write
 * transaction holds no CPU work and while one partition's batch is written the next one is
 * computed. Batch writes go through one writer per process (see Serial).
 *
 * Exactly-once rests on three facts: (1) a partition's batches run one at a time (BullMQ
 * global concurrency 1 per partition queue); (2) each batch's transaction checks that the
 * batch's marker is absent and the partition's cursor is the one the batch was computed
 * against, and ends by creating the marker, so a retried batch that had committed is
 * recognised and not re-applied, and a batch computed from stale state is recomputed;
 * (3) event ids are marked seen only after the commit, and a recognised batch marks them again.
 * The in-memory session state is a cache of the graph: it is dropped whenever the partition's
 * cursor shows another process wrote the partition since, and rebuilt from open Session nodes.
 */
export class PipelineService implements BatchProcessor {
  readonly #repository: IngestRepository;
  readonly #dedup: Dedup;
  readonly #options: SessionizerOptions;
  readonly #clock: () => number;
  readonly #state = new Map<number, Map<string, UserSessions>>();
  /** The last batch committed for the partition, as this process knows it (absent: read it). */
  readonly #cursor = new Map<number, string | null>();
  readonly #writes = new Serial();
  readonly #analysis: AnalysisStage | null;
  readonly #gate: BatchGate | null;
  readonly #onTopologyChanged: ((change: TopologyChange) => Promise<void>) | null;

  constructor(deps: {
    repository: IngestRepository;
    dedup: Dedup;
    sessions: SessionizerOptions;
    /** The analytics step; without it the pipeline only builds the graph and sessions. */
    analysis?: AnalysisStage | null;
    /** Checked before each batch of events (peer-group rebuilds that follow the data time). */
    gate?: BatchGate | null;
    /**
     * Told after a batch that created or removed ACCESSED or REPORTS_TO edges commits, before
     * the batch's alerts and risk changes are delivered (subscription scopes refresh first).
     * Must not throw: a failure to announce is the announcer's to log.
     */
    onTopologyChanged?: (change: TopologyChange) => Promise<void>;
    clock?: () => number;
  }) {
    this.#onTopologyChanged = deps.onTopologyChanged ?? null;
    this.#analysis = deps.analysis ?? null;
    this.#gate = deps.gate ?? null;
    this.#repository = deps.repository;
    this.#dedup = deps.dedup;
    this.#options = deps.sessions;
    this.#clock = deps.clock ?? Date.now;
  }

  async applyBatch(partition: number, batchId: string, events: readonly NormalizedEvent[]): Promise<BatchResult> {
    const t = new StageTimings();
    let fresh: NormalizedEvent[] = [];
    let findings = 0;
    let alerts = 0;
    if (this.#gate !== null && this.#analysis !== null) await t.time('peer-groups:gate', () => this.#gate!.beforeBatch(events));
    const outcome = await this.#commit(partition, batchId, t, async (state, reader) => {
      // Filtered again on a recompute: the memory follows the graph's identity.
      fresh = (await t.time('dedup:filter', () => this.#dedup.filterUnseen(partition, events))).sort((a, b) => a.ts - b.ts);
      const view = await this.#withMissing(state, fresh, reader);
      const now = this.#clock();
      const step = t.time('sessionize', () => sessionize(view, fresh, partition, this.#options, now));
      const prepared =
        this.#analysis === null
          ? null
          : await this.#analysis.prepare(partition, reader, fresh, step.eventSessions, step.changes.sessions, { checkpoint: false }, t);
      findings = prepared?.write.anomalies.length ?? 0;
      alerts = prepared?.write.alerts.length ?? 0;
      return {
        write: {
          batchId,
          partition,
          events: fresh.length,
          now,
          aggregate: t.time('aggregate', () => aggregateBatch(fresh)),
          sessions: step.changes,
          analysis: prepared?.write ?? EMPTY_ANALYSIS_WRITE,
        },
        committed: async () => {
          this.#adopt(partition, step.next);
          await t.time('dedup:mark', () => this.#dedup.markSeen(partition, fresh));
          await t.time('deliver', async () => prepared?.committed());
        },
      };
    });
    if (outcome === null) {
      // Committed before (its worker died before acknowledging) or by another worker just now.
      await this.#dedup.markSeen(partition, events);
      return { applied: 0, duplicates: events.length, closed: 0, timings: t.toJSON() };
    }
    return {
      applied: fresh.length,
      duplicates: events.length - fresh.length,
      closed: countClosed(outcome.sessions.sessions),
      findings,
      alerts,
      timings: t.toJSON(),
    };
  }

  /**
   * Closes the partition's idle sessions. `wallClock` chooses the rule (see SweepRule): the
   * periodic sweep uses it; the sweep that ends an import does not.
   */
  async sweep(partition: number, batchId: string, wallClock: boolean): Promise<BatchResult> {
    const t = new StageTimings();
    const now = this.#clock();
    const rule: SweepRule = wallClock ? { eventCutoffFrom: now, wallNow: now } : { eventCutoffFrom: now };
    const stale = await this.#repository.closeStaleSessions(
      partition,
      now - this.#options.gapMs,
      wallClock ? now - this.#options.gapMs : null,
    );
    let findings = 0;
    let alerts = 0;
    const written = await this.#commit(partition, batchId, t, async (state, reader) => {
      const swept = sweepSessions(state, rule, this.#options);
      // A sweep also checkpoints the partition's profiles (it ends every import).
      const prepared = this.#analysis === null ? null : await this.#analysis.prepare(partition, reader, [], new Map(), swept.closed, { checkpoint: true }, t);
      findings = prepared?.write.anomalies.length ?? 0;
      alerts = prepared?.write.alerts.length ?? 0;
      return {
        write: eventlessWrite(batchId, partition, now, swept.closed, prepared),
        committed: async () => {
          this.#state.set(partition, swept.next);
          await prepared?.committed();
        },
      };
    });
    if (written === null) return { applied: 0, duplicates: 0, closed: stale, timings: t.toJSON() };
    if (wallClock) await this.#housekeeping(now);
    return { applied: 0, duplicates: 0, closed: written.sessions.sessions.length + stale, findings, alerts, timings: t.toJSON() };
  }

  /**
   * Re-scores users' open sessions and risk with their current context (an HR status change:
   * departing employees' exfiltration findings weigh more, and so on). A batch of its own on the
   * partition's queue, so it is ordered with the events and applied exactly once.
   */
  async rescore(partition: number, batchId: string, users: readonly string[], reason: string, since: number): Promise<BatchResult> {
    const analysis = this.#analysis;
    if (analysis === null) return { applied: 0, duplicates: 0, closed: 0 };
    const t = new StageTimings();
    const now = this.#clock();
    let alerts = 0;
    await this.#commit(partition, batchId, t, async (_state, reader) => {
      const prepared = await analysis.prepare(partition, reader, [], new Map(), [], { checkpoint: false, rescore: { users, reason, batchId, since } }, t);
      alerts = prepared.write.alerts.length;
      return { write: eventlessWrite(batchId, partition, now, [], prepared), committed: () => prepared.committed() };
    });
    return { applied: 0, duplicates: 0, closed: 0, findings: 0, alerts, timings: t.toJSON() };
  }

  /**
   * Saves the partition's learning (profile checkpoints of users changed since the last one)
   * and drops its state: another process takes the partition over, or this one stops.
   */
  async release(partition: number): Promise<void> {
    try {
      await this.#writes.run(async () => this.#analysis?.checkpoint(partition));
    } catch (error) {
      // Not fatal: the next owner resumes from the previous checkpoint (less learning, no event lost).
      this.#analysis?.log.warn({ err: error, partition }, 'could not checkpoint the partition\'s profiles on release');
    }
    this.#forget(partition);
  }

  /** The analytics step, when configured (feedback, diagnostics). */
  get analysis(): AnalysisStage | null {
    return this.#analysis;
  }

  /** Users and open sessions held in memory, for metrics and memory bounds. */
  cachedUsers(): number {
    let total = 0;
    for (const state of this.#state.values()) total += state.size;
    return total;
  }

  /**
   * Computes a batch from the partition's state and commits it; recomputes when the commit
   * finds the partition's cursor moved (another process wrote it). Resolves to the committed
   * write, or null when the batch had been committed before.
   */
  async #commit(
    partition: number,
    batchId: string,
    t: StageTimings,
    compute: (state: Map<string, UserSessions>, reader: BatchReader) => Promise<ComputedBatch>,
  ): Promise<BatchWrite | null> {
    const reader = this.#repository.reader(t);
    for (let attempt = 0; attempt < MAX_STALE_RETRIES; attempt++) {
      let cursor = this.#cursor.get(partition);
      if (cursor === undefined) {
        // Nothing known of the partition (first batch, restart, or another process wrote it).
        const status = await t.time('read:batch-status', () => this.#repository.batchStatus(batchId, partition));
        if ((status.store ?? null) !== this.#dedup.store) await this.#followStore();
        if (status.applied) {
          this.#forget(partition);
          return null;
        }
        this.#forget(partition);
        cursor = status.cursor;
        this.#cursor.set(partition, cursor);
      }
      const state = this.#state.get(partition) ?? new Map<string, UserSessions>();
      this.#state.set(partition, state);
      const batch = await compute(state, reader);
      const stopWait = t.start('writer-wait');
      const outcome = await this.#writes.run(() => {
        stopWait();
        return this.#repository.commitBatch(batch.write, { cursor, store: this.#dedup.store }, t);
      });
      if (outcome.outcome === 'committed') {
        this.#cursor.set(partition, batchId);
        if (outcome.topologyChanged && this.#onTopologyChanged !== null) {
          await t.time('announce:topology', () => this.#onTopologyChanged!(topologyChange(batch.write)));
        }
        await batch.committed();
        return batch.write;
      }
      // Either way what this process holds for the partition may be stale.
      this.#forget(partition);
      if (outcome.outcome === 'applied') return null;
    }
    throw new DomainError(ErrorCode.STORE_UNAVAILABLE, `partition ${partition} keeps changing under this worker; the batch is retried`);
  }

  /**
   * The graph is not the one the event-id memory belongs to (wiped, restored into a new store,
   * or replaced under this process): scope the memory to its identity, so that none of its
   * events is taken for a duplicate of another graph's, and drop every partition's state.
   */
  async #followStore(): Promise<void> {
    const store = await this.#repository.storeIdentity();
    if (store === this.#dedup.store) return;
    this.#analysis?.log.warn({ previous: this.#dedup.store, store }, 'the graph has a new identity; event-id memory and cached state follow it');
    this.#dedup.rescope(store);
    for (const partition of [...this.#cursor.keys()]) this.#forget(partition);
  }

  /** The periodic sweep's deliveries: alerts a stopped process left in the outbox, analysts' verdicts. */
  async #housekeeping(now: number): Promise<void> {
    const analysis = this.#analysis;
    if (analysis === null) return;
    try {
      await analysis.deliverOutbox(now - 30_000);
    } catch (error) {
      analysis.log.warn({ err: error }, 'could not deliver the alert outbox now; the next sweep tries again');
    }
    try {
      await analysis.applyFeedback();
    } catch (error) {
      analysis.log.warn({ err: error }, 'could not apply analysts\' verdicts now; the next sweep tries again');
    }
  }

  #forget(partition: number): void {
    this.#state.delete(partition);
    this.#cursor.delete(partition);
    this.#analysis?.forget(partition);
  }

  /** The cached state plus, for users not cached, their open sessions read from the graph. */
  async #withMissing(
    state: Map<string, UserSessions>,
    events: readonly NormalizedEvent[],
    reader: BatchReader,
  ): Promise<Map<string, UserSessions>> {
    const missing = new Set<string>();
    for (const event of events) if (event.user !== undefined && !state.has(event.user)) missing.add(event.user);
    if (missing.size === 0) return state;
    const loaded = await reader.loadOpenSessions([...missing]);
    const view = new Map(state);
    for (const user of missing) view.set(user, loaded.get(user) ?? { current: null, late: null });
    return view;
  }

  #adopt(partition: number, next: ReadonlyMap<string, UserSessions>): void {
    const state = this.#state.get(partition) ?? new Map<string, UserSessions>();
    for (const [user, cursors] of next) state.set(user, cursors);
    this.#state.set(partition, state);
  }
}

/** A batch without events (a sweep, a re-scoring): closed sessions and the analysis only. */
function eventlessWrite(batchId: string, partition: number, now: number, closed: Session[], prepared: PreparedAnalysis | null): BatchWrite {
  return {
    batchId,
    partition,
    events: 0,
    now,
    aggregate: EMPTY_AGGREGATE,
    sessions: { sessions: closed, touched: [] },
    analysis: prepared?.write ?? EMPTY_ANALYSIS_WRITE,
  };
}

function countClosed(sessions: ReadonlyArray<{ status: string }>): number {
  return sessions.filter((s) => s.status === 'CLOSED').length;
}

/** The edges a batch may have created or removed: its accesses and its HR records' managers. */
export function topologyChange(write: BatchWrite): TopologyChange {
  const edges = new Map<string, { user: string; type: 'User' | EntityType; key: string }>();
  const tooMany = { at: write.now, edges: null };
  for (const access of write.aggregate.access) {
    edges.set(`${access.user}\u0000${access.type}:${access.id}`, { user: access.user, type: access.type, key: access.id });
    if (edges.size > MAX_ANNOUNCED_EDGES) return tooMany; // a bulk batch: no need to list the rest
  }
  for (const hr of write.aggregate.hr) {
    if (hr.manager) edges.set(`${hr.userId}\u0000User:${hr.manager}`, { user: hr.userId, type: 'User', key: hr.manager });
    if (edges.size > MAX_ANNOUNCED_EDGES) return tooMany;
  }
  return { at: write.now, edges: [...edges.values()] };
}
