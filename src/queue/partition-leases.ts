import type { Redis } from 'ioredis';
import type { Logger } from '../logger.ts';

/**
 * Which worker process runs which user partitions. Each partition's batches must be processed
 * by one process at a time for its in-memory state (sessions, profiles) to stay a cache of the
 * graph rather than be rebuilt on every batch, so processes share the partitions by lease: a
 * Redis key per partition holding the owner's id with a TTL, renewed every few seconds. Every
 * process aims for its fair share, ceil(partitions / live processes) (live: a heartbeat in a
 * sorted set), takes free partitions up to it and hands back the ones above it, so a second
 * process started beside the first takes half, and the partitions of a process that dies are
 * taken over once its leases lapse (BullMQ hands on the batch it was running). The queues'
 * global concurrency of 1 and the batch transaction's cursor check keep a partition correct even
 * when two processes briefly both believe they hold it.
 */
export class PartitionLeases {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #partitions: number;
  readonly #owner: string;
  readonly #ttlMs: number;
  readonly #renewMs: number;
  readonly #onAcquire: (partition: number) => Promise<void>;
  readonly #onRelease: (partition: number) => Promise<void>;
  readonly #log: Logger;
  readonly #held = new Set<number>();
  #timer: NodeJS.Timeout | null = null;
  #ticking: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(deps: {
    redis: Redis;
    prefix: string;
    partitions: number;
    /** This process's id (unique per process). */
    owner: string;
    ttlMs?: number;
    renewMs?: number;
    onAcquire: (partition: number) => Promise<void>;
    /** Stops the partition's work (waits for the batch in flight); the lease is given up after it. */
    onRelease: (partition: number) => Promise<void>;
    log: Logger;
  }) {
    this.#redis = deps.redis;
    this.#prefix = deps.prefix;
    this.#partitions = deps.partitions;
    this.#owner = deps.owner;
    this.#ttlMs = deps.ttlMs ?? 30_000;
    this.#renewMs = deps.renewMs ?? Math.min(2_000, Math.max(250, Math.floor(this.#ttlMs / 5)));
    this.#onAcquire = deps.onAcquire;
    this.#onRelease = deps.onRelease;
    this.#log = deps.log;
  }

  /** Partitions this process holds now. */
  held(): number[] {
    return [...this.#held].sort((a, b) => a - b);
  }

  async start(): Promise<void> {
    await this.#tickSerial();
    this.#timer = setInterval(() => void this.#tickSerial(), this.#renewMs);
    this.#timer.unref();
  }

  /** Releases every partition (after its work stops) and leaves the set of live processes. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer !== null) clearInterval(this.#timer);
    await this.#ticking;
    for (const partition of this.held()) await this.#release(partition);
    await this.#redis.zrem(this.#liveKey(), this.#owner).catch(() => 0);
  }

  #leaseKey(partition: number): string {
    return `${this.#prefix}:lease:p${partition}`;
  }

  #liveKey(): string {
    return `${this.#prefix}:workers`;
  }

  #tickSerial(): Promise<void> {
    this.#ticking = this.#ticking.then(() => this.#tick()).catch((error: unknown) => this.#log.warn({ err: error }, 'partition lease round failed; retrying'));
    return this.#ticking;
  }

  async #tick(): Promise<void> {
    if (this.#closed) return;
    const now = Date.now();
    const [, , [, live]] = (await this.#redis
      .multi()
      .zadd(this.#liveKey(), now, this.#owner)
      .zremrangebyscore(this.#liveKey(), 0, now - this.#ttlMs)
      .zcard(this.#liveKey())
      .exec()) as [unknown, unknown, [unknown, number]];
    const share = Math.ceil(this.#partitions / Math.max(1, live));
    for (const partition of this.held()) {
      const renewed = await this.#redis.eval(RENEW, 1, this.#leaseKey(partition), this.#owner, String(this.#ttlMs));
      if (renewed !== 1) {
        this.#log.warn({ partition }, 'partition lease lost; stopping its worker');
        this.#held.delete(partition);
        await this.#onRelease(partition);
      }
    }
    // Above the fair share (a process joined): hand back the highest-numbered partitions.
    while (this.#held.size > share) await this.#release(Math.max(...this.#held));
    for (let partition = 0; partition < this.#partitions && this.#held.size < share; partition++) {
      if (this.#held.has(partition)) continue;
      const taken = await this.#redis.set(this.#leaseKey(partition), this.#owner, 'PX', this.#ttlMs, 'NX');
      if (taken !== 'OK') continue;
      this.#held.add(partition);
      this.#log.info({ partition }, 'partition lease taken');
      await this.#onAcquire(partition);
    }
  }

  async #release(partition: number): Promise<void> {
    this.#held.delete(partition);
    await this.#onRelease(partition);
    await this.#redis.eval(RELEASE, 1, this.#leaseKey(partition), this.#owner).catch(() => 0);
    this.#log.info({ partition }, 'partition lease released');
  }
}

/**
 * Extends the lease while this process holds it, or takes it back when it lapsed and nobody took
 * it (a long synchronous batch can delay a renewal past the TTL; stopping the partition then
 * would only throw its state away). 0 only when another process holds it now.
 * KEYS[1] lease, ARGV owner, ttl ms.
 */
const RENEW = `local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
if not holder then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
return 0`;
/** Deletes the lease only while this process holds it. */
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;
