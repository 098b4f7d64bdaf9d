import { createHash } from 'node:crypto';
import type { NormalizedEvent } from '../events/event.ts';
import { entitiesOf, entityKey } from './entities.ts';

/**
 * Stateful user tracking: a session runs from a logon (or the first activity) to a logoff,
 * and is closed after an inactivity gap, or cut when it runs longer than a maximum. Pure: the
 * caller owns the state and the clock; nothing here touches a store.
 *
 * Events should arrive in time order per user (the pipeline sorts each batch, and the CLI
 * merges several input files by time). A small disorder is absorbed: an event before the
 * session's start but within one gap of it extends the session backwards. An event older than
 * that (a second source imported after the first) is routed to a second, "late" cursor per user
 * that follows the same rules, so late data still forms coherent sessions instead of breaking
 * the current one.
 */

export const CLOSE_REASONS = ['logoff', 'inactivity', 'max-duration', 'new-logon'] as const;
export type CloseReason = (typeof CLOSE_REASONS)[number];

export interface SessionizerOptions {
  /** Inactivity that closes a session, ms. */
  gapMs: number;
  /** Longest a session may run, ms. */
  maxMs: number;
}

/** Distinct IPs and countries kept per session; enough for analytics, bounded for memory. */
const MAX_DISTINCT_PER_SESSION = 32;

export interface Session {
  id: string;
  user: string;
  partition: number;
  /** Which per-user cursor holds it while open: the current one or the late one. */
  cursor: 'current' | 'late';
  /** Epoch ms UTC. */
  start: number;
  /** Time of the latest event, epoch ms UTC. */
  lastTs: number;
  /** Wall-clock time the session last received an event, epoch ms (for sweeping, see below). */
  touchedAt: number;
  /** Set when closed: logoff time, or the last event's time. */
  end: number | null;
  status: 'OPEN' | 'CLOSED';
  closeReason: CloseReason | null;
  eventCount: number;
  logons: number;
  failures: number;
  webRequests: number;
  fileEvents: number;
  emails: number;
  usbEvents: number;
  /** Commands run (`process.command_line`) and vault secrets checked out (`secret_access`). */
  commands: number;
  secretCheckouts: number;
  bytesIn: number;
  bytesOut: number;
  ips: string[];
  countries: string[];
  /** Entity keys (`Type\u0000id`) touched so far; its size is the distinct-entity count. */
  touched: Set<string>;
}

/** Per user: the current session and the late cursor (see above). */
export interface UserSessions {
  current: Session | null;
  late: Session | null;
}

/** What one step produced for the store: sessions to upsert and TOUCHED increments. */
export interface SessionChanges {
  /** Every session created, changed or closed, in its final state for this step. */
  sessions: Session[];
  /** Increments of (session)-[:TOUCHED]->(entity) counts. */
  touched: Array<{ session: string; key: string; count: number }>;
}

const SESSION_STARTS = new Set(['logon', 'vpn_connect']);
const SESSION_ENDS = new Set(['logoff', 'vpn_disconnect']);

export function sessionId(user: string, start: number): string {
  return `s-${createHash('sha1').update(`${user}\n${start}`).digest('hex').slice(0, 20)}`;
}

function openSession(user: string, partition: number, ts: number, cursor: Session['cursor'], now: number): Session {
  return {
    touchedAt: now,
    id: sessionId(user, ts),
    user,
    partition,
    cursor,
    start: ts,
    lastTs: ts,
    end: null,
    status: 'OPEN',
    closeReason: null,
    eventCount: 0,
    logons: 0,
    failures: 0,
    webRequests: 0,
    fileEvents: 0,
    emails: 0,
    usbEvents: 0,
    commands: 0,
    secretCheckouts: 0,
    bytesIn: 0,
    bytesOut: 0,
    ips: [],
    countries: [],
    touched: new Set(),
  };
}

export function cloneSession(session: Session): Session {
  return { ...session, ips: [...session.ips], countries: [...session.countries], touched: new Set(session.touched) };
}

function close(session: Session, reason: CloseReason, end: number): void {
  session.status = 'CLOSED';
  session.closeReason = reason;
  session.end = end;
}

function addDistinct(list: string[], value: string | undefined): void {
  if (value !== undefined && list.length < MAX_DISTINCT_PER_SESSION && !list.includes(value)) list.push(value);
}

/**
 * Sessionizes one user-partitioned batch. `state` is not mutated: the sessions it holds are
 * copied on first change, and the new state for every user seen is returned in `next`, for the
 * caller to adopt once the batch's writes have committed (so a failed write can be retried
 * from the old state).
 */
