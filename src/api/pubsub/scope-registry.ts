import { DomainError, ErrorCode } from '../../errors.ts';
import type { Logger } from '../../logger.ts';
import type { EntityKey } from '../../store/entity.repository.ts';
import type { ScopeHops, ScopeNode, ScopeRepository } from '../../store/scope.repository.ts';
import { badInput, notFound } from '../errors.ts';
import { toGlobalId } from '../global-id.ts';
import type { GraphChangeEdge, GraphChangeNotice } from '../ports.ts';
import type { PubSub } from './redis-pubsub.ts';
import { Topic } from './topics.ts';

/**
 * Subscriptions scoped by graph position (`filter: {near: {entity, maxHops}}`): the users
 * within `maxHops` of an entity, computed on the server and kept fresh as the graph changes.
 *
 * Each API instance keeps one membership set per distinct scope (entity, maxHops), shared by
 * every subscriber to it, read by one bounded statement (ScopeRepository.within). An event is
 * then filtered by one set lookup, whatever the number of subscribers. Events reach every
 * instance through Redis pub/sub, and each filters for its own subscribers; the graph changes
 * reach every instance the same way (`Topic.GRAPH_CHANGED` from the ingest pipeline,
 * `Topic.HR_CHANGED` from HR changes), so each refreshes its own scopes.
 *
 * Freshness: a scope keeps, beside its members, its interior (the entities nearer than
 * maxHops). A created or removed edge can change the scope only if one of its ends is in the
 * interior or is a member (a removed edge to a node of the interior leaves a member there), so
 * a notice refreshes only the scopes it touches. The pipeline announces a batch's edges before
 * it publishes the batch's alerts, and Redis delivers one connection's messages in order: while
 * a touched scope refreshes, its events are held (in order, bounded) and filtered by the new
 * membership once it is read. So the alert about a user's first access to FIN-DB-02 reaches the
 * FIN-DB-02 dashboard, though that access is what put the user in scope. A periodic refresh
 * catches what a lost notice (pub/sub is at-most-once) or an unannounced change missed.
 *
 * Cost: one statement per distinct scope at subscribe time and at each refresh, at most one
 * refresh of a scope at a time and at most one per `minRefreshMs` (notices arriving meanwhile
 * coalesce into the next), the walk bounded by `maxNodes`, the distinct scopes of an instance
 * bounded by `maxScopes`. `stats()` counts the statements and their time.
 */
export interface ScopeRegistryOptions {
  /** Entities (of any type, the start included) a scope may span; a larger one is refused. */
  maxNodes: number;
  /** Distinct scopes one API instance serves at a time. */
  maxScopes: number;
  /** Least time between two reads of one scope, ms. */
  minRefreshMs: number;
  /** Every scope is re-read this often whatever was announced, ms. */
  periodicRefreshMs: number;
  /** Events one scope holds while it refreshes; beyond, they are filtered by the last membership. */
  maxHeld: number;
}

export const DEFAULT_SCOPE_OPTIONS: ScopeRegistryOptions = Object.freeze({
  maxNodes: 10_000,
  maxScopes: 100,
  minRefreshMs: 1_000,
  periodicRefreshMs: 60_000,
  maxHeld: 10_000,
});

/** What a subscriber holds: the filter, and the release when it goes. */
export interface ScopeLease {
  /** The scope's id, `Type:key~maxHops`. */
  readonly id: string;
  /**
   * Whether an event about `user` is for this scope: true or false at once, or false now and
   * `admit()` later (in arrival order) when the scope is refreshing after a graph change.
   */
  gate(user: string, admit: () => void): boolean;
  /** Members now (tests and diagnostics). */
  members(): ReadonlySet<string>;
  release(): void;
}

export interface ScopeStats {
  scopes: number;
  subscribers: number;
  /** Statements run (subscribe-time reads and refreshes) since start. */
  reads: number;
  /** Their total time, ms. */
  readMs: number;
  /** Refreshes that failed or found the scope grown past `maxNodes` (the last membership stays). */
  failedRefreshes: number;
}

interface Membership {
  members: Set<string>;
  interior: Set<string>;
}

class GraphScope {
  readonly id: string;
  readonly start: EntityKey;
  readonly maxHops: ScopeHops;
  refs = 0;
  /** The first read; rejects (and the scope is dropped) when the entity is unknown or the scope too large. */
  readonly ready: Promise<void>;
  #membership: Membership = { members: new Set(), interior: new Set() };
  /** Graph changes that touched this scope, and how many of them the membership reflects. */
  #changeSeq = 0;
  #doneSeq = 0;
  readonly #held: Array<{ seq: number; user: string; admit: () => void }> = [];
  #heldOverflowWarned = false;
  #running = false;
  #loaded = false;
  #closed = false;
  #timer: NodeJS.Timeout | null = null;
  #lastReadAt = Number.NEGATIVE_INFINITY;
  readonly #registry: ScopeRegistry;

