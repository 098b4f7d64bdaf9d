import { DEFAULT_LOGIN_POLICY, type LoginPolicy, type LoginRequest } from '../analytics/fusion/login-decision.ts';
import { riskLevel } from '../analytics/fusion/user-risk.ts';
import type { HrChangeNotice, RiskDecider, RiskDecisionRequest, RiskDecisionResult } from '../api/ports.ts';
import type { PubSub } from '../api/pubsub/redis-pubsub.ts';
import { Topic } from '../api/pubsub/topics.ts';
import type { Logger } from '../logger.ts';
import type { RiskStateRepository, RiskStateWindow } from '../store/risk-state.repository.ts';
import type { AuditSink } from './batched-audit.writer.ts';
import { decideForUser, decideWithoutState } from './risk-decision.ts';
import { type RiskChangeEvent, type RiskStateCache, type UserRiskState, userRiskStateOf } from './risk-state.cache.ts';

/**
 * `Query.riskDecision`: the identity provider asks, at login, whether to allow, step up or
 * deny. The answer comes from the in-memory `RiskStateCache` (no graph read for a user it
 * holds, so a decision takes microseconds); the audit entry is buffered and written in
 * batches off the request path.
 *
 * How the state stays fresh, in the order `start` sets it up:
 *  1. it listens to the risk-change stream (scoring stores a score, then announces it) and the
 *     HR-change stream (announced after HR mutations commit), both Redis pub/sub so every API
 *     instance converges; listening starts before the load, so nothing between is missed;
 *  2. it loads every user in pages, in the background (decisions meanwhile read through);
 *  3. it reloads everything every `reloadEveryMs`: pub/sub is at-most-once, and new logins
 *     reach the graph through ingestion, which announces nothing.
 * A user it does not hold is read from the graph once (concurrent asks share the read); a key
 * with no User node is remembered as unknown for a while.
 */
export const RISK_DECISION_ACTION = 'Query.riskDecision';

export interface RiskDecisionServiceOptions {
  policy: LoginPolicy;
  /** Users per page of the full load. */
  pageSize: number;
  /** How often the whole state is re-read, ms. */
  reloadEveryMs: number;
  /** Recent sessions read per user for the IP and country context. */
  maxSessions: number;
  /** Recorded employment changes read per user. */
  maxChanges: number;
}

export const DEFAULT_RISK_DECISION_OPTIONS: RiskDecisionServiceOptions = Object.freeze({
  policy: DEFAULT_LOGIN_POLICY,
  pageSize: 2_000,
  reloadEveryMs: 5 * 60_000,
  maxSessions: 64,
  maxChanges: 8,
});

export interface RiskDecisionServiceDeps {
  repository: RiskStateRepository;
  cache: RiskStateCache;
  audit: AuditSink;
  pubsub: Pick<PubSub, 'listen'>;
  log: Logger;
  /** The domain clock: decision times and the context window, epoch ms. */
  clock: () => number;
  options?: Partial<RiskDecisionServiceOptions>;
}

/** Users per graph read when HR changes arrive in bulk. */
const REFRESH_CHUNK = 500;

export class RiskDecisionService implements RiskDecider {
  readonly #repository: RiskStateRepository;
  readonly #cache: RiskStateCache;
  readonly #audit: AuditSink;
  readonly #pubsub: Pick<PubSub, 'listen'>;
  readonly #log: Logger;
  readonly #clock: () => number;
  readonly #options: RiskDecisionServiceOptions;
  /** Graph reads in flight per user, shared by concurrent decisions. */
  readonly #pending = new Map<string, Promise<UserRiskState | null>>();
  readonly #stops: Array<() => void> = [];
  #reloading: Promise<{ users: number; ms: number }> | null = null;
  #initial: Promise<void> = Promise.resolve();
  #timer: NodeJS.Timeout | null = null;
  #closed = false;

  constructor(deps: RiskDecisionServiceDeps) {
    this.#repository = deps.repository;
    this.#cache = deps.cache;
    this.#audit = deps.audit;
    this.#pubsub = deps.pubsub;
    this.#log = deps.log;
    this.#clock = deps.clock;
    this.#options = { ...DEFAULT_RISK_DECISION_OPTIONS, ...deps.options };
  }

