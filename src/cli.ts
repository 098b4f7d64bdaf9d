#!/usr/bin/env node
/**
 * The `riskgraph` command. Thin: it parses arguments, loads the configuration and calls the
 * composition root (main.ts). Results go to stdout as JSON; logs and progress go to stderr.
 */
import { createReadStream, existsSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Transform } from 'node:stream';
import { Command, InvalidArgumentError, Option } from 'commander';
import cliProgress from 'cli-progress';
import { loadConfig } from './config.ts';
import { isDomainError } from './errors.ts';
import { INPUT_FORMATS, type InputFormat, type ParsedItem } from './events/event.ts';
import { parseStream } from './events/importer.ts';
import { LdapSnapshotTracker } from './events/ldap-snapshot.tracker.ts';
import { ensureLocalNeo4j } from './infra/neo4j-local.ts';
import { mergeByTime } from './ingest/merge-by-time.ts';
import { createLogger } from './logger.ts';
import { createRuntime, startServer } from './main.ts';
import { loadDemoData } from './demo.ts';
import { runEvaluation } from './eval.ts';
import { formatDetectionReport } from './analytics/evaluation/detection-report.ts';

/**
 * How long `serve` drains after SIGTERM or SIGINT before it exits anyway, ms: the batch in
 * flight (bounded by the driver's retry time) and the closers; idle it takes about a second.
 */
const DRAIN_DEADLINE_MS = 30_000;
/** How long `riskgraph peer-groups` waits for a build's peer-share stamping, ms (1M edges took about 3 minutes here). */
const PEER_SHARE_WAIT_MS = 30 * 60_000;

const program = new Command()
  .name('riskgraph')
  .description('User and entity behaviour analytics over a Neo4j entity graph')
  .showHelpAfterError();

program
  .command('serve')
  .description('run the API and the pipeline workers (starts a local Neo4j when NEO4J_URI is unset)')
  .option('--demo', 'load a small demo organisation when the graph is empty')
  .action(async (opts: { demo?: boolean }) => {
    const config = loadConfig(process.env);
    const log = createLogger(config.logLevel);
    const server = await startServer(config, log);
    process.stderr.write(`riskgraph: listening on ${server.url} (Neo4j ${server.runtime.neo4jUri}, Redis ${server.runtime.redisUrl})\n`);
    process.stderr.write(
      `riskgraph: analyst console at ${server.url}/console/ (sign in with ${config.adminToken === undefined ? "this run's admin token printed above" : 'the admin token RISKGRAPH_ADMIN_TOKEN'}, or an API key)\n`,
    );
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) {
        // A second Ctrl-C: stop now. Nothing is lost (a batch not acknowledged is redone, as
        // after a crash); the local Neo4j and Redis stop with this process.
        log.warn({ signal }, 'second signal while draining: exiting at once');
        process.exit(130);
      }
      stopping = true;
      log.info({ signal }, 'draining');
      const forced = setTimeout(() => {
        log.warn({ afterMs: DRAIN_DEADLINE_MS }, 'drain did not finish in time: exiting (unacknowledged batches are redone on the next start)');
        process.exit(1);
      }, DRAIN_DEADLINE_MS);
      forced.unref();
      await server.close();
      log.info({ signal }, 'stopped');
      process.exit(0);
    };
    process.on('SIGTERM', () => void stop('SIGTERM'));
    process.on('SIGINT', () => void stop('SIGINT'));
    if (opts.demo) {
      process.stderr.write('riskgraph: loading the demo organisation if the graph is empty (60 people, five weeks: 179k events, a few minutes on a small machine)\n');
      const summary = await loadDemoData(server.runtime);
      if (summary === null) {
        process.stderr.write('riskgraph: the graph already holds data; demo not loaded\n');
      } else {
        const { alerted, ...ingested } = summary;
        process.stderr.write(`riskgraph: demo organisation loaded: ${JSON.stringify(ingested)}\n`);
        process.stderr.write(
          `riskgraph: demo: ${alerted.users} users with ${alerted.alerts} explained alerts (${alerted.withHistory} with a risk history); open the console's alert feed\n`,
        );
        // The groups the API shows: built once more on all of the data.
        const groups = await server.runtime.peerGroups.jobs.runNow({ wait: true });
        process.stderr.write(`riskgraph: peer groups built: ${JSON.stringify(groups)}\n`);
      }
    }
  });

