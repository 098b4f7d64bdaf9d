import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../src/main.ts';
import { graphQuery, testConfig, testRuntime } from '../support/runtime.ts';

/**
 * `riskgraph ingest` as a user runs it: a separate process, real files, the JSON summary on
 * stdout. CERT files of one day are merged by time, so each user's logon, web and USB activity
 * lands in one session from logon to logoff.
 */
const run = promisify(execFile);
const CLI = path.join(import.meta.dirname, '../../src/cli.ts');

const LOGON = `id,date,user,pc,activity
{L1},01/04/2010 08:00:00,AAA0001,PC-1,Logon
{L2},01/04/2010 08:30:00,BBB0002,PC-2,Logon
{L3},01/04/2010 12:00:00,AAA0001,PC-1,Logoff
{L4},01/04/2010 11:00:00,BBB0002,PC-2,Logoff
`;
const HTTP = `id,date,user,pc,url,content
{H1},01/04/2010 08:05:00,AAA0001,PC-1,http://www.example.com/a,"words, with commas"
{H2},01/04/2010 09:00:00,BBB0002,PC-2,http://intranet.dtaa.com/b,text
{H3},01/04/2010 10:00:00,BBB0002,PC-2,http://intranet.dtaa.com/c,text
{H4},01/04/2010 11:00:00,AAA0001,PC-1,http://www.example.com/d,text
{H5},01/04/2010 11:30:00,AAA0001,PC-1,not a url at all,text
`;
const DEVICE = `id,date,user,pc,activity
{D1},01/04/2010 11:10:00,AAA0001,PC-1,Connect
{D2},01/04/2010 11:20:00,AAA0001,PC-1,Disconnect
{D3},01/04/2010 11:25:00,AAA0001,PC-1,Explode
`;

describe('riskgraph ingest (CLI process)', () => {
  let runtime: Runtime;
  let dir: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    const config = testConfig();
    runtime = await testRuntime({ workers: false }, { RISKGRAPH_QUEUE_PREFIX: config.queue.prefix });
    dir = mkdtempSync(path.join(os.tmpdir(), 'riskgraph-cli-'));
    writeFileSync(path.join(dir, 'logon.csv'), LOGON);
    writeFileSync(path.join(dir, 'http.csv'), HTTP);
    writeFileSync(path.join(dir, 'device.csv'), DEVICE);
    env = {
      ...process.env,
      NODE_ENV: 'test',
      NEO4J_URI: runtime.neo4jUri,
      REDIS_URL: runtime.redisUrl,
      RISKGRAPH_QUEUE_PREFIX: config.queue.prefix,
      RISKGRAPH_DATA_DIR: dir,
    };
  });
  afterAll(async () => {
    await runtime?.close();
  });

  it('imports CERT files merged by time and prints the summary', { timeout: 120_000 }, async () => {
    const files = ['logon.csv', 'http.csv', 'device.csv'].map((f) => path.join(dir, f));
    const { stdout } = await run(process.execPath, [CLI, 'ingest', ...files, '--format', 'cert'], { env });
    const summary = JSON.parse(stdout.trim()) as Record<string, number>;
    expect(summary).toMatchObject({ accepted: 11, duplicates: 0, deadLetters: 1 }); // H5 keeps its url, without a domain

    const sessions = await graphQuery<{ user: string; events: number; reason: string; usb: number; web: number }>(
      runtime,
      `MATCH (s:Session) RETURN s.user AS user, s.eventCount AS events, s.closeReason AS reason,
              s.usbEvents AS usb, s.webRequests AS web ORDER BY user`,
    );
    expect(sessions).toEqual([
      // 08:00 logon and 08:05 web; then nothing for 2h55 (> the 2 h gap): a new session from 11:00 to the 12:00 logoff
      { user: 'AAA0001', events: 2, reason: 'inactivity', usb: 0, web: 1 },
      { user: 'AAA0001', events: 5, reason: 'logoff', usb: 2, web: 2 },
      { user: 'BBB0002', events: 4, reason: 'logoff', usb: 0, web: 2 },
    ]);
    const letters = await runtime.deadLetters.list({ source: path.join(dir, 'device.csv'), limit: 5 });
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ line: 4 });
    expect(letters[0]!.reason).toContain('Explode');

    const again = await run(process.execPath, [CLI, 'ingest', ...files, '--format', 'cert'], { env });
    expect(JSON.parse(again.stdout.trim())).toMatchObject({ accepted: 0, duplicates: 11, deadLetters: 1 });
  });

  it('exits non-zero with a clear message for a bad format or a missing file', async () => {
    const bad = await run(process.execPath, [CLI, 'ingest', path.join(dir, 'logon.csv'), '--format', 'xml'], { env }).catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect(bad).toMatchObject({ code: 1 });
    expect((bad as { stderr: string }).stderr).toMatch(/xml.*(invalid|Allowed choices)/is);
    const missing = await run(process.execPath, [CLI, 'ingest', path.join(dir, 'nope.ndjson'), '--format', 'ecs'], { env }).catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect(missing).toMatchObject({ code: 1 });
    expect((missing as { stderr: string }).stderr).toContain('nope.ndjson');
  });
});
