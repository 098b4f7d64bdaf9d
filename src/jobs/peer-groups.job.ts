import { randomBytes } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { type Job, Queue, Worker } from 'bullmq';
import {
  AccessProfileSet,
  type PeerGroupKind,
  type PeerGroupOptions,
  peerGroupBuildSteps,
} from '../analytics/peer-groups/peer-groups.ts';
import type { Logger } from '../logger.ts';
import type { QueueConnection } from '../queue/ingest.queue.ts';
import { waitForJob } from '../queue/wait-for-job.ts';
import { type PeerGroupRepository, profilePages } from '../store/peer-group.repository.ts';

/**
 * Recomputing the peer groups: read every user's access profile from the graph page by page,
 * build the groups (analytics/peer-groups, pure), write them as a new build and swap it in.
 * Run periodically by a BullMQ job scheduler and on demand, one at a time across processes.
 */

export interface PeerGroupJobDeps {
  repository: PeerGroupRepository;
  log: Logger;
  options?: Partial<PeerGroupOptions>;
  /** Users per read. Default 1000. */
  pageSize?: number;
  /** Build ids; default `pg-<time base 36>-<8 random hex>`. */
  newBuildId?: (now: number) => string;
}

export interface RecomputeResult {
  buildId: string;
  activated: boolean;
  builtAt: number;
  users: number;
  clustered: number;
  k: number;
  silhouette: number | null;
  /** What behaviour groups were clustered on: access vectors, or activity when access is thin; and why. */
  featureSet: 'access' | 'activity';
  featureReason: string;
  /** Groups written, per kind. */
  groups: Record<PeerGroupKind, number>;
  memberships: number;
  deletedBuilds: string[];
  /** Wall-clock milliseconds of each phase. */
  readMs: number;
  computeMs: number;
  writeMs: number;
}

/**
 * One recomputation. `now` is the build's time (recorded on every group). The computation is
 * CPU-bound (about 10 s of CPU for 10k users on two cores) and shares the thread with the API
 * and the queue workers, so it hands the event loop back between steps (after each candidate
 * k): requests keep being served and the job's lock keeps being renewed.
 */
export async function recomputePeerGroups(deps: PeerGroupJobDeps, now: number): Promise<RecomputeResult> {
  const started = performance.now();
  const set = new AccessProfileSet();
  for await (const page of profilePages(deps.repository, deps.pageSize ?? 1000)) {
    for (const profile of page) set.add(profile);
  }
  const read = performance.now();

  const steps = peerGroupBuildSteps(set, now, deps.options);
  let step = steps.next();
  while (!step.done) {
    await nextTurn();
    step = steps.next();
  }
  const build = step.value;
  const computed = performance.now();

  const buildId = (deps.newBuildId ?? defaultBuildId)(now);
  const outcome = await deps.repository.replaceGroups(buildId, build, now);
  const written = performance.now();

  const groups: Record<PeerGroupKind, number> = { behaviour: 0, department: 0, title: 0, manager: 0 };
  for (const group of build.groups) groups[group.kind] += 1;
  const result: RecomputeResult = {
    buildId,
    activated: outcome.activated,
    builtAt: now,
    users: build.behaviour.users,
    clustered: build.behaviour.clustered,
    k: build.behaviour.k,
    silhouette: build.behaviour.silhouette,
    featureSet: build.behaviour.featureSet,
    featureReason: build.behaviour.featureReason,
    groups,
    memberships: outcome.memberships,
    deletedBuilds: outcome.deletedBuilds,
    readMs: Math.round(read - started),
    computeMs: Math.round(computed - read),
    writeMs: Math.round(written - computed),
  };
  if (outcome.rerunStatements > 0) {
    // Users or groups deleted while the build was written: what vanished is left out of it.
    deps.log.warn({ buildId, rerunStatements: outcome.rerunStatements, activated: outcome.activated }, 'the graph changed under a peer-group build; statements were re-run without the deleted nodes');
  }
  if (build.behaviour.reason !== null) deps.log.info({ reason: build.behaviour.reason }, 'no behaviour peer groups formed');
  deps.log.info(result, outcome.activated ? 'peer groups recomputed' : 'peer-group build discarded: a newer one is active');
  return result;
}

function defaultBuildId(now: number): string {
  return `pg-${now.toString(36)}-${randomBytes(4).toString('hex')}`;
}

/** Queue and job names (frozen objects: type stripping takes no enums). */
export const PeerGroupQueue = Object.freeze({
  NAME: 'peer-groups',
  JOB: 'recompute',
  /** The on-demand job's id: while one waits or runs, further requests join it. */
  RUN_NOW_ID: 'peer-groups-run-now',
  SCHEDULER_ID: 'peer-groups-periodic',
});

export interface PeerGroupJobData {
  /** 'data': asked for by ingestion as the data time or the user count moved on (jobs/peer-group-freshness.ts). */
  trigger: 'schedule' | 'on-demand' | 'data';
  /** Why ingestion asked for it ('data-time', 'user-growth'). */
  reason?: string;
}

const KEEP_COMPLETED = { age: 3600 };
const KEEP_FAILED = { age: 7 * 24 * 3600 };

/**
 * The BullMQ side: a queue with a global concurrency of 1 (so however many processes run the
 * worker, one recomputation runs at a time), a job scheduler for the periodic run, and an
 * on-demand run deduplicated by a fixed job id.
 */
