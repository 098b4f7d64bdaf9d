/** Reads for `riskgraph eval`: scores of every user and session, alerts and findings. */
import { cypher } from './cypher.ts';
import type { Neo4jExecutor } from './executor.ts';

export class Neo4jEvaluationRepository {
  readonly #executor: Neo4jExecutor;

  constructor(executor: Neo4jExecutor) {
    this.#executor = executor;
  }

  users(): Promise<Array<{ user: string; riskScore: number; peakRiskScore: number }>> {
    return this.#executor.query('READ', cypher('eval-users'), {});
  }

  sessions(): Promise<Array<{ user: string; start: number; score: number }>> {
    return this.#executor.query('READ', cypher('eval-sessions'), {});
  }

  alerts(): Promise<Array<{ user: string; session: string | null; start: number | null; severity: string }>> {
    return this.#executor.query('READ', cypher('eval-alerts'), {});
  }

  /** Every finding's points in the scored sessions' explanations. */
  async contributions(): Promise<Array<{ user: string; indicatorId: string; value: number }>> {
    const rows = await this.#executor.query<{ user: string; explanation: string }>('READ', cypher('eval-session-contributions'), {});
    const out: Array<{ user: string; indicatorId: string; value: number }> = [];
    for (const row of rows) {
      let parsed: { contributions?: Array<{ indicatorId?: unknown; value?: unknown }> };
      try {
        parsed = JSON.parse(row.explanation) as typeof parsed;
      } catch {
        continue; // an explanation that is not JSON carries no points to count
      }
      for (const c of parsed.contributions ?? []) {
        if (typeof c.indicatorId === 'string' && typeof c.value === 'number') out.push({ user: row.user, indicatorId: c.indicatorId, value: c.value });
      }
    }
    return out;
  }

  indicatorCounts(): Promise<Array<{ user: string; indicatorId: string; learning: boolean; count: number }>> {
    return this.#executor.query('READ', cypher('eval-indicator-counts'), {});
  }
}
