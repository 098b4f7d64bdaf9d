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

  within(start: EntityKey, maxHops: ScopeHops, limit: number): Promise<ScopeNode[]> {
    return this.#executor.query<ScopeNode>('READ', cypher(SCOPE_STATEMENTS[maxHops]), { type: start.type, key: start.id, limit });
  }
}
