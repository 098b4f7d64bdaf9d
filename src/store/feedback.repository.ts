import { cypher } from './cypher.ts';
import type { Neo4jExecutor } from './executor.ts';

/**
 * Verdict feedback written atomically: the trigger statistics that now include some analysts'
 * verdicts, and the marks saying those verdicts are applied, in one transaction. (Two writes
 * would apply a verdict twice after a crash between them.)
 */
export interface FeedbackRepository {
  /** `state`: the serialised trigger statistics; `rows`: the alerts whose verdicts it includes. */
  saveFeedback(state: string, savedAt: number, rows: ReadonlyArray<{ id: string; resolution: string }>): Promise<void>;
}

export class Neo4jFeedbackRepository implements FeedbackRepository {
  readonly #executor: Neo4jExecutor;

  constructor(executor: Neo4jExecutor) {
    this.#executor = executor;
  }

  async saveFeedback(state: string, savedAt: number, rows: ReadonlyArray<{ id: string; resolution: string }>): Promise<void> {
    await this.#executor.query('WRITE', cypher('feedback-apply'), { state, savedAt, rows });
  }
}
