import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_ADMIN_TOKEN } from '../support/runtime.ts';

/**
 * `riskgraph serve` stopped as an operator stops it: SIGTERM from a process manager, and a
 * terminal's Ctrl-C, which is SIGINT to the whole foreground process group (here: a group of
 * its own made by spawning it detached). Both drain and exit 0 within 10 s, without a stack
 * trace or a retry against a store that went away first; after Ctrl-C nothing of the group,
 * nor the Neo4j the process started, is left running. NODE_ENV is development, not test,
 * so every signal handler a library installs outside tests is there too.
 */
const CLI = path.join(import.meta.dirname, '../../src/cli.ts');
/** Queue prefixes of this run (random like testConfig's: a pid recurs across runs on the machine's shared Redis). */
const RUN = randomBytes(4).toString('hex');
const TROUBLE = /\n\s+at |"stack"|STORE_UNAVAILABLE|retrying|did not stop|exiting at once/;

interface Serving {
  child: ChildProcess;
  url: string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

async function serve(env: NodeJS.ProcessEnv): Promise<Serving> {
  const merged: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'development', PORT: '0', RISKGRAPH_ADMIN_TOKEN: TEST_ADMIN_TOKEN, RISKGRAPH_LOG_LEVEL: 'info', ...env };
  for (const [key, value] of Object.entries(merged)) if (value === undefined) delete merged[key];
  const child = spawn(process.execPath, [CLI, 'serve'], {
    env: merged,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, as a shell gives a foreground job.
    detached: true,
  });
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start within 150 s:\n${err}`)), 150_000);
    const look = () => {
      const match = /listening on (http:\/\/\S+)/.exec(err);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stderr!.on('data', look);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`serve exited before listening:\n${err}`));
    });
  });
  return { child, url, stderr: () => err, exited };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

async function importSome(url: string): Promise<void> {
  const t0 = Date.UTC(2026, 4, 4, 9);
  const body = Array.from({ length: 200 }, (_, i) =>
    JSON.stringify({ '@timestamp': new Date(t0 + i * 60_000).toISOString(), event: { id: `sd-${i}`, category: 'web', action: 'http_request' }, user: { name: `u${i % 7}` }, url: { domain: 'example.org' } }),
  ).join('\n');
  const res = await fetch(`${url}/ingest?format=ecs&wait=true`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
    body,
  });
  expect(res.status).toBe(200);
  expect(((await res.json()) as { accepted: number }).accepted).toBe(200);
}

describe('riskgraph serve shutdown (CLI process)', () => {
  const dirs: string[] = [];
  const leftovers: number[] = [];
  afterAll(() => {
    for (const pid of leftovers) if (groupAlive(pid)) process.kill(-pid, 'SIGKILL');
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('exits 0 within 10 s of SIGTERM after an import, with no stack trace', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'riskgraph-shutdown-'));
    dirs.push(dir);
    const server = await serve({ NEO4J_URI: inject('neo4jUri'), REDIS_URL: inject('redisUrl'), RISKGRAPH_QUEUE_PREFIX: `rgtest-sd-${RUN}-a`, RISKGRAPH_DATA_DIR: dir });
    leftovers.push(server.child.pid!);
    await importSome(server.url);
    const started = performance.now();
    server.child.kill('SIGTERM');
    const { code } = await server.exited;
    const seconds = (performance.now() - started) / 1000;
    expect(code, server.stderr()).toBe(0);
    expect(seconds).toBeLessThanOrEqual(10);
    expect(server.stderr()).toContain('"msg":"stopped"');
    expect(server.stderr()).not.toMatch(TROUBLE);
    // Above serve()'s own 150 s start deadline: 44 s for the whole case at load 12 on two cores.
  }, 300_000);

  it('on Ctrl-C (SIGINT to the process group) stops the Neo4j it started last and leaves no process behind', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'riskgraph-shutdown-'));
    dirs.push(dir);
    const env: NodeJS.ProcessEnv = { REDIS_URL: inject('redisUrl'), RISKGRAPH_QUEUE_PREFIX: `rgtest-sd-${RUN}-b`, RISKGRAPH_DATA_DIR: dir, NEO4J_PAGE_CACHE: '64m', NEO4J_HEAP: '512m' };
    // No NEO4J_URI: serve starts a Neo4j of its own on the data directory.
    const server = await serve({ ...env, NEO4J_URI: undefined });
    const pgid = server.child.pid!;
    leftovers.push(pgid);
    const neo4jPid = (JSON.parse(readFileSync(path.join(dir, 'neo4j', 'riskgraph-neo4j.json'), 'utf8')) as { pid: number }).pid;
    expect(alive(neo4jPid)).toBe(true);
    await importSome(server.url);

    const started = performance.now();
    process.kill(-pgid, 'SIGINT');
    const { code } = await server.exited;
    const seconds = (performance.now() - started) / 1000;
    expect(code, server.stderr()).toBe(0);
    expect(seconds).toBeLessThanOrEqual(10);
    const log = server.stderr();
    // Neo4j was not hit by the Ctrl-C: it stopped when told to, after everything else.
    expect(log).not.toContain('exited unexpectedly');
    expect(log.indexOf('Stopping Neo4j')).toBeGreaterThan(log.indexOf('"msg":"draining"'));
    expect(log).not.toMatch(TROUBLE);
    expect(groupAlive(pgid)).toBe(false);
    expect(alive(neo4jPid)).toBe(false);
    // serve starts a Neo4j of its own here (up to 180 s to be ready): 61 s at load 12.
  }, 360_000);
});
