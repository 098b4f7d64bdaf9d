import { cypher } from './cypher.ts';
import type { Neo4jExecutor } from './executor.ts';

/** Facts about the graph as a whole. */
export interface GraphStatusRepository {
  userCount(): Promise<number>;
}

export class Neo4jGraphStatusRepository implements GraphStatusRepository {
  readonly #executor: Neo4jExecutor;

  constructor(executor: Neo4jExecutor) {
    this.#executor = executor;
  }

  async userCount(): Promise<number> {
    const [row] = await this.#executor.query<{ users: number }>('READ', cypher('count-users'));
    return row?.users ?? 0;
  }
}
