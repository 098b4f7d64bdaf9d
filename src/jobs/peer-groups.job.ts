import { randomBytes } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { DelayedError, type Job, Queue, Worker } from 'bullmq';
import {
  AccessProfileSet,
  type PeerGroupKind,
  type PeerGroupOptions,
  peerGroupBuildSteps,
} from '../analytics/peer-groups/peer-groups.ts';
import type { Logger } from '../logger.ts';
import type { QueueConnection } from '../queue/ingest.queue.ts';
import { waitForJob } from '../queue/wait-for-job.ts';
import { type PeerGroupRepository, profilePages, type WritePhasesMs } from '../store/peer-group.repository.ts';

/**
 * Recomputing the peer groups: read every user's access profile from the graph page by page,
 * build the groups (analytics/peer-groups, pure), write them as a new build and swap it in.
 * Run periodically by a BullMQ job scheduler, on demand, and as ingestion's data time moves on,
 * one at a time across processes.
 *
 * What scoring does not need follows in a job of its own on a second queue, the build's
 * follow-up (`finishPeerGroupBuild`), queued once the build is active: stamping the members'
 * ACCESSED edges with their peer share (read by attack-path searches) and deleting the builds
 * it replaced. Whoever waits for a recomputation (the backfill gate, `runNow({wait})`) has the
 * new groups as soon as they are swapped in, without waiting for the follow-up.
 */

export interface PeerGroupJobDeps {
  repository: PeerGroupRepository;
  log: Logger;
  options?: Partial<PeerGroupOptions>;
  /** Users per read. Default 1000. */
  pageSize?: number;
  /** Build ids; default `pg-<time base 36>-<8 random hex>`. */
  newBuildId?: (now: number) => string;
  /** Users per peer-share stamping transaction (about 100 edges each). Default 200. */
  stampPageSize?: number;
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
  /** Wall-clock milliseconds of each phase: reading the profiles, computing, writing and swapping in. */
  readMs: number;
  computeMs: number;
  writeMs: number;
  /** The write's parts, ms, and the group-entity rows it wrote. */
  writePhasesMs: WritePhasesMs;
  entityRows: number;
}

/** What a build's follow-up did. */
export interface FinishResult {
  buildId: string;
  /** True when the build was no longer the active one: nothing was stamped or deleted. */
  superseded: boolean;
  /** Users whose edges were read, and edges stamped (edges already carrying this build's stamp are skipped). */
  users: number;
  peerShareEdges: number;
  /** Builds deleted (the replaced one, and any abandoned ones). */
  deletedBuilds: string[];
  stampMs: number;
  sweepMs: number;
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
    readMs: Math.round(read - started),
    computeMs: Math.round(computed - read),
    writeMs: Math.round(written - computed),
    writePhasesMs: outcome.phasesMs,
    entityRows: outcome.entityRows,
  };
  if (outcome.rerunStatements > 0) {
    // Users or groups deleted while the build was written: what vanished is left out of it.
    deps.log.warn({ buildId, rerunStatements: outcome.rerunStatements, activated: outcome.activated }, 'the graph changed under a peer-group build; statements were re-run without the deleted nodes');
  }
  if (build.behaviour.reason !== null) deps.log.info({ reason: build.behaviour.reason }, 'no behaviour peer groups formed');
  deps.log.info(result, outcome.activated ? 'peer groups recomputed' : 'peer-group build discarded: a newer one is active');
  return result;
}

/**
 * A build's follow-up: stamps every user's ACCESSED edges with their peer share in the build,
 * page by page (each page its own transaction), then deletes the builds no longer in use.
 * Idempotent and resumable: edges already stamped by this build are skipped, so a run that
 * crashed or stopped half way is finished by the next one. A build superseded by a newer one
 * stamps nothing more (checked in each page's transaction) and deletes nothing: the newer
 * build's follow-up does both. `stop` is asked between pages; when it says so, returns null.
 */
