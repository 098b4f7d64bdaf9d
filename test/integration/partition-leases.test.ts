import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createLogger } from '../../src/logger.ts';
import { PartitionLeases } from '../../src/queue/partition-leases.ts';

/**
 * Worker processes sharing the user partitions by lease on real Redis: one process takes them
 * all, a second takes half (disjoint), a clean stop hands its share back at once, and a process
 * that stops renewing (a crash) loses its partitions when the leases lapse.
 */
describe('partition leases on real Redis', () => {
  const redis = new Redis(inject('redisUrl'));
  const prefix = `rgtest-${randomBytes(4).toString('hex')}`;
  const log = createLogger('silent');
  const holders: PartitionLeases[] = [];

  function holder(owner: string, running: Set<number>, connection: Redis = redis) {
    const leases = new PartitionLeases({
      redis: connection,
      prefix,
      partitions: 4,
      owner,
      ttlMs: 1500,
      renewMs: 200,
      onAcquire: async (p) => void running.add(p),
      onRelease: async (p) => void running.delete(p),
      log,
    });
    holders.push(leases);
    return leases;
  }

  async function until(condition: () => boolean, ms = 30_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error('condition not reached in time');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  afterAll(async () => {
    for (const h of holders) await Promise.race([h.close().catch(() => {}), new Promise((resolve) => setTimeout(resolve, 1000))]);
    redis.disconnect();
  });

  it('shares the partitions fairly and hands them on when a process stops or dies', async () => {
    const a = new Set<number>();
    const b = new Set<number>();
    const first = holder('a', a);
    await first.start();
    expect([...a].sort()).toEqual([0, 1, 2, 3]);

    const second = holder('b', b);
    await second.start();
    await until(() => a.size === 2 && b.size === 2);
    expect([...a, ...b].sort()).toEqual([0, 1, 2, 3]);
    expect(first.held()).toEqual([...a].sort());

    // A clean stop gives its partitions back at once; the other process takes them.
    await second.close();
    expect(b.size).toBe(0);
    await until(() => a.size === 4);

    // A process that can no longer renew (crashed, or cut off from Redis) loses its partitions
    // once its leases lapse, and the live process takes them over.
    const c = new Set<number>();
    const cut = new Redis(inject('redisUrl'));
    const third = holder('c', c, cut);
    await third.start();
    await until(() => a.size === 2 && c.size === 2);
    cut.disconnect();
    await until(() => a.size === 4);
    expect([...a].sort()).toEqual([0, 1, 2, 3]);
  });
});
