/**
 * `npm run bench:api [-- --users 10000 --rate 200 --seconds 20 --subscribers 1000]`: API latency,
 * measured in one run against a real Neo4j and Redis through the real HTTP and WebSocket edge.
 *  (a) risk decision: `Query.riskDecision` over HTTP at a steady, open-loop request rate (each
 *      request is sent at its scheduled time whether or not earlier ones have answered, and its
 *      latency counts from that scheduled time, so a stalled server cannot hide its queueing:
 *      no coordinated omission); plus the in-process decision time without HTTP;
 *  (b) 2-hop neighbourhood: `Query.entity(id).neighbors(depth: 2, first: 50)` from random users,
 *      one at a time, on a generated graph of `--users` users and about 100 ACCESSED edges each
 *      (1M for 10k users), skewed as real access is: most to the user's department's assets,
 *      by Zipf popularity, plus a few of a small set of organisation-wide shared assets;
 *  (c) alert delivery: `--subscribers` concurrent graphql-ws subscribers of `alertRaised`; the
 *      latency of each delivery counts from the moment the alert is handed to the
 *      AlertPublisher port (which records it in the graph, then publishes it through Redis);
 *  (d) subscription scopes (`filter.near`): the bounded read of one scope's membership
 *      (ScopeRepository.within, what a first subscriber and each refresh cost), `--scope-reads`
 *      times per kind of scope, one at a time: users and department assets at 1–3 hops, with
 *      the scope's size and how many are over the default bound (refused).
 * Load generators and subscribers run in a worker thread, so client work does not sit on the
 * server's event loop. Prints the figures and writes them to bench/results/api.json.
 *
 * The fixture is a benchmark fixture, written directly with batched UNWIND statements (the
 * product's own Cypher lives in src/store/cypher/; these statements build test data only).
 *
 * Neo4j: a fresh local one on a temporary data directory unless NEO4J_URI is set (then the
 * database must be empty or disposable). Redis: REDIS_URL, the local one, or one started here;
 * the run uses its own key prefix. Everything it started is stopped and removed at the end.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { buildAccessGraph } from './fixtures/access-graph.ts';
import { round, summarise } from './fixtures/latency.ts';

const DAY = 86_400_000;

/** An epoch time in ms with sub-millisecond resolution, comparable across threads. */
const preciseNow = () => performance.timeOrigin + performance.now();

// ─── worker thread: load generators and subscribers ────────────────────────────────────────

interface GraphqlRequest {
  query: string;
  variables: Record<string, unknown>;
}

type WorkerTask =
  | { kind: 'open-loop'; url: string; token: string; rate: number; seconds: number; warmupSeconds: number; requests: GraphqlRequest[] }
  | { kind: 'closed-loop'; url: string; token: string; requests: GraphqlRequest[]; warmup: number; maxSeconds: number }
  | { kind: 'subscribers'; url: string; token: string; count: number; query: string };

