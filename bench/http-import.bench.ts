/**
 * `npm run bench:http-import [-- --events N]`: a large import over HTTP, as a client sees it.
 * POSTs a generated ECS file (about 200k events by default) to a real `riskgraph` server on a
 * fresh local Neo4j and Redis, and measures the time until the response (the events durably
 * queued, with an import id), then polls `GET /ingest/{id}` until the import is DONE and checks
 * its counts against the response. Writes bench/results/http-import.json.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { generateToFiles } from '../seeds/generate.ts';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';
import { startServer } from '../src/main.ts';

const { values } = parseArgs({ options: { events: { type: 'string', default: '200000' }, users: { type: 'string', default: '1000' } } });
const work = mkdtempSync(path.join(os.tmpdir(), 'riskgraph-http-bench-'));
const file = path.join(work, 'events.ndjson');
const generated = await generateToFiles({ out: file, users: Number(values.users), seed: 3, eventsTarget: Number(values.events) });
const token = 'bench-admin-token-0123456789';
const config = loadConfig({
  ...process.env,
  PORT: '0',
  RISKGRAPH_ADMIN_TOKEN: token,
  RISKGRAPH_DATA_DIR: path.join(work, 'data'),
  RISKGRAPH_QUEUE_PREFIX: `bench-http-${Date.now()}`,
  RISKGRAPH_LOG_LEVEL: process.env.RISKGRAPH_LOG_LEVEL ?? 'warn',
});
const server = await startServer(config, createLogger(config.logLevel));
let result;
try {
  const body = readFileSync(file);
  const started = performance.now();
  const res = await fetch(`${server.url}/ingest?format=ecs`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' }, body });
  const summary = (await res.json()) as { importId: string; accepted: number; duplicates: number; deadLetters: number };
  const answeredSeconds = (performance.now() - started) / 1000;
  let status: { state: string; accepted: number; processed: number; duplicates: number; deadLetters: number } | null = null;
  for (;;) {
    status = (await (await fetch(`${server.url}/ingest/${summary.importId}`, { headers: { authorization: `Bearer ${token}` } })).json()) as typeof status;
    if (status!.state === 'DONE' || status!.state === 'FAILED') break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const doneSeconds = (performance.now() - started) / 1000;
  result = {
    benchmark: 'http-import',
    at: new Date().toISOString(),
    events: generated.events,
    bytes: statSync(file).size,
    answeredSeconds: Number(answeredSeconds.toFixed(2)),
    doneSeconds: Number(doneSeconds.toFixed(2)),
    response: summary,
    final: status,
    countsMatch: status!.state === 'DONE' && status!.accepted === summary.accepted && status!.processed === summary.accepted && status!.deadLetters === summary.deadLetters,
  };
} finally {
  await server.close();
  rmSync(work, { recursive: true, force: true });
}
const out = path.join(import.meta.dirname, 'results', 'http-import.json');
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
process.stdout.write(`answered in ${result.answeredSeconds} s with ${result.response.importId}; DONE after ${result.doneSeconds} s; counts match: ${result.countsMatch}\n`);
