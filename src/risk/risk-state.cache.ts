import { EMPLOYMENT_STATUS, type EmploymentStatus, type HrStatus } from '../analytics/fusion/fusion-finding.ts';
import type { RecentContext } from '../analytics/fusion/login-decision.ts';
import type { RiskStateRecord } from '../store/risk-state.repository.ts';

/**
 * The login-time risk decision's view of every user, in memory, so that
 * `Query.riskDecision` reads no graph on its path: the stored risk score, the HR status (the
 * User node's fields and the latest recorded employment changes, so a change that falls due
 * later is already known), and the recent login context `decideLogin` tests devices and IPs
 * against.
 *
 * It is a cache of the graph, filled by a paged load at start and a periodic reload, kept fresh
 * between reloads by the risk-change and HR-change streams (Redis pub/sub, so every API
 * instance converges), and read through for a user it does not hold. Reads and stream events
 * race: a read that started before an event about a user must not overwrite what the event
 * did. Every event therefore bumps a sequence number, and a read (`beginRead`) only stores a
 * user when no event about that user arrived after it began. No I/O here; the clock is
 * passed in.
 */
export interface HrChange {
  status: EmploymentStatus;
  /** Epoch ms UTC. */
  effectiveDate: number;
  lastDay?: number;
  /** When the change was recorded; the later one wins a tie on effective date. */
  recordedAt: number;
}

export interface UserRiskState {
  userId: string;
  /** Stored user risk, 0–100; 0 when never scored. */
  riskScore: number;
  /** The status on the User node (in force when last refreshed, or from a directory import). */
  hr: HrStatus | undefined;
  /** Latest recorded employment changes, newest effective first. */
  hrChanges: readonly HrChange[];
  context: RecentContext;
}

/** A risk change as `Subscription.riskScoreChanged` carries it (see api/ports.ts). */
export interface RiskChangeEvent {
  user: string;
  score: number;
}

const STATUSES = new Set<string>(Object.values(EMPLOYMENT_STATUS));

function isStatus(value: unknown): value is EmploymentStatus {
  return typeof value === 'string' && STATUSES.has(value);
}

