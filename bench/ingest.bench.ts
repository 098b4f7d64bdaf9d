/**
 * `npm run bench:ingest [-- --events N]`: ingest throughput, measured in one run.
 *  (a) parse-only: NDJSON file → normalized events, nothing else;
 *  (b) end to end: the same file → BullMQ partitions → workers → committed Neo4j writes and
 *      closed sessions (the `ingest --wait` path), against a real Neo4j and Redis.
 * Prints both rates and their ratio, and writes them to bench/results/ingest.json.
 *
 * Neo4j: a fresh local one on a temporary data directory unless NEO4J_URI is set (then the
 * database must be empty or disposable). Redis: REDIS_URL, the local one, or one started here;
 * the run uses its own key prefix.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, createReadStream, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { generateToFiles } from '../seeds/generate.ts';
import { loadConfig } from '../src/config.ts';
import { parseBatches, parseStream } from '../src/events/importer.ts';
import { createLogger } from '../src/logger.ts';
import { createRuntime } from '../src/main.ts';
import { StageTimings } from '../src/perf/stage-timings.ts';
import { readFileSync } from 'node:fs';
import { type ChildProcess, spawn } from 'node:child_process';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '1000000' },
    users: { type: 'string', default: '1000' },
    keep: { type: 'boolean', default: false },
    /** Run the pipeline in this many `riskgraph worker` processes instead of in the benchmark's own. */
    'worker-processes': { type: 'string', default: '0' },
    /** Results file name under bench/results/ (default ingest.json). */
    out: { type: 'string', default: 'ingest.json' },
  },
});
const workerProcesses = Number(values['worker-processes']);
const target = Number(values.events);
const work = mkdtempSync(path.join(os.tmpdir(), 'riskgraph-bench-'));
const file = path.join(work, 'events.ndjson');
const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

log(`generating about ${target} events for ${values.users} users`);
const generated = await generateToFiles({ out: file, users: Number(values.users), seed: 1, eventsTarget: target });
const bytes = statSync(file).size;
log(`${generated.events} events, ${(bytes / 1e6).toFixed(0)} MB`);

// (a) parse only
let parsed = 0;
let started = performance.now();
for await (const batch of parseBatches(createReadStream(file), { format: 'ecs', source: file })) {
  for (const item of batch) if (item.kind === 'event') parsed += 1;
}
const parseSeconds = (performance.now() - started) / 1000;
log(`parse-only: ${parsed} events in ${parseSeconds.toFixed(2)} s`);

// (b) end to end
const config = loadConfig({
  ...process.env,
  RISKGRAPH_DATA_DIR: process.env.NEO4J_URI ? work : path.join(work, 'data'),
  RISKGRAPH_QUEUE_PREFIX: `bench-${Date.now()}`,
  RISKGRAPH_LOG_LEVEL: process.env.RISKGRAPH_LOG_LEVEL ?? 'warn',
});
const runtime = await createRuntime(config, createLogger(config.logLevel), { workers: workerProcesses === 0 });
const children = await startWorkers(workerProcesses);
// Let the processes settle their partition leases (each renews every 2 s) before the clock starts.
if (workerProcesses > 1) await new Promise((resolve) => setTimeout(resolve, 5000));
let summary;
const stages = new StageTimings();
let batches = 0;
let nodeCpu: NodeJS.CpuUsage;
let neo4jCpuSeconds: number | null = null;
let memory: Record<string, unknown> = {};
let peerGroupBuilds: Awaited<ReturnType<typeof buildProfile>> | null = null;
try {
  const neo4jBefore = processCpuSeconds(runtime.neo4jPid);
  const childrenBefore = children.map((c) => processCpuSeconds(c.pid ?? null) ?? 0);
  const cpuBefore = process.cpuUsage();
  started = performance.now();
  summary = await runtime.ingest.ingest(parseStream(createReadStream(file), { format: 'ecs', source: file }), {
    source: file,
    wait: true,
    timings: stages,
    onBatchDone: (result) => {
      batches += 1;
      stages.merge(result.timings);
    },
  });
  nodeCpu = process.cpuUsage(cpuBefore);
  memory = {
    benchProcessRssMB: Math.round(process.memoryUsage().rss / 2 ** 20),
    benchProcessHeapMB: Math.round(process.memoryUsage().heapUsed / 2 ** 20),
    workerProcessRssMB: children.map((c) => processRssMB(c.pid ?? null)),
    cachedUsers: runtime.pipeline.analysis?.cachedUsers() ?? 0,
  };
  peerGroupBuilds = await buildProfile();
  const childSeconds = children.reduce((sum, c, i) => sum + (processCpuSeconds(c.pid ?? null) ?? 0) - childrenBefore[i]!, 0);
  nodeCpu = { user: nodeCpu.user + childSeconds * 1e6, system: nodeCpu.system };
  const neo4jAfter = processCpuSeconds(runtime.neo4jPid);
  if (neo4jBefore !== null && neo4jAfter !== null) neo4jCpuSeconds = neo4jAfter - neo4jBefore;
} finally {
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(children.map((child) => new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)))));
  await runtime.close();
}
const e2eSeconds = (performance.now() - started) / 1000;
log(`end-to-end: ${JSON.stringify(summary)} in ${e2eSeconds.toFixed(2)} s`);

