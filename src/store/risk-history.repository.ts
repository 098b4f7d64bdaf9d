import type { SessionRiskContribution } from '../analytics/fusion/user-risk.ts';
import { cypher } from './cypher.ts';
import type { Neo4jExecutor } from './executor.ts';
import { asArray, asObject, finiteOr, parseJsonBlob, stringOr, strings } from './json-blob.ts';
import { type ExplanationRecord, parseExplanation } from './session.repository.ts';

/**
 * Reads of users' risk over time for the API: the `(:User)-[:HAD_RISK]->(:RiskSnapshot)`
 * history the scoring pipeline writes when a score moves by a point or changes level, and the
 * current risk explanation (fusion's UserRisk as a JSON string on the User node), parsed here.
 */
export interface RiskSnapshotRecord {
  /** Epoch ms. */
  at: number;
  /** 0–100. */
  score: number;
  level: string | null;
  previousScore: number;
  reasons: string[];
}

export interface RiskSnapshotCursor {
  at: number;
  score: number;
  previousScore: number;
}

/** One session's share of a user's risk, as fusion computed and stored it. */
export type SessionRiskRecord = SessionRiskContribution;

export interface UserRiskExplanationRecord {
  score: number;
  level: string | null;
  /** Σ decayed session scores before squashing, points. */
  raw: number;
  computedAt: number | null;
  contributions: SessionRiskRecord[];
}

/** Where a risk as of an instant comes from. */
export const RISK_AS_OF_SOURCE = Object.freeze({
  /** The user's current risk: computed at or before the instant, nothing recorded since. */
  Current: 'CURRENT',
  /** The history snapshot in force at the instant. */
  Snapshot: 'SNAPSHOT',
  /** Before the first recorded change: the previous score of that change (no explanation kept). */
  BeforeFirstChange: 'BEFORE_FIRST_CHANGE',
  /** Not scored by then (or an unknown user): 0. */
  NotScored: 'NOT_SCORED',
} as const);
export type RiskAsOfSource = (typeof RISK_AS_OF_SOURCE)[keyof typeof RISK_AS_OF_SOURCE];

/** A user's risk as it stood at an instant, from what was stored (never recomputed). */
export interface RiskAsOfRecord {
  userId: string;
  /** Epoch ms asked for. */
  asOf: number;
  score: number;
  level: string | null;
  source: RiskAsOfSource;
  /** Data time of the stored value, epoch ms; null when not scored by then. */
  computedAt: number | null;
  /** Wall clock when the snapshot was recorded (null for the current risk and older snapshots). */
  recordedAt: number | null;
  /** The reasons of the change that set it (a snapshot's); empty otherwise. */
  reasons: string[];
  /** The explanation stored with it; null when none was kept (older snapshots, before the first change). */
  explanation: UserRiskExplanationRecord | null;
  /** When the score next changed by a point or a level (data time), or null. */
  nextChangeAt: number | null;
}

export interface RiskHistoryRepository {
  /** One page per user, newest first, from `since` (epoch ms, inclusive; all when null). */
  ofUsers(users: readonly string[], since: number | null, after: RiskSnapshotCursor | null, limit: number): Promise<Map<string, RiskSnapshotRecord[]>>;
  /** Each user's risk as it stood at `asOf` (epoch ms, data time); every user asked has an entry. */
  asOf(users: readonly string[], asOf: number): Promise<Map<string, RiskAsOfRecord>>;
  /**
   * A user's scored sessions started by `until` that ended at or after `from` (epoch ms), most
   * recent end first, at most `limit`, with their stored explanations (for the what-if replay).
   */
  replaySessions(user: string, from: number, until: number, limit: number): Promise<ReplaySessionRecord[]>;
}

/** A scored session as the what-if replay reads it. */
export interface ReplaySessionRecord {
  sessionId: string;
  /** Epoch ms: the end, or the last event of an open session. */
  endedAt: number;
  score: number;
  explanation: ExplanationRecord;
}

interface AsOfRow {
  userId: string;
  current: { score: unknown; level: unknown; updatedAt: unknown; explanation: unknown } | null;
  before: Record<string, unknown> | null;
  next: { at: unknown; previousScore: unknown } | null;
}

/**
 * Which stored value stood at `asOf`: the current risk when computed at or before it and not
 * older than the snapshot in force (the history keeps only changes of a point or a level, so
 * the current value can be newer than the last snapshot); else that snapshot; else, before the
 * first change, that change's previous score; else 0.
 */
