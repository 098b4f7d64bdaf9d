/**
 * `npm run bench:risk-snapshot [-- --users N --rounds R --sessions S]`: what storing the
 * explanation (and the recording time) with every risk snapshot costs the ingest write path.
 *
 * The ingest benchmark's synthetic population stays in learning, so it writes no user risk;
 * this measures the statement itself instead: `update-user-risk` (src/store/cypher) for N users,
 * every row with a snapshot and a real fusion explanation of S sessions, against the same
 * statement without the two new snapshot properties (derived from the real file by removing
 * them), alternating R rounds of each in separate transactions on a real Neo4j, and prints the
 * median per round and per row. Writes bench/results/risk-snapshot.json.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { userRisk } from '../src/analytics/fusion/user-risk.ts';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';
import { createRuntime } from '../src/main.ts';
import { cypher } from '../src/store/cypher.ts';

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '2000' },
    rounds: { type: 'string', default: '15' },
    sessions: { type: 'string', default: '8' },
  },
});
const users = Number(values.users);
const rounds = Number(values.rounds);
const sessionsPerUser = Number(values.sessions);
const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

const NEW = cypher('update-user-risk');
const ADDED = ',\n  recordedAt: row.snapshot.recordedAt, explanation: row.explanation';
const OLD = NEW.replace(ADDED, '');
if (OLD === NEW) throw new Error('update-user-risk no longer has the snapshot properties this benchmark compares');

const work = mkdtempSync(path.join(os.tmpdir(), 'riskgraph-bench-'));
const config = loadConfig({
  ...process.env,
  RISKGRAPH_DATA_DIR: process.env.NEO4J_URI ? work : path.join(work, 'data'),
  RISKGRAPH_QUEUE_PREFIX: `bench-${Date.now()}`,
  RISKGRAPH_LOG_LEVEL: process.env.RISKGRAPH_LOG_LEVEL ?? 'warn',
});
const runtime = await createRuntime(config, createLogger(config.logLevel), { workers: false });
const DAY = 86_400_000;
const now = Date.UTC(2026, 0, 15);
const ids = Array.from({ length: users }, (_, i) => `bench-user-${i}`);
await runtime.executor.query('WRITE', 'UNWIND $ids AS id MERGE (:User {id: id})', { ids });

function rows(round: number) {
  return ids.map((user, u) => {
    const risk = userRisk(
      user,
      Array.from({ length: sessionsPerUser }, (_, s) => ({ sessionId: `${user}-s${s}`, score: 10 + ((u * 7 + s * 13 + round) % 90), endedAt: now - s * DAY })),
      now + round,
    );
    return {
      user,
      score: risk.score,
      level: risk.level,
      peak: risk.score,
      updatedAt: risk.computedAt,
      explanation: JSON.stringify(risk),
      snapshot: { at: risk.computedAt, score: risk.score, level: risk.level, previousScore: 0, reasons: ['copied 300 files to removable media in one session (+25)'], recordedAt: Date.now() },
    };
  });
}

const timings: Record<'old' | 'new', number[]> = { old: [], new: [] };
let explanationBytes = 0;
try {
  for (let round = 0; round < rounds; round++) {
    // Alternate the order so neither statement always runs on a warmer cache.
    for (const which of round % 2 === 0 ? (['old', 'new'] as const) : (['new', 'old'] as const)) {
      const batch = rows(round * 2 + (which === 'new' ? 1 : 0));
      explanationBytes = batch.reduce((a, r) => a + r.explanation.length, 0) / batch.length;
      const started = performance.now();
      await runtime.executor.query('WRITE', which === 'old' ? OLD : NEW, { rows: batch });
      timings[which].push(performance.now() - started);
    }
  }
} finally {
  await runtime.close();
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};
// The first round of each warms plans and caches.
const result = {
  benchmark: 'risk-snapshot',
  at: new Date().toISOString(),
  users,
  rounds,
  sessionsPerUser,
  explanationBytes: Math.round(explanationBytes),
  withoutExplanation: { medianMs: median(timings.old.slice(1)), perRowUs: (median(timings.old.slice(1)) * 1000) / users },
  withExplanation: { medianMs: median(timings.new.slice(1)), perRowUs: (median(timings.new.slice(1)) * 1000) / users },
};
const ratio = result.withExplanation.medianMs / result.withoutExplanation.medianMs;
console.log(JSON.stringify({ ...result, ratio: Number(ratio.toFixed(3)) }, null, 2));
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/risk-snapshot.json', `${JSON.stringify({ ...result, ratio }, null, 2)}\n`);
log(`update-user-risk, ${users} rows with snapshots: ${result.withoutExplanation.medianMs.toFixed(1)} ms without, ${result.withExplanation.medianMs.toFixed(1)} ms with the explanation (×${ratio.toFixed(3)})`);
