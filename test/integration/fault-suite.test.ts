import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { ParsedItem } from '../../src/events/event.ts';
import { ensureLocalNeo4j, type LocalNeo4j } from '../../src/infra/neo4j-local.ts';
import { createLogger } from '../../src/logger.ts';
import { createRuntime, type Runtime } from '../../src/main.ts';
import { graphQuery, testConfig, wipeGraph } from '../support/runtime.ts';

/**
 * The fault suite: a store or the queue killed (SIGKILL) and restarted in the middle of an
 * import, through the runtime's public surface (ingest, queue depths, the graph). Each ends
 * with the exact totals of a clean run of the same events: events applied, sessions and their
 * events, access edges and their counts. 0 lost, 0 duplicated. (The third fault, a worker
 * process killed, is test/integration/worker-crash.test.ts.)
 */
const USERS = 6;
const EVENTS = 3000;
const BATCH = 100;
const T0 = Date.UTC(2026, 5, 1, 8);

function* events(): Generator<ParsedItem> {
  for (let i = 0; i < EVENTS; i++) {
    yield {
      kind: 'event',
      line: i + 1,
      event: {
        id: `fault-${i}`,
        // Gaps of 3 h every 400 events close sessions, so there are several per user.
        ts: T0 + i * 1000 + Math.floor(i / 400) * 3 * 3_600_000,
        category: i % 3 === 0 ? 'web' : 'network',
        action: i % 3 === 0 ? 'http_request' : 'app_access',
        outcome: 'success',
        user: `user${i % USERS}`,
        asset: `SRV-${i % 7}`,
        ...(i % 3 === 0 ? { urlDomain: `site${i % 5}.example.org` } : {}),
      },
    };
  }
}

interface Totals {
  applied: number;
  users: number;
  sessions: number;
  sessionEvents: number;
  edges: number;
  edgeCounts: number;
  batches: number;
}

async function totals(runtime: Runtime): Promise<Totals> {
  const [row] = await graphQuery<Totals>(
    runtime,
    `CALL () { MATCH (u:User) RETURN sum(u.eventCount) AS applied, count(u) AS users }
     CALL () { MATCH (s:Session) RETURN count(s) AS sessions, sum(s.eventCount) AS sessionEvents }
     CALL () { MATCH (:User)-[r:ACCESSED]->() RETURN count(r) AS edges, sum(r.count) AS edgeCounts }
     CALL () { MATCH (b:IngestBatch) WHERE b.events > 0 RETURN count(b) AS batches }
     RETURN applied, users, sessions, sessionEvents, edges, edgeCounts, batches`,
  );
  return row!;
}

