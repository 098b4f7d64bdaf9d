import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureRedis, freePort, type LocalRedis } from '../../src/infra/redis-local.ts';

/**
 * Without REDIS_URL and without a Redis on the conventional port, riskgraph starts
 * `redis-server` itself with append-only persistence under the data directory: a second
 * process attaches to it, and what was written survives a restart of Redis.
 */
describe('the project-started Redis', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'riskgraph-redis-'));
  const started: LocalRedis[] = [];
  afterAll(async () => {
    for (const redis of started.reverse()) await redis.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts, is found by a second process, and keeps its data across a restart', async () => {
    const closedPort = await freePort(); // nothing listens there
    const first = await ensureRedis({ url: undefined, dataDir, defaultPort: closedPort });
    started.push(first);
    expect(first.owned).toBe(true);
    expect(first.url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);

    const second = await ensureRedis({ url: undefined, dataDir, defaultPort: closedPort });
    expect(second).toMatchObject({ url: first.url, owned: false });

    const client = new Redis(first.url);
    await client.rpush('queued-events', 'e1', 'e2', 'e3');
    expect(await client.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
    client.disconnect();

    await first.stop();
    started.pop();
    const restarted = await ensureRedis({ url: undefined, dataDir, defaultPort: closedPort });
    started.push(restarted);
    expect(restarted.owned).toBe(true);
    const after = new Redis(restarted.url);
    expect(await after.lrange('queued-events', 0, -1)).toEqual(['e1', 'e2', 'e3']);
    after.disconnect();
  });
});