const parseRate = parsed / parseSeconds;
const e2eRate = summary.accepted / e2eSeconds;
const result = {
  benchmark: 'ingest',
  at: new Date().toISOString(),
  machine: { cpus: os.cpus().length, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version },
  config: { partitions: config.queue.partitions, batchSize: config.queue.batchSize, neo4j: config.neo4j.uri ?? 'local', users: Number(values.users), workerProcesses },
  events: generated.events,
  bytes,
  parseOnly: { seconds: round(parseSeconds), eventsPerSecond: Math.round(parseRate) },
  endToEnd: { seconds: round(e2eSeconds), eventsPerSecond: Math.round(e2eRate), summary },
  ratio: round(e2eRate / parseRate, 3),
  cpu: {
    nodeSeconds: round((nodeCpu!.user + nodeCpu!.system) / 1e6),
    nodeMicrosPerEvent: round(((nodeCpu!.user + nodeCpu!.system) / summary.accepted), 1),
    neo4jSeconds: neo4jCpuSeconds === null ? null : round(neo4jCpuSeconds),
    neo4jMicrosPerEvent: neo4jCpuSeconds === null ? null : round((neo4jCpuSeconds * 1e6) / summary.accepted, 1),
  },
  batches,
  memory,
  stages: breakdown(stages, e2eSeconds),
  peerGroupBuilds,
  targets: { endToEndEventsPerSecond: 100_000, ratio: 0.3 },
};
const out = path.join(import.meta.dirname, 'results', values.out);
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
process.stdout.write(
  `stage breakdown (ms summed over batches; share of the end-to-end wall time; stages overlap across partitions)\n` +
    Object.entries(result.stages)
      .map(([stage, o]) => `  ${stage.padEnd(28)} ${String(o.ms).padStart(10)} ms ${String(o.share).padStart(7)} %  ${o.microsPerEvent} µs/event${'rows' in o ? `  ${o.rows} rows, ${o.microsPerRow} µs/row` : ''}`)
      .join('\n') +
    `\nmemory      ${JSON.stringify(result.memory)}` +
    `\npeer groups ${JSON.stringify(result.peerGroupBuilds)}` +
    `\ncpu         node ${result.cpu.nodeSeconds} s (${result.cpu.nodeMicrosPerEvent} µs/event), neo4j ${result.cpu.neo4jSeconds ?? '?'} s (${result.cpu.neo4jMicrosPerEvent ?? '?'} µs/event)\n` +
  `parse-only  ${result.parseOnly.eventsPerSecond.toLocaleString('en')} events/s\n` +
    `end-to-end  ${result.endToEnd.eventsPerSecond.toLocaleString('en')} events/s\n` +
    `ratio       ${result.ratio}\nwritten to  ${path.relative(process.cwd(), out)}\n`,
);
if (!values.keep) rmSync(work, { recursive: true, force: true });

