import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { type Config, loadConfig } from '../../src/config.ts';
import { createLogger, type Logger } from '../../src/logger.ts';
import { createRuntime, type Runtime, type RuntimeOptions, type ServerOptions, startServer, type Server } from '../../src/main.ts';
import { createDriver } from '../../src/store/executor.ts';

/**
 * Each integration test file gets the shared real servers, a wiped graph and its own Redis key
 * prefix, so files cannot see each other's data or queues.
 */
export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789';

// Test-only statement: empties the graph but keeps the record of applied schema migrations.
const WIPE_GRAPH = 'MATCH (n) WHERE NOT n:SchemaMigration CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS';

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    NEO4J_URI: inject('neo4jUri'),
    REDIS_URL: inject('redisUrl'),
    RISKGRAPH_QUEUE_PREFIX: `rgtest-${randomBytes(4).toString('hex')}`,
    RISKGRAPH_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    RISKGRAPH_LOG_LEVEL: process.env.RISKGRAPH_LOG_LEVEL ?? 'warn',
    PORT: '0',
    ...overrides,
  });
}

export async function wipeGraph(runtime: Runtime): Promise<void> {
  const session = runtime.executor.driver.session({ database: runtime.executor.database });
  try {
    await session.run(WIPE_GRAPH);
  } finally {
    await session.close();
  }
}

/** Wipes the graph before anything of this file starts (so nothing of it reads the previous file's graph). */
async function wipeBeforeStart(config: Config): Promise<void> {
  const driver = createDriver({ uri: config.neo4j.uri!, user: config.neo4j.user, password: config.neo4j.password, database: config.neo4j.database });
  try {
    const session = driver.session({ database: config.neo4j.database });
    try {
      await session.run(WIPE_GRAPH);
    } finally {
      await session.close();
    }
  } finally {
    await driver.close();
  }
}

/**
 * A server for a test: the graph wiped before it starts, and the peer-group rebuild a starting
 * server schedules at once (BullMQ runs an `every` scheduler's first job immediately) over and
 * unscheduled before the test writes anything. Left running, that rebuild reads and writes
 * the graph at a moment of its own: concurrently with the test's wipe (Neo4j then fails its
 * statements on deleted users) or halfway through the test's ingest (groups built from a part
 * of the data). Runs are one at a time in queue order, so the on-demand run waited for here
 * finishes after the scheduled one. Tests that want a rebuild ask for it.
 */
export async function startTestServer(config: Config, log: Logger, options: ServerOptions = {}): Promise<Server> {
  await wipeBeforeStart(config);
  const server = await startServer(config, log, options);
  try {
    await server.runtime.peerGroups.jobs.unschedule();
    const built = await server.runtime.peerGroups.jobs.runNow({ wait: true, timeoutMs: 120_000 });
    // And its follow-up (peer-share stamping, deleting the replaced build), which would otherwise write beside the wipe.
    if (built.activated) await server.runtime.peerGroups.jobs.waitForFinish(built.buildId, 120_000);
    await wipeGraph(server.runtime);
  } catch (error) {
    await server.close();
    throw error;
  }
  return server;
}

export async function testRuntime(options: RuntimeOptions, overrides: Record<string, string> = {}): Promise<Runtime> {
  const config = testConfig(overrides);
  const runtime = await createRuntime(config, createLogger(config.logLevel), options);
  await wipeGraph(runtime);
  return runtime;
}

export async function testServer(overrides: Record<string, string> = {}): Promise<Server> {
  const config = testConfig(overrides);
  return startTestServer(config, createLogger(config.logLevel));
}

/** Run a read query in tests (assertions about the graph). */
export async function graphQuery<T = Record<string, unknown>>(
  runtime: Runtime,
  statement: string,
  params: Record<string, unknown> = {},
): Promise<T[]> {
  return runtime.executor.query<T>('READ', statement, params);
}
