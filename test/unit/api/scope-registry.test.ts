import { describe, expect, it } from 'vitest';
import { ScopeRegistry } from '../../../src/api/pubsub/scope-registry.ts';
import type { PubSub } from '../../../src/api/pubsub/redis-pubsub.ts';
import { DomainError } from '../../../src/errors.ts';
import { topologyChange } from '../../../src/ingest/pipeline.service.ts';
import { createLogger } from '../../../src/logger.ts';
import type { EntityKey, NodeType } from '../../../src/store/entity.repository.ts';
import type { ScopeNode, ScopeRepository } from '../../../src/store/scope.repository.ts';
import type { BatchWrite } from '../../../src/store/ingest.repository.ts';

/**
 * The scope registry's bookkeeping with an in-memory graph standing in for the store (the
 * Cypher itself is tested against Neo4j in test/e2e/graphql-scoped-subscriptions.test.ts):
 * shared memberships, which notices refresh which scopes, events held in order while a scope
 * refreshes, failures, limits.
 */
class MemoryGraph implements ScopeRepository {
  readonly adjacency = new Map<string, Set<string>>();
  reads = 0;
  /** When set, reads wait for it (a slow refresh) or fail with it. */
  gate: Promise<void> | null = null;

  node(id: string): void {
    if (!this.adjacency.has(id)) this.adjacency.set(id, new Set());
  }

  edge(a: string, b: string): void {
    this.node(a);
    this.node(b);
    this.adjacency.get(a)!.add(b);
    this.adjacency.get(b)!.add(a);
  }

  async within(start: EntityKey, maxHops: number, limit: number): Promise<ScopeNode[]> {
    this.reads += 1;
    if (this.gate !== null) await this.gate;
    const from = `${start.type}:${start.id}`;
    if (!this.adjacency.has(from)) return [];
    const distance = new Map([[from, 0]]);
    let frontier = [from];
    for (let d = 1; d <= maxHops; d++) {
      const next: string[] = [];
      for (const node of frontier) for (const other of this.adjacency.get(node)!) if (!distance.has(other)) (distance.set(other, d), next.push(other));
      frontier = next;
    }
    return [...distance].slice(0, limit).map(([id, d]) => ({ type: id.slice(0, id.indexOf(':')) as NodeType, key: id.slice(id.indexOf(':') + 1), distance: d }));
  }
}

function deferred() {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));
const FIN: EntityKey = { type: 'Asset', id: 'FIN-DB-02' };

function setup(options: Partial<ConstructorParameters<typeof ScopeRegistry>[0]['options']> = {}) {
  const graph = new MemoryGraph();
  graph.edge('User:alice', 'Asset:FIN-DB-02');
  graph.edge('User:dave', 'User:alice');
  graph.edge('User:erin', 'Asset:HR-SHARE');
  graph.node('User:frank');
  const registry = new ScopeRegistry({
    repository: graph,
    pubsub: {} as PubSub, // not started: notices are handed to graphChanged directly
    log: createLogger('silent'),
    options: { minRefreshMs: 0, ...options },
  });
  return { graph, registry };
}

