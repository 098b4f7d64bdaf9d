import type { Redis } from 'ioredis';
import type { NormalizedEvent } from '../events/event.ts';

const DAY_MS = 86_400_000;

/**
 * Remembers which event ids were committed, per partition and event day, so that importing
 * the same data twice adds nothing. Keys expire after a TTL (a bounded memory cost: about 60
 * bytes per remembered event in Redis). The worker, which runs one batch per partition at a
 * time, is the authority: it filters before writing and marks after committing. The producer
 * consults it too, to report duplicates early.
 */
export class EventDedup {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #ttlSeconds: number;
  #store: string;

  /**
   * `store`: the identity of the graph the memory belongs to (StoreIdentity). Ids are remembered
   * per graph: pointed at a new, wiped or other graph, the memory starts empty rather than
   * dropping that graph's events as duplicates.
   */
  constructor(redis: Redis, prefix: string, ttlDays: number, store: string) {
    this.#redis = redis;
    this.#prefix = prefix;
    this.#ttlSeconds = ttlDays * 86_400;
    this.#store = store;
  }

  /** The graph whose memory this is. */
  get store(): string {
    return this.#store;
  }

  /** Follows the graph: its identity changed (wiped, or replaced under a running process). */
  rescope(store: string): void {
    this.#store = store;
  }

  #key(partition: number, ts: number): string {
    return `${this.#prefix}:seen:${this.#store}:p${partition}:${Math.floor(ts / DAY_MS)}`;
  }

  /** The events whose ids were not committed before, in their original order. */
  async filterUnseen<E extends Pick<NormalizedEvent, 'id' | 'ts'>>(partition: number, events: readonly E[]): Promise<E[]> {
    if (events.length === 0) return [];
    const groups = this.#group(partition, events);
    const pipeline = this.#redis.pipeline();
    for (const [key, members] of groups) pipeline.smismember(key, ...members.map((e) => e.id));
    const replies = await pipeline.exec();
    const seen = new Set<E>();
    let index = 0;
    for (const [, members] of groups) {
      const [error, flags] = replies?.[index++] ?? [new Error('no reply'), null];
      if (error) throw error;
      (flags as number[]).forEach((flag, i) => {
        if (flag === 1) seen.add(members[i]!);
      });
    }
    // Ids repeated inside the batch itself count once.
    const fresh: E[] = [];
    const ids = new Set<string>();
    for (const event of events) {
      if (seen.has(event) || ids.has(event.id)) continue;
      ids.add(event.id);
      fresh.push(event);
    }
    return fresh;
  }

  async markSeen(partition: number, events: readonly Pick<NormalizedEvent, 'id' | 'ts'>[]): Promise<void> {
    if (events.length === 0) return;
    const pipeline = this.#redis.pipeline();
    for (const [key, members] of this.#group(partition, events)) {
      pipeline.sadd(key, ...members.map((e) => e.id));
      pipeline.expire(key, this.#ttlSeconds);
    }
    const replies = await pipeline.exec();
    for (const [error] of replies ?? []) if (error) throw error;
  }

  #group<E extends Pick<NormalizedEvent, 'id' | 'ts'>>(partition: number, events: readonly E[]): Map<string, E[]> {
    const groups = new Map<string, E[]>();
    for (const event of events) {
      const key = this.#key(partition, event.ts);
      const group = groups.get(key);
      if (group === undefined) groups.set(key, [event]);
      else group.push(event);
    }
    return groups;
  }
}
