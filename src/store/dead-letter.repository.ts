import { createHash } from 'node:crypto';
import type { DeadLetter } from '../events/event.ts';
import { cypher } from './cypher.ts';
import type { Neo4jExecutor } from './executor.ts';

export interface DeadLetterQuery {
  source?: string | undefined;
  limit: number;
}

export interface DeadLetterPageQuery {
  source: string | null;
  /** The last (at, id) of the previous page. */
  after: { at: number; id: string } | null;
  limit: number;
}

export interface DeadLetterRepository {
  insert(deadLetters: readonly DeadLetter[]): Promise<void>;
  list(query: DeadLetterQuery): Promise<DeadLetter[]>;
  count(source?: string): Promise<number>;
  /** Newest first, with ids, after a cursor (the API's paging). */
  page(query: DeadLetterPageQuery): Promise<Array<DeadLetter & { id: string }>>;
}

/**
 * Dead letters are kept in the graph store, the one durable store (Redis may run without
 * persistence). The id hashes source, line and raw text, so re-importing a file with the same
 * bad lines records each once.
 */
export class Neo4jDeadLetterRepository implements DeadLetterRepository {
  readonly #executor: Neo4jExecutor;

  constructor(executor: Neo4jExecutor) {
    this.#executor = executor;
  }

  async insert(deadLetters: readonly DeadLetter[]): Promise<void> {
    if (deadLetters.length === 0) return;
    const rows = deadLetters.map((d) => ({ ...d, id: deadLetterId(d) }));
    await this.#executor.query('WRITE', cypher('insert-dead-letters'), { rows });
  }

  /** The first page, newest first (the CLI's listing). */
  async list(query: DeadLetterQuery): Promise<DeadLetter[]> {
    return this.page({ source: query.source ?? null, after: null, limit: query.limit });
  }

  async page(query: DeadLetterPageQuery): Promise<Array<DeadLetter & { id: string }>> {
    const rows = await this.#executor.query<{ deadLetter: DeadLetter & { id: string } }>('READ', cypher('dead-letters-page'), {
      source: query.source,
      after: query.after,
      limit: query.limit,
    });
    return rows.map((row) => row.deadLetter);
  }

  async count(source?: string): Promise<number> {
    const [row] = await this.#executor.query<{ total: number }>('READ', cypher('count-dead-letters'), {
      source: source ?? null,
    });
    return row?.total ?? 0;
  }
}

export function deadLetterId(d: Pick<DeadLetter, 'source' | 'line' | 'raw'>): string {
  return createHash('sha1').update(`${d.source}\n${d.line}\n${d.raw}`).digest('hex');
}
