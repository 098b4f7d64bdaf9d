/**
 * `npm run bench:attack-paths [-- --users 10000 --queries 200 --max-hops 4]`: latency of
 * `Query.attackPaths` through the real HTTP edge against a real Neo4j, on the benchmarks'
 * access graph (bench/fixtures/access-graph.ts: about 100 ACCESSED edges per user, 1M for 10k
 * users, skewed by Zipf popularity, with organisation-wide shared servers that thousands of
 * users reach: the hubs an attack-path search must get through).
 *
 * On top of the fixture: one peer group per department (written by the product's peer-group
 * repository, which stamps every member's ACCESSED edges with their peer share, timed here) and
 * five critical assets (one department server each, by the setAssetCriticality mutation).
 * Measured one query at a time after a warm-up, from random users:
 *  (a) `attackPaths(from, to: <a critical asset>, maxHops)`: the figure the target is for;
 *  (b) `attackPaths(from, toCriticalAssets: true, maxHops)`: all five at once (fewer queries).
 * Prints the figures and writes them to bench/results/attack-paths.json.
 *
 * Neo4j: a fresh local one on a temporary data directory unless NEO4J_URI is set (then the
 * database must be empty or disposable). Redis: REDIS_URL, the local one, or one started here.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildAccessGraph } from './fixtures/access-graph.ts';
import { round, summarise } from './fixtures/latency.ts';

interface Answer {
  data?: { attackPaths?: { estimatedExpansions: number; paths: Array<{ cost: number; length: number }> } };
  errors?: Array<{ message: string }>;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      users: { type: 'string', default: '10000' },
      departments: { type: 'string', default: '20' },
      queries: { type: 'string', default: '200' },
      'critical-queries': { type: 'string', default: '40' },
      'max-hops': { type: 'string', default: '4' },
      keep: { type: 'boolean', default: false },
    },
  });
  const { seededRandom } = await import('../src/analytics/peer-groups/random.ts');
  const { PeerGroupAlgorithm } = await import('../src/analytics/peer-groups/peer-group.ts');
  const { loadConfig } = await import('../src/config.ts');
  const { createLogger } = await import('../src/logger.ts');
  const { startServer } = await import('../src/main.ts');
  const { Neo4jPeerGroupRepository } = await import('../src/store/peer-group.repository.ts');
  const { finishPeerGroupBuild } = await import('../src/jobs/peer-groups.job.ts');

  const users = Number(values.users);
  const departments = Number(values.departments);
  const queries = Number(values.queries);
  const criticalQueries = Number(values['critical-queries']);
  const maxHops = Number(values['max-hops']);
  const work = mkdtempSync(path.join(os.tmpdir(), 'riskgraph-bench-paths-'));
  const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);
  const adminToken = randomBytes(24).toString('base64url');
  const started = performance.now();
  const loadAtStart = os.loadavg().map((l) => round(l, 2));
  const config = loadConfig({
    ...process.env,
    NODE_ENV: 'production',
    PORT: '0',
    RISKGRAPH_ADMIN_TOKEN: adminToken,
    RISKGRAPH_DATA_DIR: process.env.NEO4J_URI ? work : path.join(work, 'data'),
    RISKGRAPH_QUEUE_PREFIX: `bench-paths-${Date.now()}`,
    RISKGRAPH_LOG_LEVEL: process.env.RISKGRAPH_LOG_LEVEL ?? 'warn',
    NEO4J_PAGE_CACHE: process.env.NEO4J_PAGE_CACHE ?? '1g',
    RISKGRAPH_PEER_GROUPS_EVERY_MINUTES: String(7 * 24 * 60),
  });
  log(`starting the server (Neo4j: ${config.neo4j.uri ?? 'a fresh local one'})`);
  const server = await startServer(config, createLogger(config.logLevel));
  const url = `${server.url}/graphql`;
  const { executor } = server.runtime;
  const graphql = async (query: string, variables: Record<string, unknown> = {}): Promise<Answer> => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as Answer;
  };
  let result: Record<string, unknown>;
  try {
    // The peer-group run scheduled at start goes first (on the empty graph), then none.
    await server.runtime.peerGroups.jobs.unschedule();
    await server.runtime.peerGroups.jobs.runNow({ wait: true, timeoutMs: 120_000 });

    const random = seededRandom(20261204);
    const now = Date.now();
    const fixture = await buildAccessGraph({
      users,
      departments,
      random,
      now,
      write: (statement, params) => executor.query('WRITE', statement, params),
      read: (statement) => executor.query('READ', statement),
      log,
    });

    // One peer group per department, written (and its peer shares stamped) by the product.
    const groupsStarted = performance.now();
    const accessRows = await executor.query<{ dept: string; type: string; id: string; members: number }>(
      'READ',
      'MATCH (u:User)-[:ACCESSED]->(e) RETURN u.department AS dept, head(labels(e)) AS type, e.id AS id, count(u) AS members',
    );
    const byDept = new Map<string, Array<{ type: 'Asset' | 'Device'; id: string; members: number }>>();
    for (const row of accessRows) {
      const list = byDept.get(row.dept) ?? [];
      list.push({ type: row.type as 'Asset' | 'Device', id: row.id, members: row.members });
      byDept.set(row.dept, list);
    }
    const members = new Map<string, string[]>();
    for (let i = 0; i < users; i++) {
      const dept = `D${fixture.deptOf(i)}`;
      const list = members.get(dept) ?? [];
      list.push(fixture.userId(i));
      members.set(dept, list);
    }
    const groups = [...members].map(([dept, ids]) => ({
      key: `behaviour:${dept}`,
      kind: 'behaviour',
      label: dept,
      algorithm: PeerGroupAlgorithm.BEHAVIOUR,
      k: departments,
      silhouette: null,
      features: ['Asset', 'Device'],
      builtAt: now,
      size: ids.length,
      members: ids.map((user, j) => ({ user, degree: 0.6 + 0.4 * ((j * 7919) % 100) / 100, rank: 1 as const })),
      entities: (byDept.get(dept) ?? []).sort((a, b) => b.members - a.members),
      numeric: [],
      dominantDepartment: dept,
      dominantDepartmentShare: 1,
    }));
    const build = {
      builtAt: now,
      groups,
      behaviour: {
        algorithm: PeerGroupAlgorithm.BEHAVIOUR, k: departments, silhouette: null, candidates: [], users, clustered: users,
        features: ['Asset', 'Device'], kmeansDimensions: 0, projected: false, sampleSize: users, sampled: false, seed: 1, reason: 'bench fixture',
      },
    };
    const peerGroups = new Neo4jPeerGroupRepository(executor);
    const outcome = await peerGroups.replaceGroups('pg-bench', build as never, now);
    // The follow-up the peer-group job queues after a build: the peer shares the searches read.
    const finished = (await finishPeerGroupBuild({ repository: peerGroups, log: server.runtime.log }, 'pg-bench'))!;
    const groupSeconds = (performance.now() - groupsStarted) / 1000;
    log(`peer groups: ${outcome.groups} groups, ${outcome.memberships} memberships, ${finished.peerShareEdges} edges stamped with peer shares in ${groupSeconds.toFixed(1)} s`);

    // Five critical assets: a mid-popularity server of five departments.
    const critical = [1, 5, 9, 13, 17].map((d) => fixture.deptAsset(d % departments, 20));
    for (const id of critical) {
      const answer = (await graphql('mutation ($id: ID!) { setAssetCriticality(assetId: $id, criticality: 5) { id } }', { id: `Asset:${id}` })) as { errors?: unknown[] };
      if (answer.errors) throw new Error(`setAssetCriticality: ${JSON.stringify(answer.errors)}`);
    }

    const QUERY = `query ($from: ID!, $to: ID, $critical: Boolean, $maxHops: Int) {
      attackPaths(from: $from, to: $to, toCriticalAssets: $critical, maxHops: $maxHops, first: 5) {
        estimatedExpansions paths { cost length nodes { id } hops { relationship from to count lastSeen peerShare cost } } } }`;
    const measure = async (count: number, variables: () => Record<string, unknown>, warmup: number) => {
      const latencies: number[] = [];
      const returned: number[] = [];
      const expansions: number[] = [];
      let errors = 0;
      let firstError: string | null = null;
      for (let i = 0; i < warmup + count; i++) {
        const t = performance.now();
        const answer = await graphql(QUERY, variables());
        const ms = performance.now() - t;
        if (answer.errors !== undefined || answer.data?.attackPaths === undefined) {
          errors += 1;
          firstError ??= JSON.stringify(answer.errors).slice(0, 300);
          continue;
        }
        if (i < warmup) continue;
        latencies.push(ms);
        returned.push(answer.data.attackPaths.paths.length);
        expansions.push(answer.data.attackPaths.estimatedExpansions);
      }
      if (errors > 0) log(`  ${errors} failed queries, e.g. ${firstError}`);
      const mean = (xs: number[]) => round(xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length), 1);
      return { queries: latencies.length, errors, latencyMs: summarise(latencies, 1), averagePaths: mean(returned), averageEstimatedExpansions: mean(expansions) };
    };
    const randomUser = () => fixture.userId(Math.floor(random() * users));
    (globalThis as { gc?: () => void }).gc?.();
    log(`(a) ${queries} searches of ${maxHops} hops from random users to one critical asset, one at a time (after 20 warm-up searches)`);
    const loadBeforeNamed = round(os.loadavg()[0]!, 2);
    const named = await measure(queries, () => ({ from: `User:${randomUser()}`, to: `Asset:${critical[Math.floor(random() * critical.length)]}`, maxHops }), 20);
    log(`(b) ${criticalQueries} searches of ${maxHops} hops from random users to all ${critical.length} critical assets (after 5 warm-up searches)`);
    const loadBeforeCritical = round(os.loadavg()[0]!, 2);
    const all = await measure(criticalQueries, () => ({ from: `User:${randomUser()}`, critical: true, maxHops }), 5);

    result = {
      benchmark: 'attack-paths',
      at: new Date().toISOString(),
      machine: {
        cpus: os.cpus().length,
        memoryGiB: Math.round(os.totalmem() / 2 ** 30),
        node: process.version,
        // The machine is shared: its load while measuring says how far to trust the figures.
        loadAverage: { atStart: loadAtStart, atEnd: os.loadavg().map((l) => round(l, 2)) },
      },
      config: { neo4j: config.neo4j.uri ?? 'local', pageCache: config.neo4j.pageCache, heap: config.neo4j.heap },
      fixture: {
        users: fixture.counts.users,
        accessedEdges: fixture.counts.accessed,
        departments,
        assets: fixture.assets,
        seconds: round(fixture.seconds, 1),
        peerGroups: { groups: outcome.groups, memberships: outcome.memberships, stampedEdges: finished.peerShareEdges, seconds: round(groupSeconds, 1) },
        criticalAssets: critical,
      },
      maxHops,
      toOneAsset: { loadAverage1m: loadBeforeNamed, ...named },
      toCriticalAssets: { loadAverage1m: loadBeforeCritical, targets: critical.length, ...all },
      targets: { toOneAssetP95Ms: 100 },
      totalSeconds: 0,
    };
  } finally {
    await server.close();
    if (!values.keep) rmSync(work, { recursive: true, force: true });
  }
  result.totalSeconds = round((performance.now() - started) / 1000, 1);
  const out = path.join(import.meta.dirname, 'results', 'attack-paths.json');
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  const r = result as { toOneAsset: { latencyMs: { p50: number; p95: number }; queries: number; errors: number }; toCriticalAssets: { latencyMs: { p50: number; p95: number }; queries: number; errors: number } };
  const verdict = (value: number, goal: number) => (value <= goal ? `ok, goal ≤ ${goal}` : `MISSED, goal ≤ ${goal}`);
  process.stdout.write(
    `attack paths, ${maxHops} hops, to one asset     p50 ${r.toOneAsset.latencyMs.p50} ms, p95 ${r.toOneAsset.latencyMs.p95} ms (${verdict(r.toOneAsset.latencyMs.p95, 100)}; ${r.toOneAsset.queries} queries, ${r.toOneAsset.errors} errors)\n` +
      `attack paths, ${maxHops} hops, to 5 critical    p50 ${r.toCriticalAssets.latencyMs.p50} ms, p95 ${r.toCriticalAssets.latencyMs.p95} ms (${r.toCriticalAssets.queries} queries, ${r.toCriticalAssets.errors} errors)\n` +
      `written to                            ${path.relative(process.cwd(), out)} (${result.totalSeconds} s in all)\n`,
  );
}

await main();
