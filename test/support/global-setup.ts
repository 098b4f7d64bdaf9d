import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { ensureLocalNeo4j } from '../../src/infra/neo4j-local.ts';
import { ensureRedis } from '../../src/infra/redis-local.ts';

/**
 * Starts the real servers the integration and end-to-end tests run against, once per run: a
 * local Neo4j on a temporary data directory (unless NEO4J_URI points at one), and Redis (the
 * local one, or REDIS_URL, or a redis-server started here). Test files isolate themselves
 * (see runtime.ts).
 */
declare module 'vitest' {
  export interface ProvidedContext {
    neo4jUri: string;
    redisUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'riskgraph-test-'));
  const log = (message: string) => process.stderr.write(`[test servers] ${message}\n`);
  const neo4j = process.env.NEO4J_URI
    ? { uri: process.env.NEO4J_URI, stop: async () => {} }
    : await ensureLocalNeo4j({ dataDir, pageCache: '256m', heap: '1g', log });
  const redis = await ensureRedis({ url: process.env.REDIS_URL || undefined, dataDir, log });
  project.provide('neo4jUri', neo4j.uri);
  project.provide('redisUrl', redis.url);
  return async () => {
    await neo4j.stop();
    await redis.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
