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

  indicatorCounts(): Promise<Array<{ user: string; indicatorId: string; learning: boolean; count: number }>> {
    return this.#executor.query('READ', cypher('eval-indicator-counts'), {});
  }
}