function finite(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** A graph record as the decision reads it; at most `maxEntries` devices, IPs and countries each. */
export function userRiskStateOf(record: RiskStateRecord, maxEntries: number): UserRiskState {
  const { user } = record;
  const status = user.employmentStatus;
  const effective = finite(user.statusEffective);
  const lastDay = finite(user.lastDay);
  const hr: HrStatus | undefined = isStatus(status)
    ? { status, ...(effective !== undefined ? { effectiveDate: effective } : {}), ...(lastDay !== undefined ? { lastDay } : {}) }
    : undefined;
  const hrChanges: HrChange[] = [];
  for (const change of record.changes) {
    const changeEffective = finite(change.effectiveDate);
    if (!isStatus(change.status) || changeEffective === undefined) continue;
    const changeLastDay = finite(change.lastDay);
    hrChanges.push({
      status: change.status,
      effectiveDate: changeEffective,
      ...(changeLastDay !== undefined ? { lastDay: changeLastDay } : {}),
      recordedAt: finite(change.recordedAt) ?? 0,
    });
  }
  return {
    userId: user.id,
    riskScore: clampScore(finite(user.riskScore) ?? 0),
    hr,
    hrChanges,
    context: recentContextOf(record, maxEntries),
  };
}

/**
 * The recent login context of a record: devices by their access edge's last sighting, IPs and
 * countries by the last event of the session they were seen in; the `maxEntries` most recent
 * of each kind.
 */
export function recentContextOf(record: Pick<RiskStateRecord, 'devices' | 'sessions'>, maxEntries: number): RecentContext {
  const devices = new Map<string, number>();
  const ips = new Map<string, number>();
  const countries = new Map<string, number>();
  for (const [device, lastSeen] of record.devices) remember(devices, device, lastSeen);
  for (const session of record.sessions) {
    const lastTs = finite(session.lastTs);
    if (lastTs === undefined) continue;
    for (const ip of session.ips ?? []) remember(ips, ip, lastTs);
    for (const country of session.countries ?? []) remember(countries, country, lastTs);
  }
  return { devices: latest(devices, maxEntries), ips: latest(ips, maxEntries), countries: latest(countries, maxEntries) };
}

function remember(seen: Map<string, number>, key: unknown, at: unknown): void {
  const time = finite(at);
  if (typeof key !== 'string' || key.length === 0 || time === undefined) return;
  seen.set(key, Math.max(time, seen.get(key) ?? -Infinity));
}

function latest(seen: Map<string, number>, max: number): Map<string, number> {
  if (seen.size <= max) return seen;
  return new Map([...seen].sort((a, b) => b[1] - a[1]).slice(0, max));
}

/**
 * The HR status in force at `time`: the recorded change with the latest effective date not
 * after it (the later recorded wins a tie), as the graph's own refresh picks it
 * (employment-status-refresh.cypher); the User node's fields when they are newer (a directory
 * import writes only those) or when no recorded change is in force yet.
 */
export function hrStatusAt(state: Pick<UserRiskState, 'hr' | 'hrChanges'>, time: number): HrStatus | undefined {
  let inForce: HrChange | undefined;
  for (const change of state.hrChanges) {
    if (change.effectiveDate > time) continue;
    if (
      inForce === undefined ||
      change.effectiveDate > inForce.effectiveDate ||
      (change.effectiveDate === inForce.effectiveDate && change.recordedAt > inForce.recordedAt)
    ) {
      inForce = change;
    }
  }
  const node = state.hr;
  if (inForce === undefined) return node;
  if (node?.effectiveDate !== undefined && node.effectiveDate > inForce.effectiveDate && node.effectiveDate <= time) return node;
  return { status: inForce.status, effectiveDate: inForce.effectiveDate, ...(inForce.lastDay !== undefined ? { lastDay: inForce.lastDay } : {}) };
}

function clampScore(score: number): number {
  return Math.min(100, Math.max(0, score));
}

/** A read of graph state in progress (see the class comment). */
export interface ReadTicket {
  readonly seq: number;
}

export interface RiskStateCacheOptions {
  /** How long a key without a User node is answered as unknown without another graph read, ms. */
  unknownTtlMs: number;
  /** Unknown keys remembered at most (the oldest is forgotten first). */
  maxUnknown: number;
  /** Wall clock for the unknown-key expiry, epoch ms. */
  now: () => number;
}

interface Entry {
  state: UserRiskState;
  /** Sequence number when stored. */
  seq: number;
}

export class RiskStateCache {
  readonly #users = new Map<string, Entry>();
  /** Keys found without a User node → when that finding expires (wall clock, ms). */
  readonly #unknown = new Map<string, number>();
  /** Sequence of the last event per user, kept while reads are in flight. */
  readonly #touched = new Map<string, number>();
  readonly #options: RiskStateCacheOptions;
  #seq = 0;
  #reads = 0;

  constructor(options: RiskStateCacheOptions) {
    this.#options = options;
  }

  /** Users held. */
  get size(): number {
    return this.#users.size;
  }

  get(userId: string): UserRiskState | undefined {
    return this.#users.get(userId)?.state;
  }

  /** The key was read recently and has no User node. */
  isUnknown(userId: string): boolean {
    const until = this.#unknown.get(userId);
    if (until === undefined) return false;
    if (until > this.#options.now()) return true;
    this.#unknown.delete(userId);
    return false;
  }

  beginRead(): ReadTicket {
    this.#reads += 1;
    return { seq: this.#seq };
  }

  endRead(_ticket: ReadTicket): void {
    this.#reads -= 1;
    if (this.#reads === 0) this.#touched.clear();
  }

  /** Stores what a read found, unless an event about the user arrived since it began. */
  put(ticket: ReadTicket, state: UserRiskState): boolean {
    if (this.#changedSince(ticket, state.userId)) return false;
    this.#seq += 1;
    this.#users.set(state.userId, { state, seq: this.#seq });
    this.#unknown.delete(state.userId);
    return true;
  }

  /** A read found no User node for the key. */
  markUnknown(ticket: ReadTicket, userId: string): void {
    if (this.#changedSince(ticket, userId)) return;
    this.#users.delete(userId);
    this.#unknown.delete(userId);
    this.#unknown.set(userId, this.#options.now() + this.#options.unknownTtlMs);
    while (this.#unknown.size > this.#options.maxUnknown) {
      const oldest = this.#unknown.keys().next().value;
      if (oldest === undefined) break;
      this.#unknown.delete(oldest);
    }
  }

  /**
   * After a full reload: forgets users the reload did not see (gone from the graph), except
   * those stored or changed after it began.
   */
  retainOnly(ticket: ReadTicket, seen: ReadonlySet<string>): number {
    let dropped = 0;
    for (const [userId, entry] of this.#users) {
      if (seen.has(userId) || entry.seq > ticket.seq || this.#changedSince(ticket, userId)) continue;
      this.#users.delete(userId);
      dropped += 1;
    }
    return dropped;
  }

  /**
   * A risk score changed (scoring stores it, then announces it). Applied to a user held, in
   * arrival order: one user's events are scored in order by one worker at a time, and one
   * publisher's messages arrive in order. (Their `changedAt` is not compared with the stored
   * score's time: the two need not be on the same clock.) A user not held reads the stored
   * score when first asked about.
   */
  applyRiskChange(change: RiskChangeEvent): void {
    const score = finite(change?.score);
    if (typeof change?.user !== 'string' || score === undefined) return;
    this.#touch(change.user);
    this.#unknown.delete(change.user);
    const entry = this.#users.get(change.user);
    if (entry === undefined) return;
    entry.state = { ...entry.state, riskScore: clampScore(score) };
    entry.seq = this.#seq;
  }

  /** The users' HR data changed: forget them until they are read again. */
  invalidate(users: readonly string[]): void {
    for (const userId of users) {
      if (typeof userId !== 'string') continue;
      this.#touch(userId);
      this.#users.delete(userId);
      this.#unknown.delete(userId);
    }
  }

  #touch(userId: string): void {
    this.#seq += 1;
    if (this.#reads > 0) this.#touched.set(userId, this.#seq);
  }

  #changedSince(ticket: ReadTicket, userId: string): boolean {
    return (this.#touched.get(userId) ?? 0) > ticket.seq;
  }
}