function post(agent: http.Agent, url: URL, token: string, body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${token}` } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode !== 200) reject(new Error(`HTTP ${res.statusCode}: ${text.slice(0, 200)}`));
          else resolve(text);
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Sends request i at start + i/rate; latency counts from that scheduled time. */
async function openLoop(task: Extract<WorkerTask, { kind: 'open-loop' }>) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const url = new URL(task.url);
  const interval = 1000 / task.rate;
  const total = Math.round(task.rate * (task.seconds + task.warmupSeconds));
  const warmup = Math.round(task.rate * task.warmupSeconds);
  const latencies: number[] = [];
  const serviceTimes: number[] = [];
  const lateStarts: number[] = [];
  const outcomes: Record<string, number> = {};
  let errors = 0;
  let firstError: string | null = null;
  const inFlight = new Set<Promise<void>>();
  const start = performance.now() + 50;
  for (let i = 0; i < total; i++) {
    const scheduled = start + i * interval;
    const wait = scheduled - performance.now();
    // Timers have millisecond granularity, so a request may leave up to about a millisecond
    // late; that lag counts in its latency (it is also reported on its own). No busy-waiting:
    // on a two-core machine it would take the CPU from the server being measured.
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const request = task.requests[i % task.requests.length]!;
    const sentAt = performance.now();
    const p = post(agent, url, task.token, JSON.stringify(request))
      .then((text) => {
        const done = performance.now();
        if (i < warmup) return;
        const body = JSON.parse(text) as { data?: { riskDecision?: { decision: string } }; errors?: unknown[] };
        if (body.errors !== undefined || body.data?.riskDecision === undefined) {
          errors += 1;
          firstError ??= text.slice(0, 300);
          return;
        }
        // A timer may also fire a little early: count from whichever came first.
        latencies.push(done - Math.min(scheduled, sentAt));
        serviceTimes.push(done - sentAt);
        lateStarts.push(sentAt - scheduled);
        const decision = body.data.riskDecision.decision;
        outcomes[decision] = (outcomes[decision] ?? 0) + 1;
      })
      .catch((error: unknown) => {
        if (i < warmup) return;
        errors += 1;
        firstError ??= String(error);
      });
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  }
  await Promise.all(inFlight);
  const elapsed = (performance.now() - start) / 1000;
  agent.destroy();
  return { latencies, serviceTimes, lateStarts, outcomes, errors, firstError, achievedRate: total / elapsed };
}

/** One request at a time; latency of each after `warmup` requests. */
async function closedLoop(task: Extract<WorkerTask, { kind: 'closed-loop' }>) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const url = new URL(task.url);
  const latencies: number[] = [];
  const returned: number[] = [];
  let errors = 0;
  let firstError: string | null = null;
  const deadline = performance.now() + task.maxSeconds * 1000;
  for (let i = 0; i < task.requests.length && performance.now() < deadline; i++) {
    const started = performance.now();
    try {
      const text = await post(agent, url, task.token, JSON.stringify(task.requests[i]));
      const took = performance.now() - started;
      const body = JSON.parse(text) as { data?: { entity?: { neighbors?: { edges: unknown[] } } }; errors?: unknown[] };
      if (body.errors !== undefined || body.data?.entity?.neighbors === undefined) {
        errors += 1;
        firstError ??= text.slice(0, 300);
        continue;
      }
      if (i < task.warmup) continue;
      latencies.push(took);
      returned.push(body.data.entity.neighbors.edges.length);
    } catch (error) {
      errors += 1;
      firstError ??= String(error);
    }
  }
  agent.destroy();
  return { latencies, returned, errors, firstError };
}

/** Opens `count` graphql-ws subscribers; reports every delivery's arrival time by alert id. */
async function subscribers(task: Extract<WorkerTask, { kind: 'subscribers' }>, port: NonNullable<typeof parentPort>) {
  const arrivals = new Map<string, number[]>();
  const clients: ReturnType<typeof createClient>[] = [];
  let failures = 0;
  let firstError: string | null = null;
  const onError = (error: unknown) => {
    failures += 1;
    firstError ??= error instanceof Error ? error.message : JSON.stringify(error);
  };
  // In waves, so that the listen backlog is not overrun by a thousand simultaneous handshakes.
  for (let i = 0; i < task.count; i += 100) {
    const wave: Array<Promise<void>> = [];
    for (let j = i; j < Math.min(task.count, i + 100); j++) {
      const client = createClient({
        url: task.url,
        webSocketImpl: WebSocket,
        lazy: false,
        retryAttempts: 0,
        connectionParams: { authorization: `Bearer ${task.token}` },
        onNonLazyError: onError,
      });
      clients.push(client);
      wave.push(
        new Promise<void>((resolve) => {
          const off = client.on('connected', () => {
            off();
            resolve();
          });
          client.subscribe<{ alertRaised: { id: string } }>(
            { query: task.query },
            {
              next: (value) => {
                const at = preciseNow();
                const id = value.data?.alertRaised.id;
                if (id === undefined) return onError(value.errors ?? 'no data');
                const list = arrivals.get(id);
                if (list === undefined) arrivals.set(id, [at]);
                else list.push(at);
              },
              error: (error) => {
                onError(error);
                resolve();
              },
              complete: () => {},
            },
          );
        }),
      );
    }
    await Promise.all(wave);
  }
  port.postMessage({ kind: 'subscribed' });
  await new Promise<void>((resolve) => port.once('message', () => resolve()));
  await Promise.all(clients.map((client) => client.dispose()));
  return { arrivals: Object.fromEntries(arrivals), failures, firstError };
}

if (!isMainThread) {
  const task = workerData as WorkerTask;
  const port = parentPort!;
  const run =
    task.kind === 'open-loop' ? openLoop(task) : task.kind === 'closed-loop' ? closedLoop(task) : subscribers(task, port);
  run.then(
    (result) => port.postMessage({ kind: 'result', result }),
    (error: unknown) => port.postMessage({ kind: 'failed', error: String(error) }),
  );
}

/** Runs a task in a worker thread; `onMessage` sees messages other than the result. */
function inWorker<R>(task: WorkerTask, onMessage?: (message: { kind: string }, worker: Worker) => void): Promise<R> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: task });
    worker.on('message', (message: { kind: string; result?: R; error?: string }) => {
      if (message.kind === 'result') resolve(message.result as R);
      else if (message.kind === 'failed') reject(new Error(message.error));
      else onMessage?.(message, worker);
    });
    worker.on('error', reject);
    worker.on('exit', (code) => {
      if (code !== 0) reject(new Error(`worker exited with ${code}`));
    });
  });
}

// ─── main thread: the server, the fixture and the measurements ─────────────────────────────

if (isMainThread) await main();

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      users: { type: 'string', default: '10000' },
      departments: { type: 'string', default: '20' },
      rate: { type: 'string', default: '200' },
      seconds: { type: 'string', default: '20' },
      subscribers: { type: 'string', default: '1000' },
      alerts: { type: 'string', default: '20' },
      'neighbor-queries': { type: 'string', default: '300' },
      'scope-reads': { type: 'string', default: '30' },
      keep: { type: 'boolean', default: false },
    },
  });
  const { seededRandom } = await import('../src/analytics/peer-groups/random.ts');
  const { Topic } = await import('../src/api/pubsub/topics.ts');
  const { loadConfig } = await import('../src/config.ts');
  const { createLogger } = await import('../src/logger.ts');
  const { startServer } = await import('../src/main.ts');

  const users = Number(values.users);
  const departments = Number(values.departments);
  const rate = Number(values.rate);
  const seconds = Number(values.seconds);
  const subscriberCount = Number(values.subscribers);
  const alertCount = Number(values.alerts);
  const work = mkdtempSync(path.join(os.tmpdir(), 'riskgraph-bench-api-'));
  const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);
  const adminToken = randomBytes(24).toString('base64url');
  const benchStarted = performance.now();
  const loadAtStart = os.loadavg().map((l) => round(l, 2));

  const config = loadConfig({
    ...process.env,
    NODE_ENV: 'production',
    PORT: '0',
    RISKGRAPH_ADMIN_TOKEN: adminToken,
    RISKGRAPH_DATA_DIR: process.env.NEO4J_URI ? work : path.join(work, 'data'),
    RISKGRAPH_QUEUE_PREFIX: `bench-api-${Date.now()}`,
    RISKGRAPH_LOG_LEVEL: process.env.RISKGRAPH_LOG_LEVEL ?? 'warn',
    NEO4J_PAGE_CACHE: process.env.NEO4J_PAGE_CACHE ?? '1g',
    // A week: the peer-group rebuild must not run on the fixture in the middle of a measurement.
    RISKGRAPH_PEER_GROUPS_EVERY_MINUTES: String(7 * 24 * 60),
  });
  log(`starting the server (Neo4j: ${config.neo4j.uri ?? 'a fresh local one'})`);
  // No periodic reload of the risk-decision state during the measurements: the bench reloads it once.
  const server = await startServer(config, createLogger(config.logLevel), { riskDecisions: { reloadEveryMs: 24 * 3_600_000 } });
  const graphqlUrl = `${server.url}/graphql`;
  const { executor } = server.runtime;
  const write = (statement: string, params: Record<string, unknown>) => executor.query('WRITE', statement, params);
  let result: Record<string, unknown>;
  try {
    // The peer-group run scheduled at start goes first (on the empty graph), then none.
    await server.runtime.peerGroups.jobs.unschedule();
    await server.runtime.peerGroups.jobs.runNow({ wait: true, timeoutMs: 120_000 });

    // ── fixture ──
    const random = seededRandom(20261122);
    const fixture = await buildAccessGraph({
      users,
      departments,
      random,
      now: Date.now(),
      write,
      read: (statement) => executor.query('READ', statement),
      log,
    });
    const { userId, ipOf, deviceOf, counts } = fixture;
    const fixtureSeconds = fixture.seconds;

    // ── (a) risk decision ──
    const load = await server.api.riskDecisions.reload();
    log(`risk-decision state: ${load.users} users loaded in ${load.ms} ms`);
    const { createApiKey } = await graphql<{ createApiKey: { secret: string } }>(graphqlUrl, adminToken, `mutation { createApiKey(name: "bench idp", role: IDP) { secret } }`);
    const decisionRequests = Array.from({ length: 4_000 }, (_, n) => {
      const i = Math.floor(random() * users);
      // 80 % of logins from the user's own workstation and network, the rest from elsewhere.
      const usual = random() < 0.8;
      return {
        userId: userId(i),
        ip: usual ? ipOf(i) : `198.51.100.${n % 250}`,
        deviceId: usual ? deviceOf(i) : `LAPTOP-${n}`,
        application: 'vpn',
      };
    });
    const inProcess: number[] = [];
    for (let n = 0; n < 20_000; n++) {
      const request = decisionRequests[n % decisionRequests.length]!;
      const started = performance.now();
      await server.api.riskDecisions.decide({ ...request, time: Date.now() }, 'bench');
      inProcess.push((performance.now() - started) * 1000);
      // Let the audit writer's timer run, as request handling would.
      if (n % 500 === 499) await new Promise((resolve) => setImmediate(resolve));
    }
    log(`risk decision over HTTP: ${rate} req/s for ${seconds} s (open loop, after 3 s of warm-up)`);
    const decisionQuery = `query ($input: RiskDecisionInput!) { riskDecision(input: $input) { decision riskScore riskLevel reasons decidedAt } }`;
    // The fixture's garbage is this process's, not the server's: collect it before measuring
    // (`npm run bench:api` passes --expose-gc).
    (globalThis as { gc?: () => void }).gc?.();
    await sleep(1_000);
    const loadBeforeDecisions = round(os.loadavg()[0]!, 2);
    // What the server's own event loop went through meanwhile: stalls (any cause) and GC pauses.
    const loopDelay = monitorEventLoopDelay({ resolution: 1 });
    const gcPauses: number[] = [];
    const gcByKind: Record<string, { count: number; totalMs: number; maxMs: number }> = {};
    const GC_KINDS: Record<number, string> = { 1: 'minor', 4: 'major', 8: 'incremental', 16: 'weakcb' }; // perf_hooks NODE_PERFORMANCE_GC_*
    const gcObserver = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        if (entry.startTime < observedFrom) continue;
        gcPauses.push(entry.duration);
        const kind = GC_KINDS[(entry as { detail?: { kind?: number } }).detail?.kind ?? 0] ?? 'other';
        const k = (gcByKind[kind] ??= { count: 0, totalMs: 0, maxMs: 0 });
        k.count += 1;
        k.totalMs = round(k.totalMs + entry.duration, 1);
        k.maxMs = round(Math.max(k.maxMs, entry.duration), 1);
      }
    });
    const observedFrom = performance.now();
    const heapBeforeDecisionsMiB = round(process.memoryUsage().heapUsed / 2 ** 20, 1);
    gcObserver.observe({ entryTypes: ['gc'] });
    loopDelay.enable();
    const openLoopResult = await inWorker<Awaited<ReturnType<typeof openLoop>>>({
      kind: 'open-loop',
      url: graphqlUrl,
      token: createApiKey.secret,
      rate,
      seconds,
      warmupSeconds: 3,
      requests: decisionRequests.map((input) => ({ query: decisionQuery, variables: { input } })),
    });
    loopDelay.disable();
    gcObserver.disconnect();
    if (openLoopResult.errors > 0) log(`  ${openLoopResult.errors} failed requests, e.g. ${openLoopResult.firstError}`);

    // ── (b) 2-hop neighbourhood ──
    const neighborQueries = Number(values['neighbor-queries']);
    log(`2-hop neighbourhood: ${neighborQueries} queries from random users, one at a time (after 20 warm-up queries)`);
    const neighborQuery = `query ($id: ID!) { entity(id: $id) { id neighbors(depth: 2, first: 50) { edges { distance node { id } } pageInfo { hasNextPage endCursor } } } }`;
    const loadBeforeNeighbors = round(os.loadavg()[0]!, 2);
    const neighborResult = await inWorker<Awaited<ReturnType<typeof closedLoop>>>({
      kind: 'closed-loop',
      url: graphqlUrl,
      token: adminToken,
      warmup: 20,
      maxSeconds: 150,
      requests: Array.from({ length: neighborQueries + 20 }, () => ({ query: neighborQuery, variables: { id: `User:${userId(Math.floor(random() * users))}` } })),
    });
    if (neighborResult.errors > 0) log(`  ${neighborResult.errors} failed queries, e.g. ${neighborResult.firstError}`);

    // ── (c) alert delivery ──
    log(`alert delivery: ${subscriberCount} graphql-ws subscribers, ${alertCount} alerts`);
    const loadBeforeAlerts = round(os.loadavg()[0]!, 2);
    const published = new Map<string, number>();
    const subscribersResult = await inWorker<Awaited<ReturnType<typeof subscribers>>>(
      {
        kind: 'subscribers',
        url: graphqlUrl.replace(/^http/, 'ws'),
        token: adminToken,
        count: subscriberCount,
        query: 'subscription { alertRaised { id severity raisedAt score reasons user { key riskLevel } } }',
      },
      (message, worker) => {
        if (message.kind !== 'subscribed') return;
        void (async () => {
          const deadline = Date.now() + 30_000;
          while (server.api.pubsub.subscriberCount(Topic.ALERT_RAISED) < subscriberCount && Date.now() < deadline) await sleep(50);
          log(`  ${server.api.pubsub.subscriberCount(Topic.ALERT_RAISED)} subscribers live`);
          // Two warm-up alerts first (not counted): the first delivery compiles the resolvers' code paths.
          for (let k = -2; k < alertCount; k++) {
            const id = k < 0 ? `bench-warmup-${-k}` : `bench-alert-${k}`;
            const user = userId(Math.floor(random() * users));
            const at = preciseNow();
            await server.api.alerts.publish({ id, severity: 'HIGH', raisedAt: Date.now(), user, session: null, reasons: ['bench'], score: 80 });
            if (k >= 0) published.set(id, at);
            await sleep(500);
          }
          await sleep(3_000);
          worker.postMessage('done');
        })();
      },
    );
    const deliveries: number[] = [];
    let missing = 0;
    for (const [id, at] of published) {
      const arrivals = subscribersResult.arrivals[id] ?? [];
      missing += subscriberCount - arrivals.length;
      for (const arrival of arrivals) deliveries.push(arrival - at);
    }
    if (subscribersResult.failures > 0) log(`  ${subscribersResult.failures} subscriber failures, e.g. ${subscribersResult.firstError}`);

    // ── (d) subscription scopes ──
    const { Neo4jScopeRepository } = await import('../src/store/scope.repository.ts');
    const { DEFAULT_SCOPE_OPTIONS, membershipOf } = await import('../src/api/pubsub/scope-registry.ts');
    const scopeRepository = new Neo4jScopeRepository(executor);
    const scopeReads = Number(values['scope-reads']);
    const scopeBound = DEFAULT_SCOPE_OPTIONS.maxNodes;
    const randomUser = () => ({ type: 'User' as const, id: userId(Math.floor(random() * users)) });
    // A department's server, uniformly among its assets (the fixture draws accesses Zipf-skewed over them).
    const randomDeptAsset = () => ({ type: 'Asset' as const, id: fixture.deptAsset(Math.floor(random() * departments), Math.floor(random() * fixture.assetsPerDept)) });
    const scopeCases = [
      { kind: 'user, 1 hop', start: randomUser, hops: 1 as const },
      { kind: 'user, 2 hops', start: randomUser, hops: 2 as const },
      { kind: 'user, 3 hops', start: randomUser, hops: 3 as const },
      { kind: 'department asset, 1 hop', start: randomDeptAsset, hops: 1 as const },
      { kind: 'department asset, 2 hops', start: randomDeptAsset, hops: 2 as const },
    ];
    log(`subscription scopes: ${scopeReads} reads of each of ${scopeCases.length} kinds, bound ${scopeBound} entities (after 3 warm-up reads each)`);
    const loadBeforeScopes = round(os.loadavg()[0]!, 2);
    const scopes: Record<string, unknown> = {};
    for (const scopeCase of scopeCases) {
      const latencies: number[] = [];
      const sizes: number[] = [];
      const members: number[] = [];
      let refused = 0;
      for (let n = -3; n < scopeReads; n++) {
        const started = performance.now();
        const nodes = await scopeRepository.within(scopeCase.start(), scopeCase.hops, scopeBound + 1);
        const ms = performance.now() - started;
        if (n < 0) continue;
        latencies.push(ms);
        if (nodes.length > scopeBound) refused += 1;
        else {
          sizes.push(nodes.length);
          members.push(membershipOf(nodes, scopeCase.hops).members.size);
        }
      }
      scopes[scopeCase.kind] = { reads: latencies.length, latencyMs: summarise(latencies, 1), entities: summarise(sizes, 0), members: summarise(members, 0), refused };
      log(`  ${scopeCase.kind}: p50 ${summarise(latencies, 1).p50} ms, p95 ${summarise(latencies, 1).p95} ms; ${refused} of ${latencies.length} over the bound`);
    }

    const decisionLatency = summarise(openLoopResult.latencies, 3);
    result = {
      benchmark: 'api',
      at: new Date().toISOString(),
      machine: {
        cpus: os.cpus().length,
        memoryGiB: Math.round(os.totalmem() / 2 ** 30),
        node: process.version,
        // The machine is shared: its load while measuring says how far to trust the figures.
        loadAverage: { atStart: loadAtStart, atEnd: os.loadavg().map((l) => round(l, 2)) },
      },
      config: { neo4j: config.neo4j.uri ?? 'local', pageCache: config.neo4j.pageCache, heap: config.neo4j.heap },
      fixture: { users: counts.users, accessedEdges: counts.accessed, departments, assets: fixture.assets, seconds: round(fixtureSeconds, 1) },
      riskDecision: {
        stateLoad: { users: load.users, ms: load.ms },
        inProcessMicroseconds: summarise(inProcess, 1),
        http: {
          rate,
          seconds,
          loadAverage1m: loadBeforeDecisions,
          requests: openLoopResult.latencies.length,
          errors: openLoopResult.errors,
          achievedRate: round(openLoopResult.achievedRate, 1),
          /** From each request's scheduled send time (open loop: queueing counts). */
          latencyMs: decisionLatency,
          /** From the moment each request actually left the client. */
          serviceMs: summarise(openLoopResult.serviceTimes, 3),
          /** How late requests left the client (timer granularity, a busy machine). */
          sendLagMs: summarise(openLoopResult.lateStarts, 3),
          decisions: openLoopResult.outcomes,
          serverEventLoopDelayMs: {
            p50: round(loopDelay.percentile(50) / 1e6, 2),
            p99: round(loopDelay.percentile(99) / 1e6, 2),
            max: round(loopDelay.max / 1e6, 2),
          },
          serverGcPausesMs: { count: gcPauses.length, total: round(gcPauses.reduce((a, b) => a + b, 0), 1), max: round(Math.max(0, ...gcPauses), 1), byKind: gcByKind },
          heapUsedBeforeMiB: heapBeforeDecisionsMiB,
        },
      },
      neighbors: {
        depth: 2,
        first: 50,
        loadAverage1m: loadBeforeNeighbors,
        queries: neighborResult.latencies.length,
        errors: neighborResult.errors,
        latencyMs: summarise(neighborResult.latencies, 1),
        averageReturned: round(neighborResult.returned.reduce((a, b) => a + b, 0) / Math.max(1, neighborResult.returned.length), 1),
      },
      alertDelivery: {
        subscribers: subscriberCount,
        loadAverage1m: loadBeforeAlerts,
        alerts: published.size,
        deliveries: deliveries.length,
        missing,
        subscriberFailures: subscribersResult.failures,
        latencyMs: summarise(deliveries, 1),
      },
      scopes: { bound: scopeBound, loadAverage1m: loadBeforeScopes, byKind: scopes },
      targets: { riskDecisionP99Ms: 5, neighborsP95Ms: 30, alertDeliveryP99Ms: 1000 },
      totalSeconds: 0,
    };
  } finally {
    await server.close();
    if (!values.keep) rmSync(work, { recursive: true, force: true });
  }
  result.totalSeconds = round((performance.now() - benchStarted) / 1000, 1);
  const out = path.join(import.meta.dirname, 'results', 'api.json');
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  const r = result as {
    riskDecision: { inProcessMicroseconds: { p50: number; p99: number }; http: { latencyMs: { p50: number; p99: number }; requests: number; errors: number } };
    neighbors: { latencyMs: { p50: number; p95: number }; queries: number };
    alertDelivery: { latencyMs: { p50: number; p99: number }; deliveries: number; missing: number };
  };
  const verdict = (value: number, goal: number) => (value <= goal ? `ok, goal ≤ ${goal}` : `MISSED, goal ≤ ${goal}`);
  process.stdout.write(
    `risk decision, in process   p50 ${r.riskDecision.inProcessMicroseconds.p50} µs, p99 ${r.riskDecision.inProcessMicroseconds.p99} µs\n` +
      `risk decision, HTTP ${rate}/s  p50 ${r.riskDecision.http.latencyMs.p50} ms, p99 ${r.riskDecision.http.latencyMs.p99} ms (${verdict(r.riskDecision.http.latencyMs.p99, 5)}; ${r.riskDecision.http.requests} requests, ${r.riskDecision.http.errors} errors)\n` +
      `2-hop neighbours            p50 ${r.neighbors.latencyMs.p50} ms, p95 ${r.neighbors.latencyMs.p95} ms (${verdict(r.neighbors.latencyMs.p95, 30)}; ${r.neighbors.queries} queries)\n` +
      `alert delivery ×${subscriberCount}       p50 ${r.alertDelivery.latencyMs.p50} ms, p99 ${r.alertDelivery.latencyMs.p99} ms (${verdict(r.alertDelivery.latencyMs.p99, 1000)}; ${r.alertDelivery.deliveries} deliveries, ${r.alertDelivery.missing} missing)\n` +
      `written to                  ${path.relative(process.cwd(), out)} (${result.totalSeconds} s in all)\n`,
  );
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function graphql<D>(url: string, token: string, query: string, variables: Record<string, unknown> = {}): Promise<D> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: D; errors?: unknown[] };
  if (body.errors !== undefined || body.data === undefined) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
  return body.data;
}
