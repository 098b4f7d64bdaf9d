import { cypher } from './cypher.ts';
import type { Neo4jExecutor } from './executor.ts';

/**
 * A role name as stored. The store does not know the role model (auth/ does, and the store
 * must not import it): the authenticator checks the name against it on the way out.
 */
export type StoredRole = string;

/** An API key as stored: the secret itself never is, only its SHA-256 hash. Times epoch ms. */
export interface ApiKeyRecord {
  id: string;
  name: string;
  role: StoredRole;
  createdAt: number;
  createdBy: string;
  revokedAt?: number | null;
}

export interface ApiKeyRepository {
  create(key: Omit<ApiKeyRecord, 'revokedAt'> & { hash: string }): Promise<ApiKeyRecord>;
  /** The unrevoked key whose secret hashes to `hash`, or null. */
  findByHash(hash: string): Promise<{ id: string; role: StoredRole } | null>;
  /** null when unknown. */
  revoke(id: string, now: number): Promise<{ apiKey: ApiKeyRecord; hash: string } | null>;
  page(after: { createdAt: number; id: string } | null, limit: number): Promise<ApiKeyRecord[]>;
}

export class Neo4jApiKeyRepository implements ApiKeyRepository {
  readonly #executor: Neo4jExecutor;

  constructor(executor: Neo4jExecutor) {
    this.#executor = executor;
  }

  async create(key: Omit<ApiKeyRecord, 'revokedAt'> & { hash: string }): Promise<ApiKeyRecord> {
    const [row] = await this.#executor.query<{ apiKey: ApiKeyRecord }>('WRITE', cypher('api-key-create'), { key });
    if (row === undefined) throw new Error('API key was not stored');
    return row.apiKey;
  }

  async findByHash(hash: string): Promise<{ id: string; role: StoredRole } | null> {
    const [row] = await this.#executor.query<{ id: string; role: StoredRole }>('READ', cypher('api-key-by-hash'), { hash });
    return row ?? null;
  }

  async revoke(id: string, now: number): Promise<{ apiKey: ApiKeyRecord; hash: string } | null> {
    const [row] = await this.#executor.query<{ apiKey: ApiKeyRecord; hash: string }>('WRITE', cypher('api-key-revoke'), { id, now });
    return row ?? null;
  }

  async page(after: { createdAt: number; id: string } | null, limit: number): Promise<ApiKeyRecord[]> {
    const rows = await this.#executor.query<{ apiKey: ApiKeyRecord }>('READ', cypher('api-keys-page'), { after, limit });
    return rows.map((row) => row.apiKey);
  }
}
