import { cypher } from './cypher.ts';
import type { Neo4jExecutor } from './executor.ts';

/**
 * Reads of the entity graph for the API: users and entities by key, neighbourhoods, shortest
 * paths and the risk leaderboard. Every method takes a batch or a page, so a DataLoader can
 * serve a whole GraphQL response with a constant number of statements.
 */
export const NODE_TYPES = Object.freeze(['User', 'Device', 'Application', 'Asset'] as const);
export type NodeType = (typeof NODE_TYPES)[number];

export interface EntityKey {
  type: NodeType;
  /** The node's `id` property: the key within its type. */
  id: string;
}

/** A User node's properties (times epoch ms). Absent properties are undefined or null. */
export interface UserRecord {
  id: string;
  name?: string | null;
  email?: string | null;
  department?: string | null;
  title?: string | null;
  location?: string | null;
  employmentStatus?: string | null;
  statusEffective?: number | null;
  lastDay?: number | null;
  firstSeen?: number | null;
  lastSeen?: number | null;
  eventCount?: number | null;
  riskScore?: number | null;
  [property: string]: unknown;
}

/** Any entity node: its type and properties (`id` among them). */
export interface EntityRecord {
  type: NodeType;
  props: { id: string; [property: string]: unknown };
}

export interface AccessRecord {
  count?: number;
  failures?: number;
  firstSeen?: number;
  lastSeen?: number;
  bytesIn?: number;
  bytesOut?: number;
  hourHist?: number[];
  dowHist?: number[];
}

export interface NeighborRecord {
  entity: EntityRecord;
  distance: number;
  access: AccessRecord | null;
}

export interface NeighborCursor {
  distance: number;
  type: string;
  key: string;
}

export interface PathRecord {
  nodes: EntityRecord[];
  steps: Array<{ relationship: string; from: EntityKey; to: EntityKey }>;
}

export interface LeaderboardCursor {
  score: number;
  id: string;
}

export interface EntityRepository {
  usersByIds(ids: readonly string[]): Promise<UserRecord[]>;
  entitiesByKeys(keys: readonly EntityKey[]): Promise<EntityRecord[]>;
  managersOf(userIds: readonly string[]): Promise<Array<{ userId: string; manager: UserRecord }>>;
  neighbors(query: {
    start: EntityKey;
    depth: 1 | 2 | 3;
    types: readonly NodeType[] | null;
    after: NeighborCursor | null;
    limit: number;
  }): Promise<NeighborRecord[]>;
  shortestPaths(query: { from: EntityKey; to: EntityKey; maxHops: number; skip: number; limit: number }): Promise<PathRecord[]>;
  riskLeaderboard(after: LeaderboardCursor | null, limit: number): Promise<Array<{ user: UserRecord; score: number }>>;
}

/** One statement per depth: a variable-length bound cannot be a Cypher parameter. */
const NEIGHBOR_STATEMENTS = Object.freeze({ 1: 'neighbors-depth-1', 2: 'neighbors-depth-2', 3: 'neighbors-depth-3' } as const);

export class Neo4jEntityRepository implements EntityRepository {
  readonly #executor: Neo4jExecutor;

  constructor(executor: Neo4jExecutor) {
    this.#executor = executor;
  }

  async usersByIds(ids: readonly string[]): Promise<UserRecord[]> {
    if (ids.length === 0) return [];
    const rows = await this.#executor.query<{ user: UserRecord }>('READ', cypher('users-by-ids'), { ids: [...ids] });
    return rows.map((row) => row.user);
  }

  async entitiesByKeys(keys: readonly EntityKey[]): Promise<EntityRecord[]> {
    if (keys.length === 0) return [];
    const rows = await this.#executor.query<{ type: NodeType; entity: EntityRecord['props'] }>(
      'READ',
      cypher('entities-by-keys'),
      { keys: keys.map((key) => ({ type: key.type, id: key.id })) },
    );
    return rows.map((row) => ({ type: row.type, props: row.entity }));
  }

  async managersOf(userIds: readonly string[]): Promise<Array<{ userId: string; manager: UserRecord }>> {
    if (userIds.length === 0) return [];
    return this.#executor.query('READ', cypher('managers-of-users'), { ids: [...userIds] });
  }

  async neighbors(query: {
    start: EntityKey;
    depth: 1 | 2 | 3;
    types: readonly NodeType[] | null;
    after: NeighborCursor | null;
    limit: number;
  }): Promise<NeighborRecord[]> {
    if (query.depth === 2) return this.#neighborsDepth2(query);
    return this.#neighborRows(NEIGHBOR_STATEMENTS[query.depth], query);
  }

  /**
   * Depth 2 nearest first in two reads: the direct neighbours, and only when they do not fill the
   * page, those exactly two hops away. A user's direct neighbours (~100) usually fill a page,
   * while two hops through shared assets can reach most of the graph (the API benchmark: p50
   * 60 ms as one variable-length match).
   */
  async #neighborsDepth2(query: { start: EntityKey; types: readonly NodeType[] | null; after: NeighborCursor | null; limit: number }): Promise<NeighborRecord[]> {
    const near = query.after === null || query.after.distance < 2 ? await this.#neighborRows('neighbors-depth-1', query) : [];
    if (near.length >= query.limit) return near;
    const after = query.after !== null && query.after.distance === 2 ? { type: query.after.type, key: query.after.key } : null;
    const far = await this.#neighborRows('neighbors-exactly-2', { ...query, after, limit: query.limit - near.length });
    return [...near, ...far];
  }

  async #neighborRows(
    statement: string,
    query: { start: EntityKey; types: readonly NodeType[] | null; after: unknown; limit: number },
  ): Promise<NeighborRecord[]> {
    const rows = await this.#executor.query<{
      type: NodeType;
      entity: EntityRecord['props'];
      distance: number;
      access: AccessRecord | null;
    }>('READ', cypher(statement), {
      type: query.start.type,
      key: query.start.id,
      types: query.types === null ? null : [...query.types],
      after: query.after,
      limit: query.limit,
    });
    return rows.map((row) => ({ entity: { type: row.type, props: row.entity }, distance: row.distance, access: row.access }));
  }

  async shortestPaths(query: { from: EntityKey; to: EntityKey; maxHops: number; skip: number; limit: number }): Promise<PathRecord[]> {
    const rows = await this.#executor.query<{
      nodes: Array<{ type: NodeType; entity: EntityRecord['props'] }>;
      steps: Array<{ relationship: string; fromType: NodeType; fromKey: string; toType: NodeType; toKey: string }>;
    }>('READ', cypher('shortest-paths'), {
      fromType: query.from.type,
      fromKey: query.from.id,
      toType: query.to.type,
      toKey: query.to.id,
      maxHops: query.maxHops,
      skip: query.skip,
      limit: query.limit,
    });
    return rows.map((row) => ({
      nodes: row.nodes.map((node) => ({ type: node.type, props: node.entity })),
      steps: row.steps.map((step) => ({
        relationship: step.relationship,
        from: { type: step.fromType, id: step.fromKey },
        to: { type: step.toType, id: step.toKey },
      })),
    }));
  }

  async riskLeaderboard(after: LeaderboardCursor | null, limit: number): Promise<Array<{ user: UserRecord; score: number }>> {
    return this.#executor.query('READ', cypher('risk-leaderboard'), { after, limit });
  }
}
