import { aggregateBatch, type BatchAggregate } from '../analytics/access-aggregator.ts';
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
import type { BatchUnit, BatchWrite, IngestRepository } from '../store/ingest.repository.ts';
import type { AnalysisStage, PreparedAnalysis } from './analysis.stage.ts';
import { Serial } from './serial.ts';

/** What a worker reports for one batch. */
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
}

/** The subset of EventDedup the pipeline needs. */
export interface Dedup {
  filterUnseen<E extends Pick<NormalizedEvent, 'id' | 'ts'>>(partition: number, events: readonly E[]): Promise<E[]>;
  markSeen(partition: number, events: readonly Pick<NormalizedEvent, 'id' | 'ts'>[]): Promise<void>;
}

const EMPTY_AGGREGATE: BatchAggregate = Object.freeze({ users: [], access: [], hr: [], deviceFacts: [] });

/**
 * The per-partition pipeline a worker runs: de-duplicate, sessionize, aggregate, write one
 * transaction, then adopt the new in-memory state.
 *
 * Exactly-once rests on three facts: (1) a partition's batches run one at a time (BullMQ
 * global concurrency 1 per partition queue); (2) each batch's transaction ends by creating its
 * IngestBatch marker, so a retried batch that had committed is recognised and not re-applied;
 * (3) event ids are marked seen only after the commit, and a recognised batch marks them again.
 * The in-memory session state is a cache of the graph: it is dropped whenever the partition's
 * cursor shows another process wrote the partition since, and rebuilt from open Session nodes.
 */
export class PipelineService {
  readonly #repository: IngestRepository;
  readonly #dedup: Dedup;
  readonly #options: SessionizerOptions;
  readonly #clock: () => number;
  readonly #state = new Map<number, Map<string, UserSessions>>();
  /** The last batch this process committed, per partition. */
  readonly #cursor = new Map<number, string>();
  readonly #writes = new Serial();
  readonly #analysis: AnalysisStage | null;

  constructor(deps: {
    repository: IngestRepository;
    dedup: Dedup;
    sessions: SessionizerOptions;
    /** The analytics step; without it the pipeline only builds the graph and sessions. */
    analysis?: AnalysisStage | null;
    clock?: () => number;
  }) {
    this.#analysis = deps.analysis ?? null;
    this.#repository = deps.repository;
    this.#dedup = deps.dedup;
    this.#options = deps.sessions;
    this.#clock = deps.clock ?? Date.now;
  }

  async applyBatch(partition: number, batchId: string, events: readonly NormalizedEvent[]): Promise<BatchResult> {
    let appliedBefore = false;
    let next: Map<string, UserSessions> | null = null;
    let fresh: NormalizedEvent[] = [];
    let prepared: PreparedAnalysis | null = null;
    // One transaction per batch: the marker check, the reads the sessionizer needs and the
    // writes. The plan may run again if the driver retries; it only reads the cache.
    const written = await this.#runBatch(batchId, partition, async (unit) => {
      if (unit.status.applied) {
        appliedBefore = true;
        return null;
      }
      const state = this.#stateFor(partition, unit.status.cursor);
      fresh = (await this.#dedup.filterUnseen(partition, events)).sort((a, b) => a.ts - b.ts);
      const view = await this.#withMissing(state, fresh, unit);
      const now = this.#clock();
      const step = sessionize(view, fresh, partition, this.#options, now);
      next = step.next;
      prepared = this.#analysis === null ? null : await this.#analysis.prepare(partition, unit, fresh, step.eventSessions, step.changes.sessions, { checkpoint: false });
      return {
        batchId,
        partition,
        events: fresh.length,
        now,
        aggregate: aggregateBatch(fresh),
        sessions: step.changes,
        analysis: prepared?.write ?? EMPTY_ANALYSIS_WRITE,
      };
    });
    if (written === null) {
      // Committed before (its worker died before acknowledging) or by another worker just now:
      // either way what this process holds for the partition may be stale.
      if (!appliedBefore) this.#forget(partition);
      await this.#dedup.markSeen(partition, events);
      return { applied: 0, duplicates: events.length, closed: 0 };
    }
    this.#adopt(partition, batchId, next!);
    await this.#dedup.markSeen(partition, fresh);
    const analysed = prepared as PreparedAnalysis | null;
    await analysed?.committed();
    return {
      applied: fresh.length,
      duplicates: events.length - fresh.length,
      closed: countClosed(written.sessions.sessions),
      findings: analysed?.write.anomalies.length ?? 0,
      alerts: analysed?.write.alerts.length ?? 0,
    };
  }