async function until(condition: () => Promise<boolean>, timeoutMs: number, what: () => Promise<unknown>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await condition()) return;
    } catch {
      // The store or the queue is away: that is the point; look again.
    }
    if (Date.now() > deadline) throw new Error(`condition not met in time: ${JSON.stringify(await what().catch((e: unknown) => String(e)))}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Every batch committed and the queue empty (sessions closed by the sweep at the end). */
async function drained(runtime: Runtime): Promise<boolean> {
  const depths = await runtime.queues.depths();
  return depths.every((d) => d === 0) && (await totals(runtime)).applied === EVENTS;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function pings(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.createConnection({ host: '127.0.0.1', port });
    socket.setTimeout(500, () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
  });
}

const overrides = { RISKGRAPH_PARTITIONS: '2', RISKGRAPH_BATCH_SIZE: String(BATCH), RISKGRAPH_JOB_LOCK_SECONDS: '3', RISKGRAPH_LEASE_SECONDS: '5' };

/** The reference: the same events imported with nothing going wrong. */
async function cleanRun(neo4jUri: string, redisUrl: string): Promise<Totals> {
  const config = testConfig({ ...overrides, NEO4J_URI: neo4jUri, REDIS_URL: redisUrl });
  const runtime = await createRuntime(config, createLogger('silent'), { workers: true });
  try {
    await wipeGraph(runtime);
    const summary = await runtime.ingest.ingest(events(), { source: 'fault-clean', wait: true });
    expect(summary).toMatchObject({ accepted: EVENTS, duplicates: 0, deadLetters: 0 });
    await until(() => drained(runtime), 60_000, () => totals(runtime));
    return await totals(runtime);
  } finally {
    await runtime.close();
  }
}

describe('fault suite: a server killed and restarted mid-import', () => {
  const dirs: string[] = [];
  const cleanups: Array<() => Promise<unknown>> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('Neo4j killed (SIGKILL) and restarted: exact totals of a clean run', { timeout: 400_000 }, async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'riskgraph-fault-neo4j-'));
    dirs.push(dataDir);
    const port = await freePort();
    const start = () => ensureLocalNeo4j({ dataDir, pageCache: '64m', heap: '512m', port });
    let neo4j: LocalNeo4j = await start();
    cleanups.push(() => neo4j.stop());
    const redisUrl = inject('redisUrl');
    const expected = await cleanRun(neo4j.uri, redisUrl);
    expect(expected).toMatchObject({ applied: EVENTS, users: USERS });

    const config = testConfig({ ...overrides, NEO4J_URI: neo4j.uri, REDIS_URL: redisUrl });
    const runtime = await createRuntime(config, createLogger('silent'), { workers: true });
    cleanups.push(() => runtime.close());
    await wipeGraph(runtime);
    const summary = await runtime.ingest.ingest(events(), { source: 'fault-neo4j', wait: false });
    expect(summary).toMatchObject({ accepted: EVENTS, duplicates: 0, deadLetters: 0 });
    await until(async () => (await totals(runtime)).batches >= 3, 90_000, () => totals(runtime));

    process.kill(neo4j.pid, 'SIGKILL');
    await until(async () => !(await runtime.executor.verify().then(() => true, () => false)), 30_000, async () => 'Neo4j still answering');
    const atKill = await runtime.queues.depths();
    expect(atKill.reduce((a, b) => a + b, 0)).toBeGreaterThan(0); // it really was mid-import
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    neo4j = await start();
    expect(neo4j.owned).toBe(true);

    await until(() => drained(runtime), 180_000, async () => ({ totals: await totals(runtime), depths: await runtime.queues.depths(), failed: await runtime.queues.failedReasons() }));
    expect(await totals(runtime)).toEqual(expected);
  });

  it('Redis (append-only) killed (SIGKILL) and restarted: exact totals of a clean run', { timeout: 300_000 }, async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'riskgraph-fault-redis-'));
    dirs.push(dir);
    const port = await freePort();
    let redis: ChildProcess | undefined;
    const startRedis = async () => {
      redis = spawn('redis-server', ['--bind', '127.0.0.1', '--port', String(port), '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'everysec', '--save', '', '--maxmemory-policy', 'noeviction'], { stdio: 'ignore' });
      await until(() => pings(port), 15_000, async () => 'redis-server not answering');
    };
    await startRedis();
    cleanups.push(async () => {
      if (redis && redis.exitCode === null) {
        redis.kill('SIGKILL');
        await once(redis, 'exit');
      }
    });
    const redisUrl = `redis://127.0.0.1:${port}`;
    const neo4jUri = inject('neo4jUri');
    const expected = await cleanRun(neo4jUri, redisUrl);

    const config = testConfig({ ...overrides, NEO4J_URI: neo4jUri, REDIS_URL: redisUrl });
    const runtime = await createRuntime(config, createLogger('silent'), { workers: true });
    cleanups.push(() => runtime.close());
    await wipeGraph(runtime);
    const summary = await runtime.ingest.ingest(events(), { source: 'fault-redis', wait: false });
    expect(summary).toMatchObject({ accepted: EVENTS, duplicates: 0, deadLetters: 0 });
    await until(async () => (await totals(runtime)).batches >= 3, 90_000, () => totals(runtime));

    redis!.kill('SIGKILL');
    await once(redis!, 'exit');
    const atKill = await totals(runtime);
    expect(atKill.applied).toBeLessThan(EVENTS); // it really was mid-import
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    await startRedis();

    await until(() => drained(runtime), 180_000, async () => ({ totals: await totals(runtime), depths: await runtime.queues.depths(), failed: await runtime.queues.failedReasons() }));
    expect(await totals(runtime)).toEqual(expected);
  });
});
