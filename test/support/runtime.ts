import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { type Config, loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { createRuntime, type Runtime, type RuntimeOptions, startServer, type Server } from '../../src/main.ts';

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

export async function testRuntime(options: RuntimeOptions, overrides: Record<string, string> = {}): Promise<Runtime> {
  const config = testConfig(overrides);
  const runtime = await createRuntime(config, createLogger(config.logLevel), options);
  await wipeGraph(runtime);
  return runtime;
}

export async function testServer(overrides: Record<string, string> = {}): Promise<Server> {
  const config = testConfig(overrides);
  const server = await startServer(config, createLogger(config.logLevel));
  await wipeGraph(server.runtime);
  return server;
}

/** Run a read query in tests (assertions about the graph). */
export async function graphQuery<T = Record<string, unknown>>(
  runtime: Runtime,
  statement: string,
  params: Record<string, unknown> = {},
): Promise<T[]> {
  return runtime.executor.query<T>('READ', statement, params);
}