export function sessionize(
  state: ReadonlyMap<string, UserSessions>,
  events: readonly NormalizedEvent[],
  partition: number,
  options: SessionizerOptions,
  now: number,
): {
  next: Map<string, UserSessions>;
  changes: SessionChanges;
  /**
   * The session each event joined, by event id (events without a user have none): what
   * per-event analytics need to attribute findings and session features.
   */
  eventSessions: Map<string, string>;
} {
  const next = new Map<string, UserSessions>();
  const changed = new Map<string, Session>();
  const touched = new Map<string, { session: string; key: string; count: number }>();
  const eventSessions = new Map<string, string>();
  const copied = new Set<Session>();

  const own = (session: Session): Session => {
    if (copied.has(session)) return session;
    const copy = cloneSession(session);
    copied.add(copy);
    return copy;
  };

  for (const event of events) {
    const user = event.user;
    if (user === undefined) continue;
    let cursors = next.get(user);
    if (cursors === undefined) {
      const previous = state.get(user);
      cursors = { current: previous?.current ?? null, late: previous?.late ?? null };
      next.set(user, cursors);
    }
    const isLate = cursors.current !== null && event.ts < cursors.current.start - options.gapMs;
    const slot: keyof UserSessions = isLate ? 'late' : 'current';
    let session = cursors[slot] === null ? null : own(cursors[slot]);

    if (session !== null) {
      const startsNew = SESSION_STARTS.has(event.action) && event.outcome !== 'failure' && session.eventCount > 0;
      let reason: CloseReason | null = null;
      if (event.ts - session.lastTs > options.gapMs) reason = 'inactivity';
      else if (event.ts - session.start > options.maxMs) reason = 'max-duration';
      else if (startsNew && event.ts >= session.lastTs) reason = 'new-logon';
      if (reason !== null) {
        close(session, reason, session.lastTs);
        changed.set(session.id, session);
        session = null;
      }
    }
    if (session === null) {
      session = openSession(user, partition, event.ts, slot, now);
      copied.add(session);
    }

    session.start = Math.min(session.start, event.ts);
    session.lastTs = Math.max(session.lastTs, event.ts);
    session.touchedAt = now;
    session.eventCount += 1;
    eventSessions.set(event.id, session.id);
    if (event.outcome === 'failure') session.failures += 1;
    if (SESSION_STARTS.has(event.action) && event.outcome !== 'failure') session.logons += 1;
    if (event.category === 'web') session.webRequests += 1;
    if (event.category === 'file') session.fileEvents += 1;
    if (event.category === 'email') session.emails += 1;
    if (event.action.startsWith('usb_')) session.usbEvents += 1;
    if (event.command !== undefined) session.commands += 1;
    if (event.secretId !== undefined) session.secretCheckouts += 1;
    session.bytesIn += event.bytesIn ?? 0;
    session.bytesOut += event.bytesOut ?? 0;
    addDistinct(session.ips, event.ip);
    addDistinct(session.countries, event.country);
    for (const entity of entitiesOf(event)) {
      const key = entityKey(entity);
      session.touched.add(key);
      const touchKey = `${session.id}\u0001${key}`;
      const row = touched.get(touchKey);
      if (row === undefined) touched.set(touchKey, { session: session.id, key, count: 1 });
      else row.count += 1;
    }
    if (SESSION_ENDS.has(event.action)) {
      close(session, 'logoff', event.ts);
    }
    changed.set(session.id, session);
    cursors[slot] = session.status === 'OPEN' ? session : null;
  }
  return { next, changes: { sessions: [...changed.values()], touched: [...touched.values()] }, eventSessions };
}

/**
 * When to close idle sessions. A session closes when its last event is more than one gap
 * before `eventCutoffFrom` and, if `wallNow` is given, it has also received nothing for one
 * gap of wall-clock time. The periodic sweep passes both (the wall clock for each): a live
 * session idle for a gap closes, while a historical import still feeding a session does not
 * see it cut every minute. The sweep at the end of an import passes only the first, closing
 * every session whose events are over.
 */
export interface SweepRule {
  eventCutoffFrom: number;
  wallNow?: number;
}

export function isIdle(session: Pick<Session, 'lastTs' | 'touchedAt'>, rule: SweepRule, gapMs: number): boolean {
  if (rule.eventCutoffFrom - session.lastTs <= gapMs) return false;
  return rule.wallNow === undefined || rule.wallNow - session.touchedAt > gapMs;
}

/** Closes idle sessions (see SweepRule); returns the closed sessions and the remaining state. */
export function sweepSessions(
  state: ReadonlyMap<string, UserSessions>,
  rule: SweepRule,
  options: SessionizerOptions,
): { next: Map<string, UserSessions>; closed: Session[] } {
  const next = new Map<string, UserSessions>();
  const closed: Session[] = [];
  for (const [user, cursors] of state) {
    const kept: UserSessions = { current: cursors.current, late: cursors.late };
    for (const slot of ['current', 'late'] as const) {
      const session = kept[slot];
      if (session !== null && isIdle(session, rule, options.gapMs)) {
        const copy = cloneSession(session);
        close(copy, 'inactivity', copy.lastTs);
        closed.push(copy);
        kept[slot] = null;
      }
    }
    next.set(user, kept);
  }
  return { next, closed };
}