export class PeerGroupJobs {
  readonly #connection: QueueConnection;
  readonly #deps: PeerGroupJobDeps;
  readonly #clock: () => number;
  readonly #lockMs: number;
  readonly #queue: Queue<PeerGroupJobData, RecomputeResult>;
  #worker: Worker<PeerGroupJobData, RecomputeResult> | null = null;

  constructor(options: {
    connection: QueueConnection;
    deps: PeerGroupJobDeps;
    clock?: () => number;
    /** Lock on a running recomputation, ms; another worker takes it over after it lapses. Default 5 min. */
    lockMs?: number;
  }) {
    this.#connection = options.connection;
    this.#deps = options.deps;
    this.#clock = options.clock ?? Date.now;
    this.#lockMs = options.lockMs ?? 300_000;
    this.#queue = new Queue(PeerGroupQueue.NAME, { connection: { url: this.#connection.url }, prefix: this.#connection.prefix });
  }

  async init(): Promise<void> {
    await this.#queue.setGlobalConcurrency(1);
  }

  /** Recompute every `everyMs` (one scheduler shared by all processes; re-calling updates it). */
  async schedule(everyMs: number): Promise<void> {
    await this.#queue.upsertJobScheduler(
      PeerGroupQueue.SCHEDULER_ID,
      { every: everyMs },
      {
        name: PeerGroupQueue.JOB,
        data: { trigger: 'schedule' },
        opts: { removeOnComplete: true, removeOnFail: KEEP_FAILED },
      },
    );
  }

  async unschedule(): Promise<void> {
    await this.#queue.removeJobScheduler(PeerGroupQueue.SCHEDULER_ID);
  }

  /**
   * Asks for a recomputation now. While one is waiting or running, the request joins it (same
   * job id) instead of queueing another; a finished one (kept an hour for its result) is
   * re-armed in place. With `wait`, resolves to the result of the run it joined or started.
   */
  async runNow(options: { wait: true; timeoutMs?: number }): Promise<RecomputeResult>;
  async runNow(options?: { wait?: false }): Promise<Job<PeerGroupJobData, RecomputeResult>>;
  async runNow(options: { wait?: boolean; timeoutMs?: number } = {}): Promise<Job<PeerGroupJobData, RecomputeResult> | RecomputeResult> {
    const job = await this.#armRunNow();
    if (!options.wait) return job;
    return waitForJob<RecomputeResult>(this.#queue, job.id!, { ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }), maxIntervalMs: 500 });
  }

  /**
   * Queues the rebuild ingestion asked for, under its own job id (adding the same id twice
   * queues one job). Retried once on failure; the result is kept an hour for workers waiting on it.
   */
  async requestDataBuild(jobId: string, reason: string): Promise<void> {
    await this.#queue.add(
      PeerGroupQueue.JOB,
      { trigger: 'data', reason },
      { jobId, attempts: 2, backoff: { type: 'fixed', delay: 1000 }, removeOnComplete: KEEP_COMPLETED, removeOnFail: KEEP_FAILED },
    );
  }

  /** Waits for a job of this queue to finish (its result), or throws when it failed, vanished or took longer than `timeoutMs`. */
  async waitFor(jobId: string, timeoutMs: number): Promise<RecomputeResult> {
    return waitForJob<RecomputeResult>(this.#queue, jobId, { timeoutMs, maxIntervalMs: 250 });
  }

  async #armRunNow(): Promise<Job<PeerGroupJobData, RecomputeResult>> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const existing = await this.#queue.getJob(PeerGroupQueue.RUN_NOW_ID);
      if (existing === undefined) {
        // Two requests racing here both add; Redis keeps the first and the second gets it back.
        return this.#queue.add(
          PeerGroupQueue.JOB,
          { trigger: 'on-demand' },
          { jobId: PeerGroupQueue.RUN_NOW_ID, removeOnComplete: KEEP_COMPLETED, removeOnFail: KEEP_FAILED },
        );
      }
      const state = await existing.getState();
      if (state !== 'completed' && state !== 'failed') return existing;
      try {
        // Atomic in Redis: of two requests re-arming the same finished job, one succeeds and
        // the other finds it waiting on its next turn round the loop.
        await existing.retry(state, { resetAttemptsMade: true, resetAttemptsStarted: true });
        return existing;
      } catch {
        // Re-armed or removed meanwhile: look again.
      }
    }
    throw new Error('could not queue a peer-group recomputation (the on-demand job kept changing state)');
  }

  /** Starts this process's worker. */
  start(): void {
    if (this.#worker !== null) return;
    this.#worker = new Worker<PeerGroupJobData, RecomputeResult>(
      PeerGroupQueue.NAME,
      async (job) => {
        this.#deps.log.info({ job: job.id, trigger: job.data.trigger, reason: job.data.reason }, 'recomputing peer groups');
        return recomputePeerGroups(this.#deps, this.#clock());
      },
      {
        connection: { url: this.#connection.url, maxRetriesPerRequest: null },
        prefix: this.#connection.prefix,
        concurrency: 1,
        lockDuration: this.#lockMs,
      },
    );
    this.#worker.on('failed', (job, error) => this.#deps.log.error({ err: error, job: job?.id }, 'peer-group recomputation failed'));
    this.#worker.on('error', (error) => this.#deps.log.warn({ err: error }, 'peer-group worker error'));
  }

  async close(): Promise<void> {
    await this.#worker?.close();
    this.#worker = null;
    await this.#queue.close();
  }
}