export async function finishPeerGroupBuild(
  deps: Pick<PeerGroupJobDeps, 'repository' | 'log' | 'stampPageSize'> & { now?: () => number },
  buildId: string,
  stop: () => boolean = () => false,
): Promise<FinishResult | null> {
  const now = deps.now ?? Date.now;
  const pageSize = deps.stampPageSize ?? 200;
  const started = performance.now();
  const result: FinishResult = { buildId, superseded: false, users: 0, peerShareEdges: 0, deletedBuilds: [], stampMs: 0, sweepMs: 0 };
  for (let after = ''; ; ) {
    if (stop()) return null;
    const page = await deps.repository.stampPeerShares(buildId, after, pageSize, now());
    if (page === null) {
      result.superseded = true;
      break;
    }
    result.users += page.users;
    result.peerShareEdges += page.edges;
    if (page.last === null || page.users < pageSize) break;
    after = page.last;
  }
  const stamped = performance.now();
  result.stampMs = Math.round(stamped - started);
  if (!result.superseded) result.deletedBuilds = await deps.repository.sweepStaleBuilds();
  result.sweepMs = Math.round(performance.now() - stamped);
  deps.log.info(result, result.superseded ? 'peer-group build superseded before its peer shares were stamped' : 'peer shares stamped');
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

/** The follow-up queue: one job per activated build, `stamp-<build id>`. */
export const PeerShareQueue = Object.freeze({
  NAME: 'peer-share-stamp',
  JOB: 'stamp',
});

export interface PeerShareJobData {
  buildId: string;
}

/** The follow-up job's id for a build (adding it twice queues one job). */
export function stampJobId(buildId: string): string {
  return `stamp-${buildId}`;
}

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
 * on-demand run deduplicated by a fixed job id. A second queue, also one job at a time (so a
 * build's follow-up never runs beside an older build's), takes each activated build's
 * follow-up; the recomputation's result is ready as soon as the follow-up is queued.
 */
export class PeerGroupJobs {
  readonly #connection: QueueConnection;
  readonly #deps: PeerGroupJobDeps;
  readonly #clock: () => number;
  readonly #lockMs: number;
  readonly #queue: Queue<PeerGroupJobData, RecomputeResult>;
  readonly #stampQueue: Queue<PeerShareJobData, FinishResult>;
  #worker: Worker<PeerGroupJobData, RecomputeResult> | null = null;
  #stampWorker: Worker<PeerShareJobData, FinishResult> | null = null;
  #closing = false;

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
    this.#stampQueue = new Queue(PeerShareQueue.NAME, { connection: { url: this.#connection.url }, prefix: this.#connection.prefix });
  }

  async init(): Promise<void> {
    await this.#queue.setGlobalConcurrency(1);
    await this.#stampQueue.setGlobalConcurrency(1);
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

  /**
   * Queues a build's follow-up (the worker does after each build it activates; adding the same
   * build twice queues one job). Retried on failure; each retry resumes where the last stopped.
   */
  async requestFinish(buildId: string): Promise<void> {
    await this.#stampQueue.add(
      PeerShareQueue.JOB,
      { buildId },
      { jobId: stampJobId(buildId), attempts: 5, backoff: { type: 'exponential', delay: 2000 }, removeOnComplete: KEEP_COMPLETED, removeOnFail: KEEP_FAILED },
    );
  }

  /** Waits for a build's follow-up to finish (its result), or throws when it failed, vanished or took longer than `timeoutMs`. */
  async waitForFinish(buildId: string, timeoutMs: number): Promise<FinishResult> {
    return waitForJob<FinishResult>(this.#stampQueue, stampJobId(buildId), { timeoutMs, maxIntervalMs: 250 });
  }

  /** Results of the recomputations and follow-ups finished in the last hour (kept for their waiters), oldest first. */
  async recentResults(): Promise<{ builds: RecomputeResult[]; finishes: FinishResult[] }> {
    const done = <R>(jobs: Array<Job<unknown, R>>) => jobs.filter((job) => job.returnvalue !== null && job.returnvalue !== undefined).map((job) => job.returnvalue);
    return {
      builds: done(await this.#queue.getJobs(['completed'], 0, -1, true)),
      finishes: done(await this.#stampQueue.getJobs(['completed'], 0, -1, true)),
    };
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
    // Both queues: one job at a time per process (and globally, see init), locked for #lockMs.
    const options = {
      connection: { url: this.#connection.url, maxRetriesPerRequest: null },
      prefix: this.#connection.prefix,
      concurrency: 1,
      lockDuration: this.#lockMs,
    };
    this.#worker = new Worker<PeerGroupJobData, RecomputeResult>(
      PeerGroupQueue.NAME,
      async (job) => {
        this.#deps.log.info({ job: job.id, trigger: job.data.trigger, reason: job.data.reason }, 'recomputing peer groups');
        const result = await recomputePeerGroups(this.#deps, this.#clock());
        if (result.activated) {
          try {
            await this.requestFinish(result.buildId);
          } catch (error) {
            // The groups are in use; their edges' peer shares count as unknown until a later build is stamped.
            this.#deps.log.warn({ err: error, buildId: result.buildId }, 'could not queue the stamping of the peer shares');
          }
        }
        return result;
      },
      options,
    );
    this.#worker.on('failed', (job, error) => this.#deps.log.error({ err: error, job: job?.id }, 'peer-group recomputation failed'));
    this.#worker.on('error', (error) => this.#deps.log.warn({ err: error }, 'peer-group worker error'));
    this.#stampWorker = new Worker<PeerShareJobData, FinishResult>(
      PeerShareQueue.NAME,
      async (job, token) => {
        const result = await finishPeerGroupBuild(this.#deps, job.data.buildId, () => this.#closing);
        if (result !== null) return result;
        // Closing: hand the job back, not counted as an attempt; whichever worker takes it next resumes it.
        await job.moveToDelayed(Date.now() + 1000, token);
        throw new DelayedError();
      },
      options,
    );
    this.#stampWorker.on('failed', (job, error) => this.#deps.log.error({ err: error, job: job?.id }, 'peer-share stamping failed'));
    this.#stampWorker.on('error', (error) => this.#deps.log.warn({ err: error }, 'peer-share worker error'));
  }

  async close(): Promise<void> {
    this.#closing = true;
    await this.#worker?.close();
    await this.#stampWorker?.close();
    this.#worker = null;
    this.#stampWorker = null;
    await this.#queue.close();
    await this.#stampQueue.close();
  }
}
