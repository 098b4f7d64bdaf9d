import { cypher } from './cypher.ts';
import type { EntityKey, NodeType } from './entity.repository.ts';
import type { Neo4jExecutor } from './executor.ts';

/**
 * Reads of graph neighbourhoods as subscription scopes need them (`filter.near` of
 * Subscription.alertRaised and riskScoreChanged): every entity within a few hops of a start
 * entity, with its distance, bounded. Kept apart from the entity repository because its
 * contract is different: not a page for a client but a whole, bounded set that the API
 * holds in memory and refreshes as the graph changes.
 */
export type ScopeHops = 1 | 2 | 3;

export interface ScopeNode {
  type: NodeType;
  key: string;
  distance: number;
}

export interface ScopeRepository {
  /**
   * The entities within `maxHops` of `start` (the start at distance 0), at most `limit` of them:
   * exactly `limit` rows means there may be more. Empty when the start entity does not exist.
   */
  within(start: EntityKey, maxHops: ScopeHops, limit: number): Promise<ScopeNode[]>;
}

/** One statement per depth: a variable-length bound cannot be a Cypher parameter. */
const SCOPE_STATEMENTS = Object.freeze({ 1: 'scope-members-depth-1', 2: 'scope-members-depth-2', 3: 'scope-members-depth-3' } as const);

export class Neo4jScopeRepository implements ScopeRepository {
  readonly #executor: Neo4jExecutor;

  constructor(executor: Neo4jExecutor) {
    this.#executor = executor;
  }

  async within(start: EntityKey, maxHops: ScopeHops, limit: number): Promise<ScopeNode[]> {
    const [row] = await this.#executor.query<{ levels: Array<Array<[NodeType, string]>> }>('READ', cypher(SCOPE_STATEMENTS[maxHops]), {
      type: start.type,
      key: start.id,
      limit,
    });
    return row === undefined ? [] : nodesAtDistance(row.levels, limit);
  }
}

/**
 * Walk levels (level k: the nodes one hop from level k-1) to nodes at their distance: the
 * first level a node appears in. At most `limit` nodes; a level cut at `limit` (the statement's
 * LIMIT) already holds that many distinct nodes, so the answer is then `limit` nodes long.
 */
export function nodesAtDistance(levels: ReadonlyArray<ReadonlyArray<readonly [NodeType, string]>>, limit: number): ScopeNode[] {
  const seen = new Set<string>();
  const nodes: ScopeNode[] = [];
  for (let distance = 0; distance < levels.length; distance++) {
    for (const [type, key] of levels[distance]!) {
      const id = `${type}:${key}`;
      if (seen.has(id)) continue;
      seen.add(id);
      nodes.push({ type, key, distance });
      if (nodes.length >= limit) return nodes;
    }
  }
  return nodes;
}
