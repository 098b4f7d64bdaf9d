import type { EntityRecord, NodeType } from './entity.repository.ts';
import { cypher } from './cypher.ts';
import type { Neo4jExecutor } from './executor.ts';

/**
 * Reads of sessions for the API (the ingest pipeline writes them through the ingest
 * repository). Batched by session or by user so a page of users with their recent sessions
 * costs one statement.
 */
export interface SessionRecord {
  id: string;
  user: string;
  start: number;
  end?: number | null;
  lastTs?: number | null;
  status?: string | null;
  closeReason?: string | null;
  eventCount?: number;
  logons?: number;
  failures?: number;
  webRequests?: number;
  fileEvents?: number;
  emails?: number;
  usbEvents?: number;
  bytesIn?: number;
  bytesOut?: number;
  ips?: string[];
  countries?: string[];
  distinctEntities?: number;
  [property: string]: unknown;
}

export interface SessionCursor {
  start: number;
  id: string;
}

export interface TouchedRecord {
  entity: EntityRecord;
  count: number;
}

export interface TouchedCursor {
  count: number;
  type: string;
  key: string;
}

export interface SessionRepository {
  byIds(ids: readonly string[]): Promise<SessionRecord[]>;
  /** One page per user, most recent first; the same cursor applies to every user. */
  ofUsers(users: readonly string[], after: SessionCursor | null, limit: number): Promise<Map<string, SessionRecord[]>>;
  touched(sessions: readonly string[], after: TouchedCursor | null, limit: number): Promise<Map<string, TouchedRecord[]>>;
}

export class Neo4jSessionRepository implements SessionRepository {
  readonly #executor: Neo4jExecutor;

  constructor(executor: Neo4jExecutor) {
    this.#executor = executor;
  }

  async byIds(ids: readonly string[]): Promise<SessionRecord[]> {
    if (ids.length === 0) return [];
    const rows = await this.#executor.query<{ session: SessionRecord }>('READ', cypher('sessions-by-ids'), { ids: [...ids] });
    return rows.map((row) => row.session);
  }

  async ofUsers(users: readonly string[], after: SessionCursor | null, limit: number): Promise<Map<string, SessionRecord[]>> {
    const result = new Map<string, SessionRecord[]>();
    if (users.length === 0) return result;
    const rows = await this.#executor.query<{ userId: string; sessions: SessionRecord[] }>('READ', cypher('sessions-of-users'), {
      users: [...users],
      after,
      limit,
    });
    for (const row of rows) result.set(row.userId, row.sessions);
    return result;
  }

  async touched(sessions: readonly string[], after: TouchedCursor | null, limit: number): Promise<Map<string, TouchedRecord[]>> {
    const result = new Map<string, TouchedRecord[]>();
    if (sessions.length === 0) return result;
    const rows = await this.#executor.query<{
      sessionId: string;
      touched: Array<{ type: NodeType; entity: EntityRecord['props']; count: number }>;
    }>('READ', cypher('session-touched'), { sessions: [...sessions], after, limit });
    for (const row of rows) {
      result.set(
        row.sessionId,
        row.touched.map((t) => ({ entity: { type: t.type, props: t.entity }, count: t.count })),
      );
    }
    return result;
  }
}