/** `riskgraph worker` processes on the benchmark's Neo4j, Redis and prefix; resolves once each runs. */
async function startWorkers(n: number): Promise<ChildProcess[]> {
  const cli = path.join(import.meta.dirname, '..', 'src', 'cli.ts');
  const env = { ...process.env, NEO4J_URI: runtime.neo4jUri, REDIS_URL: runtime.redisUrl, RISKGRAPH_QUEUE_PREFIX: config.queue.prefix, RISKGRAPH_LOG_LEVEL: 'warn' };
  return Promise.all(
    Array.from({ length: n }, () => {
      const child = spawn(process.execPath, [cli, 'worker'], { env, stdio: ['ignore', 'inherit', 'pipe'] });
      return new Promise<ChildProcess>((resolve, reject) => {
        child.stderr!.on('data', (chunk: Buffer) => {
          const text = chunk.toString();
          if (text.includes('worker running')) resolve(child);
          else process.stderr.write(text);
        });
        child.once('exit', (code) => reject(new Error(`worker exited with ${code}`)));
      });
    }),
  );
}

/**
 * The data-time peer-group rebuilds of the run, from their job results: how long the awaited
 * build's phases took (the gate waits for these), and the follow-ups that stamp the peer shares
 * after it (the gate does not wait for these; one still running when the run ends is not counted).
 */
async function buildProfile() {
  const { builds, finishes } = await runtime.peerGroups.jobs.recentResults();
  const sum = <T>(items: T[], f: (item: T) => number) => items.reduce((total, item) => total + f(item), 0);
  return {
    builds: builds.length,
    readMs: sum(builds, (b) => b.readMs),
    computeMs: sum(builds, (b) => b.computeMs),
    writeMs: sum(builds, (b) => b.writeMs),
    writePhasesMs: Object.fromEntries(
      (['groups', 'members', 'entities', 'activate'] as const).map((phase) => [phase, sum(builds, (b) => b.writePhasesMs[phase])]),
    ),
    memberships: sum(builds, (b) => b.memberships),
    entityRows: sum(builds, (b) => b.entityRows),
    followUps: finishes.length,
    superseded: finishes.filter((f) => f.superseded).length,
    stampedEdges: sum(finishes, (f) => f.peerShareEdges),
    stampMs: sum(finishes, (f) => f.stampMs),
    sweepMs: sum(finishes, (f) => f.sweepMs),
  };
}

/** Per stage: total ms, share of the wall time, µs per accepted event; largest first. */
function breakdown(timings: StageTimings, wallSeconds: number) {
  const events = Math.max(1, summary!.accepted);
  return Object.fromEntries(
    Object.entries(timings.totals)
      .sort((a, b) => b[1] - a[1])
      .map(([stage, ms]) => [
        stage,
        {
          ms: Math.round(ms),
          share: round((ms / (wallSeconds * 1000)) * 100, 1),
          microsPerEvent: round((ms * 1000) / events, 2),
          ...(timings.counts[stage] === undefined ? {} : { rows: timings.counts[stage], microsPerRow: round((ms * 1000) / timings.counts[stage]!, 1) }),
        },
      ]),
  );
}

/** Resident memory of a process, MB, from /proc; null where unreadable. */
function processRssMB(pid: number | null): number | null {
  if (pid === null) return null;
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
    return line === undefined ? null : Math.round(Number(line.split(/\s+/)[1]) / 1024);
  } catch {
    return null;
  }
}

/** CPU seconds (user + system) a process has used so far, from /proc; null where unreadable. */
function processCpuSeconds(pid: number | null): number | null {
  if (pid === null) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of stat(5), in clock ticks (USER_HZ, 100 on Linux).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

function round(value: number, digits = 2): number {
  return Number(value.toFixed(digits));
}
