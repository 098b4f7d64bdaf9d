/**
 * `riskgraph eval`: ingests a labelled dataset into a fresh database through the real
 * pipeline, then ranks users and user-days by the risk the product gave them and reports
 * the detection metrics (analytics/evaluation/detection-report.ts).
 *
 * Like a deployment, with no step of its own: the dataset goes in as one import, and the peer
 * groups are rebuilt as its data time moves on (jobs/peer-group-freshness.ts), so it is scored
 * against peers the way a backfill through `riskgraph serve` is.
 */
import { readFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type DetectionReport, detectionReport, parseLabelsCsv, type LabelWindow } from './analytics/evaluation/detection-report.ts';
import type { Config } from './config.ts';
import type { InputFormat, ParsedItem } from './events/event.ts';
import { certKindFromFileName } from './events/cert.parser.ts';
import { userDayKey } from './analytics/evaluation/ranking-metrics.ts';
import { parseFile } from './events/importer.ts';
import { LdapSnapshotTracker } from './events/ldap-snapshot.tracker.ts';
import { mergeByTime } from './ingest/merge-by-time.ts';
import type { Logger } from './logger.ts';
import { createRuntime, type Runtime } from './main.ts';
import { cypher } from './store/cypher.ts';
import { Neo4jEvaluationRepository } from './store/evaluation.repository.ts';

const DAY_MS = 86_400_000;

export interface EvalOptions {
  events: readonly string[];
  format: InputFormat;
  labels: string;
  /** Hard-negative labels; optional. */
  benign?: string;
  /** When NEO4J_URI points at a server: its database is emptied first only with this. */
  wipe?: boolean;
  onProgress?: (message: string) => void;
}

export interface EvalResult {
  report: DetectionReport;
  ingest: { events: number; deadLetters: number; seconds: number };
  /** Findings per indicator (scored, learning), for the breakdown. */
  indicators: Record<string, { scored: number; learning: number; users: number }>;
}

export async function runEvaluation(config: Config, log: Logger, options: EvalOptions): Promise<EvalResult> {
  let tempDir: string | null = null;
  let evalConfig: Config;
  if (config.neo4j.uri === undefined) {
    tempDir = await mkdtemp(path.join(os.tmpdir(), 'riskgraph-eval-'));
    evalConfig = { ...config, dataDir: tempDir };
  } else {
    if (!options.wipe) throw new Error('NEO4J_URI is set: riskgraph eval would empty that database; pass --wipe to allow it, or unset NEO4J_URI to use a fresh local one');
    evalConfig = config;
  }
  evalConfig = { ...evalConfig, queue: { ...evalConfig.queue, prefix: `rgeval-${randomBytes(4).toString('hex')}` } };
  const progress = options.onProgress ?? (() => {});
  const attacks = parseLabelsCsv(await readFile(options.labels, 'utf8'));
  const benign = options.benign === undefined ? [] : parseLabelsCsv(await readFile(options.benign, 'utf8'));

  const runtime = await createRuntime(evalConfig, log, { workers: true });
  try {
    if (tempDir === null) await wipe(runtime);
    const started = Date.now();
    const span = await timeSpan(options);
    progress(`dataset ${new Date(span.min).toISOString()} … ${new Date(span.max).toISOString()}`);
    const summary = await runtime.ingest.ingest(items(options), { source: 'eval', wait: true });
    progress(`ingested: ${JSON.stringify(summary)}`);
    const build = await runtime.peerGroups.repository.activeBuild();
    progress(`peer groups in use: ${build === null ? 'none' : `${build.groups} groups of ${build.users} users (build ${build.id})`}`);

    const repo = new Neo4jEvaluationRepository(runtime.executor);
    const [users, sessions, alerts, counts, contributions] = await Promise.all([
      repo.users(), repo.sessions(), repo.alerts(), repo.indicatorCounts(), repo.contributions(),
    ]);
    const days = Math.max(1, Math.round((span.max - span.min) / DAY_MS));
    const files = filesGiven(options);
    const report = detectionReport({
      users,
      sessions,
      alerts,
      attacks: attacks as LabelWindow[],
      benign,
      days,
      activeUserDays: span.activeUserDays,
      contributions,
      findings: counts,
      ...(files === undefined ? {} : { files }),
    });
    const indicators: EvalResult['indicators'] = {};
    const usersPer = new Map<string, Set<string>>();
    for (const c of counts) {
      const entry = (indicators[c.indicatorId] ??= { scored: 0, learning: 0, users: 0 });
      if (c.learning) entry.learning += c.count;
      else entry.scored += c.count;
      usersPer.set(c.indicatorId, new Set([...(usersPer.get(c.indicatorId) ?? []), c.user]));
    }
    for (const [id, set] of usersPer) indicators[id]!.users = set.size;
    return {
      report,
      ingest: { events: summary.accepted, deadLetters: summary.deadLetters, seconds: (Date.now() - started) / 1000 },
      indicators,
    };
  } finally {
    await runtime.close();
    if (tempDir !== null) await rm(tempDir, { recursive: true, force: true }).catch(() => {});
  }
}

/** Empties the graph (keeping the migration records); batched, so it needs an auto-commit transaction. */
async function wipe(runtime: Runtime): Promise<void> {
  const session = runtime.executor.driver.session({ database: runtime.executor.database });
  try {
    await session.run(cypher('wipe-graph'));
  } finally {
    await session.close();
  }
}

function items(options: EvalOptions): AsyncIterable<ParsedItem> {
  const ldap = new LdapSnapshotTracker();
  const sources = [...options.events].sort().map((file) => parseFile(file, { format: options.format, ldap }));
  return sources.length === 1 ? sources[0]! : mergeByTime(sources);
}

/** The time span of the events and every user-day with an activity event (HR records are not activity). */
async function timeSpan(options: EvalOptions): Promise<{ min: number; max: number; activeUserDays: Set<string> }> {
  let min = Infinity;
  let max = -Infinity;
  const activeUserDays = new Set<string>();
  for await (const item of items(options)) {
    if (item.kind !== 'event') continue;
    if (item.event.ts < min) min = item.event.ts;
    if (item.event.ts > max) max = item.event.ts;
    if (item.event.category !== 'iam' && item.event.user !== undefined && item.event.user !== '') activeUserDays.add(userDayKey(item.event.user, item.event.ts));
  }
  if (!Number.isFinite(min)) throw new Error('the events file holds no valid event');
  return { min, max, activeUserDays };
}

/** The kinds of CERT files given (logon, device, …, ldap); undefined for other formats, whose one file holds everything. */
function filesGiven(options: EvalOptions): Set<string> | undefined {
  if (options.format.startsWith('cert-')) return new Set([options.format.slice('cert-'.length)]);
  if (options.format !== 'cert') return undefined;
  const kinds = new Set<string>();
  for (const file of options.events) {
    const kind = certKindFromFileName(file);
    if (kind !== undefined) kinds.add(kind);
  }
  return kinds;
}
