import { cypher } from './cypher.ts';
import type { Neo4jExecutor } from './executor.ts';

/**
 * What the login-time risk decision reads about a user, as the graph holds it: the stored risk
 * score (written by scoring, see the scoring → graph contract), the HR fields of the User node
 * and the user's latest recorded employment changes, and the recent login context. The
 * risk-state cache (src/risk/) turns records into its in-memory state. Times epoch ms UTC.
 */
export interface RiskStateRecord {
  user: {
    id: string;
    riskScore: number | null;
    employmentStatus: string | null;
    statusEffective: number | null;
    lastDay: number | null;
  };
  /** Newest effective first. */
  changes: Array<{ status: string; effectiveDate: number; lastDay: number | null; recordedAt: number }>;
  /** Devices the user accessed: [device key, last seen]. */
  devices: Array<[string, number]>;
  /** The user's recent sessions, latest first. */
  sessions: Array<{ lastTs: number | null; ips: string[] | null; countries: string[] | null }>;
}

/** How much context to read per user. */
export interface RiskStateWindow {
  /** Context older than this is ignored, epoch ms. */
  since: number;
  maxDevices: number;
  maxSessions: number;
  maxChanges: number;
}

export interface RiskStateRepository {
  /** One page of users with key greater than `after` ('' for the first), in key order. */
  page(after: string, limit: number, window: RiskStateWindow): Promise<RiskStateRecord[]>;
  /** These users; keys without a User node are absent from the result. */
  byIds(ids: readonly string[], window: RiskStateWindow): Promise<RiskStateRecord[]>;
}

export class Neo4jRiskStateRepository implements RiskStateRepository {
  readonly #executor: Neo4jExecutor;

  constructor(executor: Neo4jExecutor) {
    this.#executor = executor;
  }

  page(after: string, limit: number, window: RiskStateWindow): Promise<RiskStateRecord[]> {
    return this.#executor.query<RiskStateRecord>('READ', cypher('risk-state-page'), { after, limit, ...window });
  }

  async byIds(ids: readonly string[], window: RiskStateWindow): Promise<RiskStateRecord[]> {
    if (ids.length === 0) return [];
    return this.#executor.query<RiskStateRecord>('READ', cypher('risk-state-by-ids'), { ids: [...ids], ...window });
  }
}
