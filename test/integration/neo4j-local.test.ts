import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import neo4j from 'neo4j-driver';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureLocalNeo4j, type LocalNeo4j } from '../../src/infra/neo4j-local.ts';

/** A pid that cannot be a live process: far above Linux's pid_max (4194304 at most). */
const DEAD_PID = 999_999_999;

// These tests start their own Neo4j instances on temporary data directories, independent of
// the shared one from the global setup, since what they test is starting and attaching. A JVM
// start takes 15-25 s on a loaded two-core machine (against the suite's 60 s default per
// test); the starter itself waits up to 180 s for readiness and 30 s for a stop.
describe('ensureLocalNeo4j', { timeout: 240_000 }, () => {
  const dataDirs: string[] = [];
  const instances: LocalNeo4j[] = [];

  const newDataDir = async (): Promise<string> => {
    const dir = await mkdtemp(join(tmpdir(), 'riskgraph-neo4j-local-'));
    dataDirs.push(dir);
    return dir;
  };
  const start = async (dataDir: string): Promise<LocalNeo4j> => {
    const instance = await ensureLocalNeo4j({ dataDir, pageCache: '64m', heap: '512m' });
    instances.push(instance);
    return instance;
  };

  afterAll(async () => {
    await Promise.all(instances.map((instance) => instance.stop()));
    await Promise.all(dataDirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('starts a Neo4j that answers queries over Bolt, writes a descriptor, and stops it', async () => {
    const dataDir = await newDataDir();
    const local = await start(dataDir);
    expect(local.owned).toBe(true);
    expect(local.uri).toMatch(/^bolt:\/\/127\.0\.0\.1:\d+$/);

    const descriptorPath = join(dataDir, 'neo4j', 'riskgraph-neo4j.json');
    const descriptor: unknown = JSON.parse(await readFile(descriptorPath, 'utf8'));
    expect(descriptor).toMatchObject({ pid: local.pid, uri: local.uri });

    const driver = neo4j.driver(local.uri);
    try {
      const one = await driver.executeQuery('RETURN 1 AS one');
      expect(one.records[0]?.get('one').toNumber()).toBe(1);

      await driver.executeQuery('CREATE (:Probe {name: $name})', { name: 'written' });
      const read = await driver.executeQuery('MATCH (p:Probe) RETURN p.name AS name', {}, { routing: 'READ' });
      expect(read.records.map((record) => record.get('name'))).toEqual(['written']);
    } finally {
      await driver.close();
    }

    await local.stop();
    expect(() => process.kill(local.pid, 0)).toThrow();
    await expect(readFile(descriptorPath, 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('attaches to the Neo4j already serving the same data directory instead of starting another', async () => {
    const dataDir = await newDataDir();
    const first = await start(dataDir);

    const second = await start(dataDir);
    expect(second.owned).toBe(false);
    expect(second.uri).toBe(first.uri);
    expect(second.pid).toBe(first.pid);

    // Stopping an attached handle leaves the owner's Neo4j running.
    await second.stop();
    expect(() => process.kill(first.pid, 0)).not.toThrow();
    await first.stop();
  });

  it('lets concurrent starters on one data directory share a single Neo4j', async () => {
    const dataDir = await newDataDir();
    const [a, b] = await Promise.all([start(dataDir), start(dataDir)]);
    expect([a.owned, b.owned].sort()).toEqual([false, true]);
    expect(a.uri).toBe(b.uri);
    await Promise.all([a.stop(), b.stop()]);
  });

  it('replaces a stale descriptor left by a Neo4j that died', async () => {
    const dataDir = await newDataDir();
    const home = join(dataDir, 'neo4j');
    await mkdir(home, { recursive: true });
    await writeFile(
      join(home, 'riskgraph-neo4j.json'),
      JSON.stringify({ pid: DEAD_PID, uri: 'bolt://127.0.0.1:1', startedAt: new Date(0).toISOString() }),
    );
    // A start lock left behind by a crashed starter must not block either.
    await writeFile(join(home, 'riskgraph-neo4j.lock'), JSON.stringify({ pid: DEAD_PID, token: 'crashed' }));

    const local = await start(dataDir);
    expect(local.owned).toBe(true);
    expect(local.pid).not.toBe(DEAD_PID);

    const driver = neo4j.driver(local.uri);
    try {
      const one = await driver.executeQuery('RETURN 1 AS one');
      expect(one.records[0]?.get('one').toNumber()).toBe(1);
    } finally {
      await driver.close();
    }
    await local.stop();
  });
});
