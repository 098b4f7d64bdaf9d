import { cypher } from './cypher.ts';
import type { Neo4jExecutor } from './executor.ts';

/** Facts about the graph as a whole. */
/** Users with an explained alert (see alerted-users.cypher). */
export interface AlertedUsers {
  users: number;
  alerts: number;
  /** Of those users, how many have a risk history. */
  withHistory: number;
}

export interface GraphStatusRepository {
  userCount(): Promise<number>;
  alertedUsers(): Promise<AlertedUsers>;
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

  async alertedUsers(): Promise<AlertedUsers> {
    const [row] = await this.#executor.query<AlertedUsers>('READ', cypher('alerted-users'));
    return { users: row?.users ?? 0, alerts: row?.alerts ?? 0, withHistory: row?.withHistory ?? 0 };
  }
}