  /**
   * Closes the partition's idle sessions. `wallClock` chooses the rule (see SweepRule): the
   * periodic sweep uses it; the sweep that ends an import does not.
   */
  async sweep(partition: number, batchId: string, wallClock: boolean): Promise<BatchResult> {
    const now = this.#clock();
    const rule: SweepRule = wallClock ? { eventCutoffFrom: now, wallNow: now } : { eventCutoffFrom: now };
    const stale = await this.#repository.closeStaleSessions(
      partition,
      now - this.#options.gapMs,
      wallClock ? now - this.#options.gapMs : null,
    );
    let next: Map<string, UserSessions> | null = null;
    let prepared: PreparedAnalysis | null = null;
    const written = await this.#runBatch(batchId, partition, async (unit) => {
      if (unit.status.applied) return null;
      const swept = sweepSessions(this.#stateFor(partition, unit.status.cursor), rule, this.#options);
      next = swept.next;
      // A sweep also checkpoints the partition's profiles (it ends every import).
      prepared = this.#analysis === null ? null : await this.#analysis.prepare(partition, unit, [], new Map(), swept.closed, { checkpoint: true });
      return eventlessWrite(batchId, partition, now, swept.closed, prepared);
    });
    if (written === null) {
      this.#forget(partition);
      return { applied: 0, duplicates: 0, closed: stale };
    }
    this.#state.set(partition, next!);
    this.#cursor.set(partition, batchId);
    const analysed = prepared as PreparedAnalysis | null;
    await analysed?.committed();
    if (wallClock) {
      await this.#analysis?.deliverOutbox(now - 30_000).catch(() => 0);
      await this.#analysis?.applyFeedback().catch(() => 0);
    }
    return {
      applied: 0,
      duplicates: 0,
      closed: written.sessions.sessions.length + stale,
      findings: analysed?.write.anomalies.length ?? 0,
      alerts: analysed?.write.alerts.length ?? 0,
    };
  }

  /**
   * Re-scores users' open sessions and risk with their current context (an HR status change:
   * departing employees' exfiltration findings weigh more, and so on). A batch of its own on the
   * partition's queue, so it is ordered with the events and applied exactly once.
   */
  async rescore(partition: number, batchId: string, users: readonly string[], reason: string, since: number): Promise<BatchResult> {
    const now = this.#clock();
    let prepared: PreparedAnalysis | null = null;
    const written = await this.#runBatch(batchId, partition, async (unit) => {
      if (unit.status.applied || this.#analysis === null) return null;
      this.#stateFor(partition, unit.status.cursor);
      prepared = await this.#analysis.prepare(partition, unit, [], new Map(), [], { checkpoint: false, rescore: { users, reason, batchId, since } });
      return eventlessWrite(batchId, partition, now, [], prepared);
    });
    if (written === null) return { applied: 0, duplicates: 0, closed: 0 };
    this.#cursor.set(partition, batchId);
    const analysed = prepared as PreparedAnalysis | null;
    await analysed?.committed();
    return { applied: 0, duplicates: 0, closed: 0, findings: 0, alerts: analysed?.write.alerts.length ?? 0 };
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

  #runBatch(batchId: string, partition: number, plan: (unit: BatchUnit) => Promise<BatchWrite | null>) {
    return this.#writes.run(() => this.#repository.runBatch(batchId, partition, plan));
  }

  #stateFor(partition: number, graphCursor: string | null): Map<string, UserSessions> {
    if (graphCursor !== (this.#cursor.get(partition) ?? null)) this.#forget(partition);
    let state = this.#state.get(partition);
    if (state === undefined) {
      state = new Map();
      this.#state.set(partition, state);
    }
    return state;
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
    unit: BatchUnit,
  ): Promise<Map<string, UserSessions>> {
    const missing = new Set<string>();
    for (const event of events) if (event.user !== undefined && !state.has(event.user)) missing.add(event.user);
    if (missing.size === 0) return state;
    const loaded = await unit.loadOpenSessions([...missing]);
    const view = new Map(state);
    for (const user of missing) view.set(user, loaded.get(user) ?? { current: null, late: null });
    return view;
  }

  #adopt(partition: number, batchId: string, next: ReadonlyMap<string, UserSessions>): void {
    const state = this.#state.get(partition) ?? new Map<string, UserSessions>();
    for (const [user, cursors] of next) state.set(user, cursors);
    this.#state.set(partition, state);
    this.#cursor.set(partition, batchId);
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
