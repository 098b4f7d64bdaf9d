import type { SessionRiskContribution } from '../analytics/fusion/user-risk.ts';
import { cypher } from './cypher.ts';
import type { Neo4jExecutor } from './executor.ts';
import { asArray, asObject, finiteOr, parseJsonBlob, stringOr, strings } from './json-blob.ts';

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

export interface RiskHistoryRepository {
  /** One page per user, newest first, from `since` (epoch ms, inclusive; all when null). */
  ofUsers(users: readonly string[], since: number | null, after: RiskSnapshotCursor | null, limit: number): Promise<Map<string, RiskSnapshotRecord[]>>;
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
