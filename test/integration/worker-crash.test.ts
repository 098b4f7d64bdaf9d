import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParsedItem } from '../../src/events/event.ts';
import { createRuntime, type Runtime } from '../../src/main.ts';
import { createLogger } from '../../src/logger.ts';
import { graphQuery, testConfig, testRuntime } from '../support/runtime.ts';

/**
 * A worker process killed (SIGKILL) while it works through the queue loses no accepted event
 * and duplicates none: its batch is taken over once its lock lapses, and batches it had
 * committed are recognised by their markers.
 */
const USERS = 5;
const EVENTS = 3000;
const BATCH = 100;
const T0 = Date.UTC(2026, 5, 1, 8);

function* events(): Generator<ParsedItem> {
  for (let i = 0; i < EVENTS; i++) {
    yield {
      kind: 'event',
      line: i + 1,
      event: {
        id: `crash-${i}`,
        ts: T0 + i * 1000,
        category: 'network',
        action: 'app_access',
        outcome: 'success',
        user: `user${i % USERS}`,
        asset: `SRV-${i % 7}`,
      },
    };
  }
}

async function until(condition: () => Promise<boolean>, timeoutMs: number, describe: () => Promise<unknown>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met in time: ${JSON.stringify(await describe())}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('a worker killed mid-import', () => {
  const overrides = { RISKGRAPH_PARTITIONS: '1', RISKGRAPH_BATCH_SIZE: String(BATCH), RISKGRAPH_JOB_LOCK_SECONDS: '3', RISKGRAPH_LEASE_SECONDS: '3' };
  const config = testConfig(overrides);
  let producer: Runtime;
  let child: ChildProcess | undefined;
  let rescuer: Runtime | undefined;

  beforeAll(async () => {
    producer = await testRuntime({ workers: false }, { ...overrides, RISKGRAPH_QUEUE_PREFIX: config.queue.prefix });
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await rescuer?.close();
    await producer?.close();
  });

  it('loses nothing and duplicates nothing', { timeout: 240_000 }, async () => {
    const accepted = await producer.ingest.ingest(events(), { source: 'crash-test', wait: false });
    expect(accepted).toMatchObject({ accepted: EVENTS, duplicates: 0, deadLetters: 0 });

    const env = {
      ...process.env,
      NODE_ENV: 'test',
      NEO4J_URI: producer.neo4jUri,
      REDIS_URL: producer.redisUrl,
      RISKGRAPH_QUEUE_PREFIX: config.queue.prefix,
      RISKGRAPH_LOG_LEVEL: 'error',
      ...overrides,
    };
    child = spawn(process.execPath, [path.join(import.meta.dirname, '../support/worker-process.ts')], {
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const batches = async () =>
      (await graphQuery<{ n: number }>(producer, 'MATCH (b:IngestBatch) WHERE b.events > 0 RETURN count(b) AS n'))[0]!.n;
    const state = async () => ({
      batches: await batches(),
      depths: await producer.queues.depths(),
      failed: await producer.queues.failedReasons(),
    });
    await until(async () => (await batches()) >= 3, 90_000, state);
    child.kill('SIGKILL');
    await once(child, 'exit');
    const committedAtKill = await batches();
    expect(committedAtKill).toBeLessThan(EVENTS / BATCH); // it really was cut short

    // Not testRuntime: that would wipe what the killed worker committed.
    rescuer = await createRuntime(config, createLogger('error'), { workers: true });
    await until(async () => (await batches()) === EVENTS / BATCH && (await producer.queues.depths())[0] === 0, 90_000, state);

    const [totals] = await graphQuery<{ access: number; users: number; touches: number }>(
      producer,
      `MATCH (u:User) WITH sum(u.eventCount) AS users
       MATCH ()-[r:ACCESSED]->() WITH users, sum(r.count) AS access
       MATCH ()-[t:TOUCHED]->() RETURN users, access, sum(t.count) AS touches`,
    );
    expect(totals).toEqual({ users: EVENTS, access: EVENTS, touches: EVENTS });
    const [sessions] = await graphQuery<{ events: number }>(producer, 'MATCH (s:Session) RETURN sum(s.eventCount) AS events');
    expect(sessions!.events).toBe(EVENTS);
  });
});