export function resolveRiskAsOf(row: AsOfRow, asOf: number): RiskAsOfRecord {
  const nextChangeAt = row.next === null ? null : finiteOr(row.next.at, null);
  const base = { userId: row.userId, asOf, nextChangeAt, recordedAt: null, reasons: [] as string[] };
  const before = row.before;
  const beforeAt = before === null ? null : finiteOr(before.at, null);
  const currentAt = row.current === null ? null : finiteOr(row.current.updatedAt, null);
  // At the snapshot's own data time the current value is the later one only when it differs
  // (a sub-point re-scoring at the same instant); equal, the snapshot says more (its reasons).
  const currentIsLater =
    beforeAt === null || (currentAt !== null && (currentAt > beforeAt || (currentAt === beforeAt && finiteOr(row.current?.score, 0) !== finiteOr(before?.score, 0))));
  if (row.current !== null && currentAt !== null && currentAt <= asOf && currentIsLater) {
    return {
      ...base,
      score: finiteOr(row.current.score, 0),
      level: stringOr(row.current.level, null),
      source: RISK_AS_OF_SOURCE.Current,
      computedAt: currentAt,
      explanation: parseUserRiskExplanation(row.current.explanation, row.userId),
    };
  }
  if (before !== null && beforeAt !== null) {
    return {
      ...base,
      score: finiteOr(before.score, 0),
      level: stringOr(before.level, null),
      source: RISK_AS_OF_SOURCE.Snapshot,
      computedAt: beforeAt,
      recordedAt: finiteOr(before.recordedAt, null),
      reasons: strings(before.reasons),
      explanation: parseUserRiskExplanation(before.explanation ?? null, row.userId),
    };
  }
  if (row.next !== null) {
    return { ...base, score: finiteOr(row.next.previousScore, 0), level: null, source: RISK_AS_OF_SOURCE.BeforeFirstChange, computedAt: null, explanation: null };
  }
  return { ...base, score: 0, level: null, source: RISK_AS_OF_SOURCE.NotScored, computedAt: null, explanation: null };
}

export class Neo4jRiskHistoryRepository implements RiskHistoryRepository {
  readonly #executor: Neo4jExecutor;

  constructor(executor: Neo4jExecutor) {
    this.#executor = executor;
  }

  async ofUsers(users: readonly string[], since: number | null, after: RiskSnapshotCursor | null, limit: number): Promise<Map<string, RiskSnapshotRecord[]>> {
    const result = new Map<string, RiskSnapshotRecord[]>();
    if (users.length === 0) return result;
    const rows = await this.#executor.query<{ userId: string; snapshots: Record<string, unknown>[] }>('READ', cypher('user-risk-history'), {
      users: [...users],
      // A number either way, so the range predicate can seek the (user, at) index.
      since: since ?? Number.MIN_SAFE_INTEGER,
      after,
      limit,
    });
    for (const row of rows) {
      result.set(
        row.userId,
        row.snapshots.map((s) => ({
          at: finiteOr(s.at, 0),
          score: finiteOr(s.score, 0),
          level: stringOr(s.level, null),
          previousScore: finiteOr(s.previousScore, 0),
          reasons: strings(s.reasons),
        })),
      );
    }
    return result;
  }

  async asOf(users: readonly string[], asOf: number): Promise<Map<string, RiskAsOfRecord>> {
    const result = new Map<string, RiskAsOfRecord>();
    if (users.length === 0) return result;
    const rows = await this.#executor.query<AsOfRow>('READ', cypher('user-risk-as-of'), { users: [...new Set(users)], asOf });
    for (const row of rows) result.set(row.userId, resolveRiskAsOf(row, asOf));
    return result;
  }

  async replaySessions(user: string, from: number, until: number, limit: number): Promise<ReplaySessionRecord[]> {
    const rows = await this.#executor.query<{ sessionId: string; endedAt: number; score: number; explanation: string }>('READ', cypher('sessions-for-replay'), {
      user,
      from,
      until,
      limit,
    });
    return rows.map((row) => ({
      sessionId: row.sessionId,
      endedAt: finiteOr(row.endedAt, 0),
      score: finiteOr(row.score, 0),
      explanation: parseExplanation({ sessionId: row.sessionId, json: row.explanation }),
    }));
  }
}

/** The User node's `riskExplanation` JSON string; null when the user was never scored. */
export function parseUserRiskExplanation(text: unknown, userId: string): UserRiskExplanationRecord | null {
  const parsed = parseJsonBlob(text, `risk explanation of user ${userId}`);
  if (parsed === null) return null;
  const blob = asObject(parsed);
  return {
    score: finiteOr(blob.score, 0),
    level: stringOr(blob.level, null),
    raw: finiteOr(blob.raw, 0),
    computedAt: finiteOr(blob.computedAt, null),
    contributions: asArray(blob.contributions).map((raw) => {
      const c = asObject(raw);
      return {
        sessionId: stringOr(c.sessionId, ''),
        sessionScore: finiteOr(c.sessionScore, 0),
        ageMs: finiteOr(c.ageMs, 0),
        decay: finiteOr(c.decay, 0),
        decayedScore: finiteOr(c.decayedScore, 0),
        value: finiteOr(c.value, 0),
      };
    }),
  };
}
