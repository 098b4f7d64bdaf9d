import { randomUUID } from 'node:crypto';
import { cypher } from './cypher.ts';
import type { Neo4jExecutor } from './executor.ts';

/** Who did what, when, to what: every API mutation, allowed or denied. Times epoch ms UTC. */
export interface AuditEntry {
  at: number;
  /** Principal id: `admin` for the bootstrap token, else the API key id. */
  actor: string;
  /** e.g. `Mutation.acknowledgeAlert`. */
  action: string;
  target: string | null;
  outcome: 'OK' | 'DENIED' | 'FAILED';
  /** Arguments and results worth keeping; never secrets. */
  details: Record<string, unknown>;
}

export interface StoredAuditEntry extends AuditEntry {
  id: string;
}

export interface AuditRepository {
  record(entries: readonly AuditEntry[]): Promise<void>;
  page(query: { actor: string | null; after: { at: number; id: string } | null; limit: number }): Promise<StoredAuditEntry[]>;
}

export class Neo4jAuditRepository implements AuditRepository {
  readonly #executor: Neo4jExecutor;

  constructor(executor: Neo4jExecutor) {
    this.#executor = executor;
  }

  async record(entries: readonly AuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    // Details are stored as a JSON string: Neo4j properties cannot hold nested maps.
    const rows = entries.map((entry) => ({ ...entry, id: randomUUID(), details: JSON.stringify(entry.details) }));
    await this.#executor.query('WRITE', cypher('audit-record'), { rows });
  }

  async page(query: { actor: string | null; after: { at: number; id: string } | null; limit: number }): Promise<StoredAuditEntry[]> {
    const rows = await this.#executor.query<{ entry: Omit<StoredAuditEntry, 'details'> & { details: string | null } }>(
      'READ',
      cypher('audit-page'),
      query,
    );
    return rows.map(({ entry }) => ({ ...entry, details: entry.details === null ? {} : (JSON.parse(entry.details) as Record<string, unknown>) }));
  }
}