program
  .command('worker')
  .description('run only pipeline workers: processes on any number of machines share the partitions through Redis (NEO4J_URI and REDIS_URL name the shared servers)')
  .action(async () => {
    const config = loadConfig(process.env);
    const log = createLogger(config.logLevel);
    const runtime = await createRuntime(config, log, { workers: true });
    process.stderr.write(`riskgraph: worker running (Neo4j ${runtime.neo4jUri}, Redis ${runtime.redisUrl}, prefix ${config.queue.prefix})\n`);
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      log.info({ signal }, 'draining');
      await runtime.close();
      process.exit(0);
    };
    process.on('SIGTERM', () => void stop('SIGTERM'));
    process.on('SIGINT', () => void stop('SIGINT'));
  });

program
  .command('ingest')
  .description('import event files through the queues and print {accepted, duplicates, deadLetters, seconds}')
  .argument('<files...>', 'files to import; several files of one format are merged by time')
  .addOption(
    new Option('-f, --format <format>', 'input format').choices([...INPUT_FORMATS]).makeOptionMandatory(),
  )
  .option('--no-wait', 'return once the events are durably queued, before they are processed')
  .option('--lanl-epoch <iso>', 'LANL auth.txt: the UTC instant its time 0 stands for', parseInstant)
  .action(async (files: string[], opts: { format: InputFormat; wait: boolean; lanlEpoch?: number }) => {
    const config = loadConfig(process.env);
    const log = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
    for (const file of files) statSync(file); // fail before starting anything if a file is missing
    const runtime = await createRuntime(config, log, { workers: opts.wait });
    try {
      const progress = progressBar(files);
      const ldap = new LdapSnapshotTracker();
      const sources = [...files].sort().map((file) =>
        parseStream(progress.count(createReadStream(file)), {
          format: opts.format,
          source: file,
          ldap,
          ...(opts.lanlEpoch === undefined ? {} : { lanlEpoch: opts.lanlEpoch }),
        }),
      );
      const items: AsyncIterable<ParsedItem> = sources.length === 1 ? sources[0]! : mergeByTime(sources);
      const summary = await runtime.ingest.ingest(items, { source: files.join(','), wait: opts.wait });
      progress.stop();
      process.stdout.write(`${JSON.stringify(summary)}\n`);
    } finally {
      await runtime.close();
    }
  });

program
  .command('eval')
  .description('ingest a labelled dataset into a fresh database and report detection metrics per scenario')
  .requiredOption('--events <files...>', 'event files (several of one format are merged by time)')
  .requiredOption('--labels <file>', 'attack labels CSV: user,scenario,start,end (ISO UTC), optionally traces (files with the trace, |-separated)')
  .option('--benign <file>', 'hard-negative labels CSV (same columns); default <labels>.benign.csv when present')
  .addOption(new Option('-f, --format <format>', 'input format').choices([...INPUT_FORMATS]).default('ecs'))
  .option('--out <file>', 'JSON report file', 'eval-results.json')
  .option('--wipe', 'allow emptying the database NEO4J_URI points at')
  .action(async (opts: { events: string[]; labels: string; benign?: string; format: InputFormat; out: string; wipe?: boolean }) => {
    const config = loadConfig(process.env);
    const log = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
    for (const file of [...opts.events, opts.labels]) statSync(file);
    let benign = opts.benign;
    if (benign === undefined) {
      const guess = opts.labels.replace(/\.csv$/, '') + '.benign.csv';
      if (existsSync(guess)) benign = guess;
    }
    const result = await runEvaluation(config, log, {
      events: opts.events,
      format: opts.format,
      labels: opts.labels,
      ...(benign === undefined ? {} : { benign }),
      wipe: opts.wipe === true,
      onProgress: (message) => process.stderr.write(`riskgraph eval: ${message}\n`),
    });
    writeFileSync(opts.out, `${JSON.stringify(result, null, 2)}\n`);
    process.stdout.write(`${formatDetectionReport(result.report)}\n\nreport written to ${opts.out}\n`);
  });