describe('ScopeRegistry', () => {
  it('shares one membership between subscribers of the same scope and drops it when the last goes', async () => {
    const { graph, registry } = setup();
    const [a, b] = await Promise.all([registry.acquire(FIN, 2), registry.acquire(FIN, 2)]);
    expect(graph.reads).toBe(1);
    expect([...a.members()].sort()).toEqual(['alice', 'dave']);
    expect(registry.stats()).toMatchObject({ scopes: 1, subscribers: 2, reads: 1 });
    expect(a.gate('dave', () => {})).toBe(true);
    expect(a.gate('erin', () => {})).toBe(false);
    a.release();
    a.release(); // idempotent
    expect(registry.stats()).toMatchObject({ scopes: 1, subscribers: 1 });
    b.release();
    expect(registry.stats()).toMatchObject({ scopes: 0, subscribers: 0 });
  });

  it('holds events while a touched scope refreshes and admits them in order by the new membership', async () => {
    const { graph, registry } = setup();
    const lease = await registry.acquire(FIN, 1);
    const slow = deferred();
    graph.gate = slow.promise;
    graph.edge('User:frank', 'Asset:FIN-DB-02');
    registry.graphChanged({ at: 1, edges: [{ user: 'frank', type: 'Asset', key: 'FIN-DB-02' }] });
    const admitted: string[] = [];
    for (const user of ['frank', 'erin', 'alice']) expect(lease.gate(user, () => admitted.push(user))).toBe(false);
    await tick();
    expect(admitted).toEqual([]); // the read is still running
    slow.resolve();
    await tick();
    expect(admitted).toEqual(['frank', 'alice']);
    expect(lease.gate('frank', () => {})).toBe(true);
    expect(graph.reads).toBe(2);
  });

  it('refreshes only the scopes an edge can change', async () => {
    const { graph, registry } = setup();
    const fin = await registry.acquire(FIN, 1);
    const share = await registry.acquire({ type: 'Asset', id: 'HR-SHARE' }, 1);
    // erin's new device is outside FIN-DB-02's interior (only the asset itself at 1 hop).
    registry.graphChanged({ at: 1, edges: [{ user: 'erin', type: 'Device', key: 'WS-9' }] });
    expect(fin.gate('alice', () => {})).toBe(true); // not held: FIN-DB-02's scope was not touched
    await tick();
    expect(graph.reads).toBe(3); // two first reads and HR-SHARE's refresh (erin is a member)
    // A notice without edges (too many, or an HR change) refreshes every scope.
    registry.graphChanged({ at: 2, edges: null });
    await tick();
    expect(graph.reads).toBe(5);
    share.release();
    fin.release();
  });

  it('coalesces notices that arrive during a refresh into one more read', async () => {
    const { graph, registry } = setup();
    await registry.acquire(FIN, 2);
    const slow = deferred();
    graph.gate = slow.promise;
    registry.graphChanged({ at: 0, edges: null });
    await tick();
    expect(graph.reads).toBe(2); // started, waiting for the store
    for (let i = 1; i <= 5; i++) registry.graphChanged({ at: i, edges: null });
    await tick();
    expect(graph.reads).toBe(2);
    graph.gate = null;
    slow.resolve();
    await tick(20);
    expect(graph.reads).toBe(3);
  });

  it('keeps the last membership when a refresh fails, and releases held events by it', async () => {
    const { graph, registry } = setup();
    const lease = await registry.acquire(FIN, 1);
    const failing = deferred();
    graph.gate = failing.promise;
    registry.graphChanged({ at: 1, edges: null });
    const admitted: string[] = [];
    lease.gate('alice', () => admitted.push('alice'));
    lease.gate('frank', () => admitted.push('frank'));
    await tick(); // the refresh is waiting for the store
    failing.reject(new Error('store away'));
    await tick();
    expect(admitted).toEqual(['alice']);
    expect(registry.stats().failedRefreshes).toBe(1);
    expect(lease.gate('alice', () => {})).toBe(true);
  });

  it('refuses an unknown entity, an oversized scope and more scopes than the limit', async () => {
    const { graph, registry } = setup({ maxNodes: 3, maxScopes: 2 });
    await expect(registry.acquire({ type: 'Asset', id: 'NOPE' }, 1)).rejects.toThrow("entity 'Asset:NOPE' does not exist");
    // FIN-DB-02, alice, dave: 3 nodes at 2 hops; a fourth makes it too large.
    graph.edge('User:gina', 'User:dave');
    await expect(registry.acquire(FIN, 3)).rejects.toThrow('filter.near: more than 3 entities lie within 3 hop(s) of Asset:FIN-DB-02');
    expect(registry.stats().scopes).toBe(0);
    await registry.acquire(FIN, 1);
    await registry.acquire({ type: 'User', id: 'alice' }, 1);
    const third = registry.acquire({ type: 'User', id: 'erin' }, 1);
    await expect(third).rejects.toBeInstanceOf(DomainError);
    await expect(third).rejects.toThrow('already serves 2 distinct scopes');
  });
});

describe('topologyChange', () => {
  const write = (access: Array<[string, string]>, hr: Array<{ userId: string; manager?: string }> = []) =>
    ({
      now: 7,
      aggregate: { users: [], access: access.map(([user, id]) => ({ user, type: 'Asset', id })), hr, deviceFacts: [] },
    }) as unknown as BatchWrite;

  it('lists each access edge once and each HR record’s manager edge', () => {
    expect(topologyChange(write([['frank', 'FIN-DB-02'], ['frank', 'FIN-DB-02']], [{ userId: 'dave', manager: 'alice' }, { userId: 'erin' }]))).toEqual({
      at: 7,
      edges: [
        { user: 'frank', type: 'Asset', key: 'FIN-DB-02' },
        { user: 'dave', type: 'User', key: 'alice' },
      ],
    });
  });

  it('announces a large batch without its edges', () => {
    const many = Array.from({ length: 300 }, (_, i) => ['u' + i, 'A'] as [string, string]);
    expect(topologyChange(write(many)).edges).toBeNull();
  });
});
