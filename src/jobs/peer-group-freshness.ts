import { randomBytes } from 'node:crypto';
import { decideRebuild, type RebuildPolicy, startRecord } from '../analytics/peer-groups/rebuild-policy.ts';
import type { Logger } from '../logger.ts';
import type { PeerGroupTriggerRecord, PeerGroupTriggerRepository } from '../store/peer-group-trigger.repository.ts';
import type { RecomputeResult } from './peer-groups.job.ts';

/**
 * Peer groups that follow the data's time: checked by the pipeline before each batch is
 * analysed (after the partition's previous batch committed). When the batch's data has moved
 * into a later window than the last rebuild's, or the users in the graph have grown enough
 * (analytics/peer-groups/rebuild-policy.ts), one worker (compare-and-set on the record in the
 * graph, so across processes and restarts) queues a rebuild on the peer-group queue, which runs
 * one build at a time.
 *
 * A backfill (data older than `backfillLagMs`) then waits for that rebuild before analysing
 * data at or past the point it was asked for, in every partition: the rest of the import is
 * scored against the new groups, as live traffic would have been. Live traffic does not wait;
 * the new groups apply from the batch after the build is swapped in. Whenever the active build
 * changes (this rebuild, the daily schedule, an on-demand one, another process's), the
 * analysis step's cached peer-group context is dropped (`onGroupsChanged`).
 *
 * A check that fails (the graph or Redis away, a build that failed or overran `maxWaitMs`) is
 * logged and the batch goes on: stale peer groups never stop ingestion.
 */
export interface PeerGroupFreshnessOptions {
  repository: PeerGroupTriggerRepository;
  jobs: {
    requestDataBuild(jobId: string, reason: string): Promise<void>;
    waitFor(jobId: string, timeoutMs: number): Promise<RecomputeResult>;
  };
  policy: RebuildPolicy;
  /** The groups in use changed: drop cached copies of them. */
  onGroupsChanged: () => void;
  log: Logger;
  /** Wall clock. */
  now?: () => number;
  /** Data older than this (wall clock minus data time) is a backfill, which waits for the rebuild, ms. Default 1 h. */
  backfillLagMs?: number;
  /** Longest a batch waits for a rebuild, counted from when it was asked for, ms. Default 10 min. */
  maxWaitMs?: number;
}

const DEFAULT_BACKFILL_LAG_MS = 3_600_000;
const DEFAULT_MAX_WAIT_MS = 600_000;
/** Concurrent workers losing the compare-and-set re-read the record this often at most. */
const MAX_CLAIM_ATTEMPTS = 3;

export class PeerGroupFreshness {
  readonly #o: PeerGroupFreshnessOptions;
  readonly #now: () => number;
  readonly #backfillLagMs: number;
  readonly #maxWaitMs: number;
  /** The active build this process last saw (undefined: not read yet). */
  #activeBuild: string | null | undefined = undefined;
  /** Rebuild jobs this process knows to be over (finished, failed or given up on). */
  readonly #over = new Set<string>();
  /** Waits in progress, shared by the partitions of this process. */
  readonly #waits = new Map<string, Promise<void>>();

  constructor(options: PeerGroupFreshnessOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
    this.#backfillLagMs = options.backfillLagMs ?? DEFAULT_BACKFILL_LAG_MS;
    this.#maxWaitMs = options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS;
  }

  /** Before a batch of events is analysed: rebuild the groups if due, and wait for a rebuild a backfill has reached. */
  async beforeBatch(events: ReadonlyArray<{ ts: number }>): Promise<void> {
    if (events.length === 0) return;
    let dataTime = Infinity;
    for (const e of events) if (e.ts < dataTime) dataTime = e.ts;
    try {
      await this.#check(dataTime);
    } catch (error) {
      this.#o.log.warn({ err: error }, 'could not check whether the peer groups are due for a rebuild; the batch goes on with the groups in use');
    }
  }

  async #check(dataTime: number): Promise<void> {
    for (let attempt = 0; attempt < MAX_CLAIM_ATTEMPTS; attempt++) {
      const state = await this.#o.repository.read();
      this.#noteActive(state.activeBuild);
      const record = state.record;
      const observation = { dataTime, users: state.users };
      const decision = decideRebuild(record, observation, this.#o.policy);
      if (decision.kind === 'none') return this.#waitIfReached(record, dataTime);
      const now = this.#now();
      if (decision.kind === 'start') {
        const claimed = await this.#o.repository.claim(0, { ...startRecord(observation, this.#o.policy), jobId: null, reason: null, requestedAt: null }, now);
        if (claimed !== null) return;
        continue;
      }
      const jobId = `pg-data-${now.toString(36)}-${randomBytes(4).toString('hex')}`;
      const next: Omit<PeerGroupTriggerRecord, 'seq'> = {
        firstDataTime: record!.firstDataTime,
        dataTime: Math.max(dataTime, record!.dataTime ?? -Infinity),
        users: state.users,
        jobId,
        reason: decision.reason,
        requestedAt: now,
      };
      const claimed = await this.#o.repository.claim(record!.seq, next, now);
      // Another worker asked first: read its request (and wait on its job).
      if (claimed === null) continue;
      await this.#o.jobs.requestDataBuild(jobId, decision.reason);
      this.#o.log.info({ job: jobId, reason: decision.reason, dataTime: new Date(dataTime).toISOString(), users: state.users }, 'peer groups due for a rebuild');
      return this.#waitIfReached({ ...next, seq: claimed }, dataTime);
    }
  }

  /** A backfill batch at or past the point the last rebuild was asked for waits for it. */
  async #waitIfReached(record: PeerGroupTriggerRecord | null, dataTime: number): Promise<void> {
    if (record === null || record.jobId === null || record.dataTime === null || record.requestedAt === null) return;
    const jobId = record.jobId;
    if (this.#over.has(jobId) || dataTime < record.dataTime) return;
    const now = this.#now();
    if (now - dataTime < this.#backfillLagMs) return;
    const left = this.#maxWaitMs - (now - record.requestedAt);
    if (left <= 0) {
      this.#over.add(jobId);
      return;
    }
    let wait = this.#waits.get(jobId);
    if (wait === undefined) {
      const started = this.#now();
      wait = this.#o.jobs
        .waitFor(jobId, left)
        .then((result) => {
          this.#o.log.info({ job: jobId, waitedMs: this.#now() - started, buildId: result.buildId, users: result.users, clustered: result.clustered }, 'backfill resumes with rebuilt peer groups');
          if (result.activated) this.#activeBuild = result.buildId;
          this.#o.onGroupsChanged();
        })
        .catch((error: unknown) => {
          this.#o.log.warn({ err: error, job: jobId }, 'peer-group rebuild did not finish; the backfill goes on with the groups in use');
        })
        .finally(() => {
          this.#over.add(jobId);
          this.#waits.delete(jobId);
        });
      this.#waits.set(jobId, wait);
    }
    await wait;
  }

  #noteActive(activeBuild: string | null): void {
    const changed = this.#activeBuild !== undefined && this.#activeBuild !== activeBuild;
    this.#activeBuild = activeBuild;
    if (changed) this.#o.onGroupsChanged();
  }
}