  constructor(registry: ScopeRegistry, start: EntityKey, maxHops: ScopeHops) {
    this.#registry = registry;
    this.start = start;
    this.maxHops = maxHops;
    this.id = scopeId(start, maxHops);
    this.#running = true;
    this.ready = this.#read().then(
      (membership) => {
        this.#membership = membership;
        this.#loaded = true;
        this.#settle(0);
      },
      (error: unknown) => {
        this.#running = false;
        throw error;
      },
    );
  }

  get members(): ReadonlySet<string> {
    return this.#membership.members;
  }

  gate(user: string, admit: () => void): boolean {
    if (this.#doneSeq === this.#changeSeq && this.#held.length === 0) return this.#membership.members.has(user);
    if (this.#held.length >= this.#registry.options.maxHeld) {
      if (!this.#heldOverflowWarned) {
        this.#registry.log.warn({ scope: this.id, held: this.#held.length }, 'a graph scope refreshes too slowly; filtering further events by its last membership');
        this.#heldOverflowWarned = true;
      }
      return this.#membership.members.has(user);
    }
    this.#held.push({ seq: this.#changeSeq, user, admit });
    return false;
  }

  /** Can this edge change the scope? (see the class comment) */
  touches(edge: GraphChangeEdge): boolean {
    // During the first read any change may be one it missed.
    if (!this.#loaded) return true;
    const { interior, members } = this.#membership;
    return members.has(edge.user) || interior.has(toGlobalId('User', edge.user)) || interior.has(toGlobalId(edge.type, edge.key));
  }

  /** The graph changed here: hold events until the membership is read again. */
  changed(): void {
    if (this.#closed) return;
    this.#changeSeq += 1;
    this.#schedule();
  }

  /** Re-read without holding events (the periodic refresh: no change is known). */
  refresh(): void {
    if (!this.#closed) this.#schedule();
  }

  close(): void {
    this.#closed = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    this.#held.length = 0;
  }

  #schedule(): void {
    if (this.#running || this.#timer !== null || this.#closed) return;
    const wait = Math.max(0, this.#lastReadAt + this.#registry.options.minRefreshMs - this.#registry.now());
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.#refreshNow();
    }, wait);
    this.#timer.unref();
  }

  async #refreshNow(): Promise<void> {
    if (this.#closed || this.#running) return;
    this.#running = true;
    const seq = this.#changeSeq;
    try {
      this.#membership = await this.#read();
    } catch (error) {
      // The last membership stays; events held meanwhile are filtered by it, and the next
      // notice or periodic refresh tries again.
      this.#registry.failed(this.id, error);
    }
    this.#settle(seq);
  }

  /** The membership now reflects the changes up to `seq`: deliver what waited for it. */
  #settle(seq: number): void {
    this.#running = false;
    this.#doneSeq = Math.max(this.#doneSeq, seq);
    while (this.#held.length > 0 && this.#held[0]!.seq <= this.#doneSeq) {
      const held = this.#held.shift()!;
      if (this.#membership.members.has(held.user)) held.admit();
    }
    if (this.#held.length === 0) this.#heldOverflowWarned = false;
    if (this.#changeSeq > this.#doneSeq) this.#schedule();
  }

  async #read(): Promise<Membership> {
    this.#lastReadAt = this.#registry.now();
    const nodes = await this.#registry.read(this.start, this.maxHops);
    const entity = toGlobalId(this.start.type, this.start.id);
    if (nodes.length === 0) throw notFound('entity', entity);
    const limit = this.#registry.options.maxNodes;
    if (nodes.length > limit) {
      throw badInput(
        'filter.near',
        `more than ${limit} entities lie within ${this.maxHops} hop(s) of ${entity}; subscribe with fewer hops or near a less connected entity`,
      );
    }
    return membershipOf(nodes, this.maxHops);
  }
}

export function membershipOf(nodes: readonly ScopeNode[], maxHops: number): Membership {
  const members = new Set<string>();
  const interior = new Set<string>();
  for (const node of nodes) {
    if (node.type === 'User') members.add(node.key);
    if (node.distance < maxHops) interior.add(toGlobalId(node.type, node.key));
  }
  return { members, interior };
}

function scopeId(start: EntityKey, maxHops: number): string {
  return `${toGlobalId(start.type, start.id)}~${maxHops}`;
}

export class ScopeRegistry {
  readonly options: ScopeRegistryOptions;
  readonly log: Logger;
  readonly now: () => number;
  readonly #repository: ScopeRepository;
  readonly #pubsub: PubSub;
  readonly #scopes = new Map<string, GraphScope>();
  readonly #stopListening: Array<() => void> = [];
  #periodic: NodeJS.Timeout | null = null;
  #reads = 0;
  #readMs = 0;
  #failed = 0;

  constructor(deps: { repository: ScopeRepository; pubsub: PubSub; log: Logger; options?: Partial<ScopeRegistryOptions>; now?: () => number }) {
    this.#repository = deps.repository;
    this.#pubsub = deps.pubsub;
    this.log = deps.log;
    this.options = { ...DEFAULT_SCOPE_OPTIONS, ...deps.options };
    // Wall-clock time: refresh pacing has nothing to do with the (possibly simulated) domain clock.
    this.now = deps.now ?? Date.now;
  }

  /** Listens for graph changes (resolves once the listeners are live) and starts the periodic refresh. */
  async start(): Promise<void> {
    this.#stopListening.push(await this.#pubsub.listen<GraphChangeNotice>(Topic.GRAPH_CHANGED, (notice) => this.graphChanged(notice)));
    // HR changes may move REPORTS_TO edges; the notice names the users but not their old and
    // new managers, so every scope is refreshed (HR changes are rare).
    this.#stopListening.push(await this.#pubsub.listen(Topic.HR_CHANGED, () => this.graphChanged({ at: this.now(), edges: null })));
    this.#periodic = setInterval(() => {
      for (const scope of this.#scopes.values()) scope.refresh();
    }, this.options.periodicRefreshMs);
    this.#periodic.unref();
  }

  /**
   * A subscriber's lease on the scope `maxHops` around `start`, shared with every other
   * subscriber to the same scope. Rejects with a client error when the entity does not exist,
   * the scope spans more than `maxNodes` entities, or the instance serves `maxScopes` already.
   */
  async acquire(start: EntityKey, maxHops: ScopeHops): Promise<ScopeLease> {
    const id = scopeId(start, maxHops);
    let scope = this.#scopes.get(id);
    if (scope === undefined) {
      if (this.#scopes.size >= this.options.maxScopes) {
        throw new DomainError(
          ErrorCode.BAD_INPUT,
          `filter.near: this API instance already serves ${this.options.maxScopes} distinct scopes (its limit); subscribe near an entity already watched or retry later`,
          { details: { field: 'filter.near' } },
        );
      }
      scope = new GraphScope(this, start, maxHops);
      this.#scopes.set(id, scope);
      const created = scope;
      created.ready.catch(() => {
        if (this.#scopes.get(id) === created) this.#scopes.delete(id);
        created.close();
      });
    }
    scope.refs += 1;
    const held = scope;
    try {
      await held.ready;
    } catch (error) {
      held.refs -= 1;
      throw error;
    }
    let released = false;
    return {
      id,
      gate: (user, admit) => held.gate(user, admit),
      members: () => held.members,
      release: () => {
        if (released) return;
        released = true;
        held.refs -= 1;
        if (held.refs === 0 && this.#scopes.get(id) === held) {
          this.#scopes.delete(id);
          held.close();
        }
      },
    };
  }

  /** A graph change: refresh the scopes it can change (all of them when its edges are not listed). */
  graphChanged(notice: GraphChangeNotice): void {
    for (const scope of this.#scopes.values()) {
      if (notice.edges === null || notice.edges.some((edge) => scope.touches(edge))) scope.changed();
    }
  }

  stats(): ScopeStats {
    let subscribers = 0;
    for (const scope of this.#scopes.values()) subscribers += scope.refs;
    return { scopes: this.#scopes.size, subscribers, reads: this.#reads, readMs: this.#readMs, failedRefreshes: this.#failed };
  }

  /** @internal (GraphScope) one bounded read, counted. */
  async read(start: EntityKey, maxHops: ScopeHops): Promise<ScopeNode[]> {
    const started = performance.now();
    try {
      return await this.#repository.within(start, maxHops, this.options.maxNodes + 1);
    } finally {
      this.#reads += 1;
      this.#readMs += performance.now() - started;
    }
  }

  /** @internal (GraphScope) a refresh failed; the scope keeps its last membership. */
  failed(scope: string, error: unknown): void {
    this.#failed += 1;
    this.log.warn({ err: error, scope }, 'could not refresh a subscription scope; it keeps its last membership until the next refresh');
  }

  close(): void {
    for (const stop of this.#stopListening.splice(0)) stop();
    if (this.#periodic !== null) clearInterval(this.#periodic);
    this.#periodic = null;
    for (const scope of this.#scopes.values()) scope.close();
    this.#scopes.clear();
  }
}
