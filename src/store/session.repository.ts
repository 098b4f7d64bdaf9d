import type { EntityRecord, NodeType } from './entity.repository.ts';
import { cypher } from './cypher.ts';
import type { Neo4jExecutor } from './executor.ts';
import { asArray, asObject, finiteOr, parseJsonBlob, stringOr, strings } from './json-blob.ts';

/**
 * Reads of sessions for the API (the ingest pipeline writes them through the ingest and
 * analysis repositories): the sessions, what they touched, their score explanations and
 * timelines (JSON blobs, parsed here), and the sessions enforcement would have alerted on.
 * Batched by session or by user so a page of users with their recent sessions costs one
 * statement.
 */
export interface SessionRecord {
  id: string;
  user: string;
  start: number;
  end?: number | null;
  lastTs?: number | null;
  status?: string | null;
  closeReason?: string | null;
  eventCount?: number;
  logons?: number;
  failures?: number;
  webRequests?: number;
  fileEvents?: number;
  emails?: number;
  usbEvents?: number;
  commands?: number;
  secretCheckouts?: number;
  bytesIn?: number;
  bytesOut?: number;
  ips?: string[];
  countries?: string[];
  distinctEntities?: number;
  /** Points, Σ of the explanation's contributions; absent before scoring. */
  score?: number | null;
  /** The score had every finding been scored (mature baselines), points. */
  shadowScore?: number | null;
  scoredAt?: number | null;
  anomalyCount?: number | null;
  [property: string]: unknown;
}

/** Why a finding adds nothing to its session's score. */
export type UnscoredReason = 'learning' | 'repeat';

/** One calibration multiplier applied to a finding's anchor score. */
export interface CalibrationFactorRecord {
  name: string;
  /** Multiplier, dimensionless. */
  factor: number;
  reason: string;
}

/** One finding's share of a session score (fusion's Contribution, as stored). */
export interface ContributionRecord {
  indicatorId: string;
  reason: string;
  /** Points, rounded to hundredths; 0 when unscored. */
  value: number;
  unscored: UnscoredReason | null;
  weights: {
    anchor: number;
    calibration: CalibrationFactorRecord[];
    calibrationProduct: number;
    downWeight: number;
    populationTriggerRate: number;
    userTriggerRate: number;
  };
  observed: unknown;
  baseline: unknown;
  pValue: number | null;
  fact: string | null;
  evidence: unknown;
  eventIds: string[];
  /** When the behaviour happened, epoch ms. */
  ts: number;
}

/**
 * A session's explanation as stored (fusion's SessionScore as JSON). Parsed with
 * `parseExplanation` when a response asks for it, so a corrupt blob fails that one field only.
 */
export interface StoredExplanation {
  sessionId: string;
  json: string;
}

/** A session score and its contributions in stored order (scored first, highest first). */
export interface ExplanationRecord {
  sessionId: string;
  score: number;
  contributions: ContributionRecord[];
}

/** One event of a session's timeline (compact; see write-timeline). */
export interface TimelineEventRecord {
  id: string;
  ts: number;
  category: string;
  action: string;
  outcome: string | null;
  target: string | null;
  targetType: string | null;
  ip: string | null;
  country: string | null;
  city: string | null;
  bytesIn: number | null;
  bytesOut: number | null;
  /** A privileged session's command line; null for other events (and chunks written before). */
  command: string | null;
}

export interface TimelineCursor {
  ts: number;
  id: string;
}

export interface TimelinePage {
  events: TimelineEventRecord[];
  /** Events of the session the pipeline did not keep (the per-batch cap), all pages together. */
  omitted: number;
}

export interface SessionCursor {
  start: number;
  id: string;
}

export interface TouchedRecord {
  entity: EntityRecord;
  count: number;
}

export interface TouchedCursor {
  count: number;
  type: string;
  key: string;
}

export interface SessionRepository {
  byIds(ids: readonly string[]): Promise<SessionRecord[]>;
  /** One page per user, most recent first; the same cursor applies to every user. */
  ofUsers(users: readonly string[], after: SessionCursor | null, limit: number): Promise<Map<string, SessionRecord[]>>;
  touched(sessions: readonly string[], after: TouchedCursor | null, limit: number): Promise<Map<string, TouchedRecord[]>>;
  /** Stored explanations by session id; scored sessions only. */
  explanations(ids: readonly string[]): Promise<StoredExplanation[]>;
  /** One page of each session's timeline, in time order (ties by event id). */
  timelines(sessions: readonly string[], after: TimelineCursor | null, limit: number): Promise<Map<string, TimelinePage>>;
  /** Sessions with shadowScore ≥ threshold > score, newest start first. */
  wouldHaveAlerted(threshold: number, after: SessionCursor | null, limit: number): Promise<SessionRecord[]>;
}

export class Neo4jSessionRepository implements SessionRepository {
  readonly #executor: Neo4jExecutor;

  constructor(executor: Neo4jExecutor) {
    this.#executor = executor;
  }

  async byIds(ids: readonly string[]): Promise<SessionRecord[]> {
    if (ids.length === 0) return [];
    const rows = await this.#executor.query<{ session: SessionRecord }>('READ', cypher('sessions-by-ids'), { ids: [...ids] });
    return rows.map((row) => row.session);
  }