  /** Listens to the change streams, then starts the first load (see `ready`) and the reload timer. */
  async start(): Promise<void> {
    this.#stops.push(await this.#pubsub.listen<RiskChangeEvent>(Topic.RISK_SCORE_CHANGED, (change) => this.#cache.applyRiskChange(change)));
    this.#stops.push(await this.#pubsub.listen<HrChangeNotice>(Topic.HR_CHANGED, (notice) => this.#onHrChanged(notice)));
    this.#initial = this.reload().then(
      ({ users, ms }) => this.#log.info({ users, ms }, 'risk-decision state loaded'),
      (error: unknown) => this.#log.warn({ err: error }, 'risk-decision state could not be loaded; decisions read users through until the next reload'),
    );
    this.#timer = setInterval(() => {
      this.reload().catch((error: unknown) => this.#log.warn({ err: error }, 'risk-decision state reload failed'));
    }, this.#options.reloadEveryMs);
    this.#timer.unref();
  }

  /** Resolves once the first full load has finished (or failed). */
  ready(): Promise<void> {
    return this.#initial;
  }

  /** Users held in memory. */
  get size(): number {
    return this.#cache.size;
  }

  /** Re-reads every user, page by page; a reload already running is shared. */
  reload(): Promise<{ users: number; ms: number }> {
    if (this.#reloading === null) {
      this.#reloading = this.#reloadAll().finally(() => {
        this.#reloading = null;
      });
    }
    return this.#reloading;
  }

  async decide(request: RiskDecisionRequest, actor: string): Promise<RiskDecisionResult> {
    const login: LoginRequest = {
      userId: request.userId,
      time: request.time,
      ...(request.ip !== undefined ? { ip: request.ip } : {}),
      ...(request.deviceId !== undefined ? { deviceId: request.deviceId } : {}),
      ...(request.application !== undefined ? { application: request.application } : {}),
    };
    let state: UserRiskState | null | undefined = this.#cache.get(request.userId);
    let unavailable = false;
    if (state === undefined) {
      if (this.#cache.isUnknown(request.userId)) {
        state = null;
      } else {
        try {
          state = await this.#readThrough(request.userId);
        } catch (error) {
          // Degraded mode: step up rather than fail the login outright.
          this.#log.warn({ err: error, user: request.userId }, 'risk state unavailable; stepping up');
          state = null;
          unavailable = true;
        }
      }
    }
    const decision = unavailable
      ? decideWithoutState(login, `risk state unavailable for ${request.userId}`, this.#options.policy)
      : decideForUser(state, login, this.#options.policy);
    const decidedAt = this.#clock();
    const result: RiskDecisionResult = {
      decision: decision.decision,
      riskScore: decision.riskScore,
      riskLevel: riskLevel(decision.riskScore),
      reasons: decision.reasons,
      decidedAt,
    };
    this.#audit.enqueue({
      at: decidedAt,
      actor,
      action: RISK_DECISION_ACTION,
      target: request.userId,
      outcome: 'OK',
      details: {
        decision: result.decision,
        riskScore: result.riskScore,
        reasons: result.reasons,
        time: new Date(request.time).toISOString(),
        ip: request.ip ?? null,
        deviceId: request.deviceId ?? null,
        application: request.application ?? null,
        knownUser: state !== null,
      },
    });
    return result;
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer !== null) clearInterval(this.#timer);
    for (const stop of this.#stops.splice(0)) stop();
    await this.#reloading?.catch(() => {});
  }

  #window(): RiskStateWindow {
    return {
      since: this.#clock() - this.#options.policy.knownWithinMs,
      maxDevices: this.#options.policy.maxEntries,
      maxSessions: this.#options.maxSessions,
      maxChanges: this.#options.maxChanges,
    };
  }

  #readThrough(userId: string): Promise<UserRiskState | null> {
    const pending = this.#pending.get(userId);
    if (pending !== undefined) return pending;
    void this.#readUsers([userId]);
    return this.#pending.get(userId)!;
  }

  /** Reads users from the graph and stores them; every user's pending read is shared meanwhile. */
  #readUsers(userIds: readonly string[]): Promise<Map<string, UserRiskState | null>> {
    const read = (async () => {
      const ticket = this.#cache.beginRead();
      try {
        const records = await this.#repository.byIds(userIds, this.#window());
        const states = new Map<string, UserRiskState | null>(userIds.map((id) => [id, null]));
        for (const record of records) {
          const state = userRiskStateOf(record, this.#options.policy.maxEntries);
          this.#cache.put(ticket, state);
          states.set(state.userId, state);
        }
        for (const [userId, state] of states) if (state === null) this.#cache.markUnknown(ticket, userId);
        return states;
      } finally {
        this.#cache.endRead(ticket);
      }
    })();
    read.catch(() => {}); // each caller observes the failure through its own promise
    for (const userId of userIds) {
      const one = read.then((states) => states.get(userId) ?? null);
      one.catch(() => {}); // observed by whoever awaits it; unobserved ones must not crash the process
      this.#pending.set(userId, one);
      void one.finally(() => {
        if (this.#pending.get(userId) === one) this.#pending.delete(userId);
      }).catch(() => {});
    }
    return read;
  }

  #onHrChanged(notice: HrChangeNotice): void {
    const users = Array.isArray(notice?.users) ? notice.users.filter((u): u is string => typeof u === 'string') : [];
    if (users.length === 0) return;
    this.#cache.invalidate(users);
    // Read them again now, so the next decision finds them in memory.
    for (let i = 0; i < users.length; i += REFRESH_CHUNK) {
      this.#readUsers(users.slice(i, i + REFRESH_CHUNK)).catch((error: unknown) =>
        this.#log.warn({ err: error, users: users.length }, 'could not re-read users after an HR change; they are read when next asked about'),
      );
    }
  }

  async #reloadAll(): Promise<{ users: number; ms: number }> {
    const started = performance.now();
    const ticket = this.#cache.beginRead();
    const seen = new Set<string>();
    try {
      const window = this.#window();
      let after = '';
      for (;;) {
        if (this.#closed) return { users: seen.size, ms: performance.now() - started };
        const records = await this.#repository.page(after, this.#options.pageSize, window);
        for (const record of records) {
          this.#cache.put(ticket, userRiskStateOf(record, this.#options.policy.maxEntries));
          seen.add(record.user.id);
        }
        const last = records.at(-1);
        if (last === undefined || records.length < this.#options.pageSize) break;
        after = last.user.id;
      }
      this.#cache.retainOnly(ticket, seen);
    } finally {
      this.#cache.endRead(ticket);
    }
    return { users: seen.size, ms: Math.round(performance.now() - started) };
  }
}