program
  .command('neo4j')
  .description('start the local Neo4j in the foreground and print its bolt:// address')
  .action(async () => {
    const config = loadConfig(process.env);
    const neo4j = await ensureLocalNeo4j({
      dataDir: config.dataDir,
      pageCache: config.neo4j.pageCache,
      heap: config.neo4j.heap,
      foreground: true,
      log: (message) => process.stderr.write(`${message}\n`),
    });
    process.stdout.write(`${neo4j.uri}\n`);
    if (!neo4j.owned) {
      process.stderr.write('riskgraph: a local Neo4j already runs on this data directory\n');
      return;
    }
    const stop = () => void neo4j.stop().then(() => process.exit(0));
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });

program
  .command('peer-groups')
  .description('rebuild the peer groups from the graph now and print what was built')
  .action(async () => {
    const config = loadConfig(process.env);
    const log = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
    const runtime = await createRuntime(config, log, { workers: true });
    try {
      const result = await runtime.peerGroups.jobs.runNow({ wait: true });
      // And its follow-up (the peer shares attack paths read, the old build's deletion), which
      // a waiting import does not wait for but a rebuild asked for by hand should see done.
      const followUp = result.activated ? await runtime.peerGroups.jobs.waitForFinish(result.buildId, PEER_SHARE_WAIT_MS) : null;
      process.stdout.write(`${JSON.stringify({ ...result, followUp })}\n`);
    } finally {
      await runtime.close();
    }
  });

program
  .command('dead-letters')
  .description('list rejected input lines, newest first, as JSON lines')
  .option('--source <source>', 'only those from this source (file name or http:<format>)')
  .option('--limit <n>', 'at most this many', parsePositive, 100)
  .action(async (opts: { source?: string; limit: number }) => {
    const config = loadConfig(process.env);
    const log = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
    const runtime = await createRuntime(config, log, { workers: false });
    try {
      const letters = await runtime.deadLetters.list({ source: opts.source, limit: opts.limit });
      for (const letter of letters) {
        process.stdout.write(`${JSON.stringify({ ...letter, at: new Date(letter.at).toISOString() })}\n`);
      }
      const total = await runtime.deadLetters.count(opts.source);
      process.stderr.write(`riskgraph: ${letters.length} of ${total} dead letters shown\n`);
    } finally {
      await runtime.close();
    }
  });

function parseInstant(value: string): number {
  const ms = Date.parse(value);
  if (!/(Z|[+-]\d\d:?\d\d)$/.test(value) || Number.isNaN(ms)) {
    throw new InvalidArgumentError('expected an ISO-8601 instant with Z or an offset');
  }
  return ms;
}

function parsePositive(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive whole number');
  return n;
}

/** A progress bar over the bytes read of all files, on a terminal only. */
function progressBar(files: readonly string[]): { count: <S extends NodeJS.ReadableStream>(stream: S) => Transform; stop(): void } {
  const total = files.reduce((sum, file) => sum + statSync(file).size, 0);
  const bar = process.stderr.isTTY
    ? new cliProgress.SingleBar(
        { format: `${path.basename(files[0] ?? '')}${files.length > 1 ? ` +${files.length - 1}` : ''} [{bar}] {percentage}% | {value}/{total} MiB | {eta_formatted}`, stream: process.stderr },
        cliProgress.Presets.shades_classic,
      )
    : null;
  bar?.start(Math.ceil(total / 1_048_576), 0);
  let read = 0;
  return {
    count: (stream) =>
      stream.pipe(
        new Transform({
          transform(chunk: Buffer, _encoding, callback) {
            read += chunk.length;
            bar?.update(Math.floor(read / 1_048_576));
            callback(null, chunk);
          },
        }),
      ),
    stop: () => {
      bar?.update(Math.ceil(total / 1_048_576));
      bar?.stop();
    },
  };
}

program.parseAsync(process.argv).catch((error: unknown) => {
  if (isDomainError(error)) process.stderr.write(`riskgraph: ${error.message}\n`);
  else process.stderr.write(`riskgraph: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