  async ofUsers(users: readonly string[], after: SessionCursor | null, limit: number): Promise<Map<string, SessionRecord[]>> {
    const result = new Map<string, SessionRecord[]>();
    if (users.length === 0) return result;
    const rows = await this.#executor.query<{ userId: string; sessions: SessionRecord[] }>('READ', cypher('sessions-of-users'), {
      users: [...users],
      after,
      limit,
    });
    for (const row of rows) result.set(row.userId, row.sessions);
    return result;
  }

  async touched(sessions: readonly string[], after: TouchedCursor | null, limit: number): Promise<Map<string, TouchedRecord[]>> {
    const result = new Map<string, TouchedRecord[]>();
    if (sessions.length === 0) return result;
    const rows = await this.#executor.query<{
      sessionId: string;
      touched: Array<{ type: NodeType; entity: EntityRecord['props']; count: number }>;
    }>('READ', cypher('session-touched'), { sessions: [...sessions], after, limit });
    for (const row of rows) {
      result.set(
        row.sessionId,
        row.touched.map((t) => ({ entity: { type: t.type, props: t.entity }, count: t.count })),
      );
    }
    return result;
  }

  async explanations(ids: readonly string[]): Promise<StoredExplanation[]> {
    if (ids.length === 0) return [];
    const rows = await this.#executor.query<{ sessionId: string; explanation: string }>('READ', cypher('session-explanations'), { ids: [...ids] });
    return rows.map((row) => ({ sessionId: row.sessionId, json: row.explanation }));
  }

  async timelines(sessions: readonly string[], after: TimelineCursor | null, limit: number): Promise<Map<string, TimelinePage>> {
    const result = new Map<string, TimelinePage>();
    if (sessions.length === 0) return result;
    const rows = await this.#executor.query<{ sessionId: string; chunks: Array<{ seq: number; events: string; omitted: number }> }>(
      'READ',
      cypher('session-timelines'),
      { sessions: [...sessions] },
    );
    for (const row of rows) {
      // Chunks of different batches may overlap in time (a late source), so the page is cut
      // after a merge of all of them; an event repeated across chunks is shown once.
      const byId = new Map<string, TimelineEventRecord>();
      let omitted = 0;
      for (const chunk of row.chunks) {
        omitted += finiteOr(chunk.omitted, 0);
        for (const raw of asArray(parseJsonBlob(chunk.events, `timeline of session ${row.sessionId}`))) {
          const event = timelineEventRecord(raw);
          if (event !== null && !byId.has(event.id)) byId.set(event.id, event);
        }
      }
      const events = [...byId.values()]
        .filter((e) => after === null || e.ts > after.ts || (e.ts === after.ts && e.id > after.id))
        .sort((a, b) => a.ts - b.ts || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
        .slice(0, limit);
      result.set(row.sessionId, { events, omitted });
    }
    return result;
  }

  async wouldHaveAlerted(threshold: number, after: SessionCursor | null, limit: number): Promise<SessionRecord[]> {
    const rows = await this.#executor.query<{ session: SessionRecord }>('READ', cypher('sessions-would-have-alerted'), { threshold, after, limit });
    return rows.map((row) => row.session);
  }
}

export function parseExplanation(stored: StoredExplanation): ExplanationRecord {
  const blob = asObject(parseJsonBlob(stored.json, `explanation of session ${stored.sessionId}`));
  return {
    sessionId: stored.sessionId,
    score: finiteOr(blob.score, 0),
    contributions: asArray(blob.contributions).map(contributionRecord),
  };
}

function contributionRecord(raw: unknown): ContributionRecord {
  const c = asObject(raw);
  const w = asObject(c.weights);
  const unscored = stringOr(c.unscored, null)?.toLowerCase() ?? null;
  return {
    indicatorId: stringOr(c.indicatorId, ''),
    reason: stringOr(c.reason, ''),
    value: finiteOr(c.value, 0),
    unscored: unscored === 'learning' || unscored === 'repeat' ? unscored : null,
    weights: {
      anchor: finiteOr(w.anchor, 0),
      // Fusion names a factor's multiplier `value` and its explanation `detail`; the graph
      // contract calls them `factor` and `reason`. Both spellings are read.
      calibration: asArray(w.calibration).map((raw) => {
        const f = asObject(raw);
        return { name: stringOr(f.name, ''), factor: finiteOr(f.factor, finiteOr(f.value, 1)), reason: stringOr(f.reason, stringOr(f.detail, '')) };
      }),
      calibrationProduct: finiteOr(w.calibrationProduct, 1),
      downWeight: finiteOr(w.downWeight, 1),
      populationTriggerRate: finiteOr(w.populationTriggerRate, 0),
      userTriggerRate: finiteOr(w.userTriggerRate, 0),
    },
    observed: c.observed ?? null,
    baseline: c.baseline ?? null,
    pValue: finiteOr(c.pValue, null),
    fact: stringOr(c.fact, null),
    evidence: c.evidence ?? null,
    eventIds: strings(c.eventIds),
    ts: finiteOr(c.ts, 0),
  };
}

function timelineEventRecord(raw: unknown): TimelineEventRecord | null {
  const e = asObject(raw);
  const id = stringOr(e.id, null);
  const ts = finiteOr(e.ts, null);
  if (id === null || ts === null) return null;
  return {
    id,
    ts,
    category: stringOr(e.category, 'unknown'),
    action: stringOr(e.action, 'unknown'),
    outcome: stringOr(e.outcome, null),
    target: stringOr(e.target, null),
    targetType: stringOr(e.targetType, null),
    ip: stringOr(e.ip, null),
    country: stringOr(e.country, null),
    city: stringOr(e.city, null),
    bytesIn: finiteOr(e.bytesIn, null),
    bytesOut: finiteOr(e.bytesOut, null),
    command: stringOr(e.command, null),
  };
}
