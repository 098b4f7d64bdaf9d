/**
 * `npm run eval:cert [-- options]`: detection quality on the CERT-shaped generator over several
 * seeds and sizes, and on the ECS generator for comparison, each through `riskgraph eval`'s
 * real pipeline (runEvaluation: ingest through the queues, peer groups, scoring, alerts).
 *
 *   --seeds 1,2,3        CERT seeds (default 1,2,3)
 *   --users 200          people per CERT dataset (default 200)
 *   --months 6           months per CERT dataset (default 6)
 *   --files logon,all    which CERT files to evaluate on, one run each: `logon` = logon.csv and
 *                        the LDAP snapshots (the held-out data set's shape), `all` = every file
 *                        (default logon)
 *   --activity 1         web, mail and file volume of the CERT generator (default 1)
 *   --big 1000           also one CERT run of this many users (seed 1, first of --files); 0 = none
 *   --ecs 80             also the ECS generator with every scenario and hard negative, this many
 *                        users over 42 days (seed 11); 0 = none (default 80)
 *   --out eval-cert.json results file under bench/results/
 *
 * One local Neo4j serves every run (each run empties it first); NEO4J_URI is not used, so a
 * configured server is never wiped by accident. Prints one summary line per run and, at the
 * end, the figures per scenario; writes every report in full to the results file.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { generateCertToFiles } from '../seeds/cert.ts';
import { generateToFiles } from '../seeds/generate.ts';
import type { DetectionReport } from '../src/analytics/evaluation/detection-report.ts';
import { loadConfig } from '../src/config.ts';
import { type EvalResult, runEvaluation } from '../src/eval.ts';
import { ensureLocalNeo4j } from '../src/infra/neo4j-local.ts';
import { createLogger } from '../src/logger.ts';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '1,2,3' },
    users: { type: 'string', default: '200' },
    months: { type: 'string', default: '6' },
    files: { type: 'string', default: 'logon' },
    activity: { type: 'string', default: '1' },
    big: { type: 'string', default: '0' },
    ecs: { type: 'string', default: '80' },
    out: { type: 'string', default: 'eval-cert.json' },
    keep: { type: 'boolean', default: false },
  },
});
const seeds = values.seeds.split(',').filter((s) => s !== '').map(Number);
const fileSets = values.files.split(',').filter((s) => s !== '');
for (const f of fileSets) if (f !== 'logon' && f !== 'all') throw new Error(`--files takes logon and/or all (got ${f})`);
const log = (message: string) => process.stderr.write(`[eval:cert] ${message}\n`);
const work = mkdtempSync(path.join(os.tmpdir(), 'riskgraph-eval-cert-'));

interface Run {
  name: string;
  shape: 'cert' | 'ecs';
  seed: number;
  users: number;
  files: string;
  generated: Record<string, unknown>;
  summary: ReturnType<typeof summarise>;
  report: DetectionReport;
  ingest: EvalResult['ingest'];
  seconds: number;
}

function summarise(r: DetectionReport) {
  const pick = (m: DetectionReport['users']) => ({ auc: m.rocAuc, ap: m.averagePrecision, p10: m.precisionAtK[10] ?? null, p20: m.precisionAtK[20] ?? null });
  return {
    users: pick(r.users),
    visible: r.visible === null ? null : { attackers: r.visible.attackers, ...pick(r.visible.users), allWithinGoal: r.visible.allWithinGoal, goalRank: r.visible.goalRank },
    userDays: pick(r.userDays),
    attackers: r.attackers,
    goalRank: r.goalRank,
    allWithinGoal: r.allAttackersWithinGoal,
    scenarios: Object.fromEntries(r.scenarios.map((s) => [s.scenario, { ranks: s.ranks, median: s.medianRank, withinGoal: s.withinGoal, of: s.attackers.length, visible: s.visible }])),
    alerts: r.alerts,
    alertsPer100UsersPerDay: r.alertsPer100UsersPerDay,
    falseAlertsPer100UsersPerDay: r.falseAlertsPer100UsersPerDay,
  };
}

const f3 = (x: number | null | undefined) => (x === null || x === undefined ? '—' : x.toFixed(3));

const neo4j = await ensureLocalNeo4j({ dataDir: path.join(work, 'neo4j-data'), log: (m) => log(m) });
const runs: Run[] = [];
try {
  const config = loadConfig({ ...process.env, NEO4J_URI: neo4j.uri, RISKGRAPH_DATA_DIR: path.join(work, 'data') });
  const logger = createLogger('warn');
  const evaluate = async (name: string, shape: Run['shape'], seed: number, users: number, files: string, generated: Record<string, unknown>, events: string[], labels: string, format: 'cert' | 'ecs') => {
    log(`${name}: evaluating ${events.length} file(s)`);
    const started = performance.now();
    const result = await runEvaluation(config, logger, {
      events,
      format,
      labels,
      benign: labels.replace(/\.csv$/, '.benign.csv'),
      wipe: true,
      onProgress: (m) => log(`${name}: ${m.slice(0, 160)}`),
    });
    const seconds = (performance.now() - started) / 1000;
    const summary = summarise(result.report);
    runs.push({ name, shape, seed, users, files, generated, summary, report: result.report, ingest: result.ingest, seconds });
    const v = summary.visible;
    log(
      `${name}: users AUC ${f3(summary.users.auc)} AP ${f3(summary.users.ap)} P@10 ${f3(summary.users.p10)}`
        + (v === null ? '' : ` | visible (${v.attackers}) AUC ${f3(v.auc)} AP ${f3(v.ap)} all within ${v.goalRank}: ${v.allWithinGoal}`)
        + ` | alerts/100u/d ${f3(summary.alertsPer100UsersPerDay)} false ${f3(summary.falseAlertsPer100UsersPerDay)} | ${result.ingest.events} events, ${seconds.toFixed(0)} s`,
    );
  };

  const certRun = async (seed: number, users: number) => {
    const dir = path.join(work, `cert-${users}-s${seed}`);
    const generated = generateCertToFiles({ out: dir, users, months: Number(values.months), seed, activity: Number(values.activity) });
    log(`generated ${JSON.stringify(generated)}`);
    const ldap = readdirSync(path.join(dir, 'LDAP')).sort().map((f) => path.join(dir, 'LDAP', f));
    return { dir, generated, ldap };
  };
  const certSets = (dir: string, ldap: string[]): Record<string, string[]> => ({
    logon: [path.join(dir, 'logon.csv'), ...ldap],
    all: [...['logon', 'device', 'file', 'email', 'http'].map((f) => path.join(dir, `${f}.csv`)), ...ldap],
  });

  for (const seed of seeds) {
    const users = Number(values.users);
    const { dir, generated, ldap } = await certRun(seed, users);
    for (const files of fileSets) {
      await evaluate(`cert ${users}u s${seed} ${files}`, 'cert', seed, users, files, generated, certSets(dir, ldap)[files]!, path.join(dir, 'answers', 'labels.csv'), 'cert');
    }
    if (!values.keep) rmSync(dir, { recursive: true, force: true });
  }
  const big = Number(values.big);
  if (big > 0) {
    const { dir, generated, ldap } = await certRun(1, big);
    const files = fileSets[0] ?? 'logon';
    await evaluate(`cert ${big}u s1 ${files}`, 'cert', 1, big, files, generated, certSets(dir, ldap)[files]!, path.join(dir, 'answers', 'labels.csv'), 'cert');
    if (!values.keep) rmSync(dir, { recursive: true, force: true });
  }
  const ecsUsers = Number(values.ecs);
  if (ecsUsers > 0) {
    const file = path.join(work, 'ecs.ndjson');
    const labels = path.join(work, 'ecs-labels.csv');
    const generated = await generateToFiles({ out: file, labels, users: ecsUsers, days: 42, seed: 11, scenarios: 'all', benign: 'all' });
    await evaluate(`ecs ${ecsUsers}u s11`, 'ecs', 11, ecsUsers, 'ecs', generated as unknown as Record<string, unknown>, [file], labels, 'ecs');
  }
} finally {
  await neo4j.stop();
  if (!values.keep) rmSync(work, { recursive: true, force: true });
  else log(`kept ${work}`);
}

// The figures per scenario over the runs, for the terminal.
const lines: string[] = ['', 'run                         users AUC   AP    P@10 | visible AUC  AP   all≤goal | alerts/100u/d  false | ranks per scenario'];
for (const r of runs) {
  const s = r.summary;
  const ranks = Object.entries(s.scenarios).map(([name, x]) => `${name} [${x.ranks.join(' ')}]`).join('  ');
  lines.push(
    `${r.name.padEnd(27)} ${f3(s.users.auc)} ${f3(s.users.ap)} ${f3(s.users.p10)} | ${f3(s.visible?.auc)} ${f3(s.visible?.ap)} ${s.visible === null ? '—' : s.visible.allWithinGoal ? 'yes' : 'no '} | ${f3(s.alertsPer100UsersPerDay).padStart(13)} ${f3(s.falseAlertsPer100UsersPerDay)} | ${ranks}`,
  );
}
process.stdout.write(`${lines.join('\n')}\n`);
const resultsDir = path.join(import.meta.dirname, 'results');
mkdirSync(resultsDir, { recursive: true });
const out = path.join(resultsDir, values.out);
writeFileSync(
  out,
  `${JSON.stringify({ command: `npm run eval:cert -- ${process.argv.slice(2).join(' ')}`.trim(), at: new Date().toISOString(), runs: runs.map(({ report, ...r }) => ({ ...r, indicators: report.indicators, report })) }, null, 2)}\n`,
);
process.stdout.write(`results written to ${path.relative(process.cwd(), out)}\n`);
