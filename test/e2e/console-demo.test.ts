import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { type Browser, launchBrowser } from '../support/browser.ts';

/**
 * The newcomer's path, as the README gives it: `riskgraph serve --demo` (what `npm start` runs)
 * on its embedded defaults — a Neo4j of its own, no admin token set — prints the console URL and
 * this run's admin token; in the browser, sign in with that token, open the top alert, follow it
 * to its session's explanation and to the events behind it, without writing a query.
 */
const CLI = path.join(import.meta.dirname, '../../src/cli.ts');

interface Demo {
  child: ChildProcess;
  output: () => string;
  consoleUrl: string;
  token: string;
}

async function startDemo(dataDir: string): Promise<Demo> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: '0',
    REDIS_URL: inject('redisUrl'),
    // Random like testConfig's: a pid recurs across runs on the machine's shared Redis.
    RISKGRAPH_QUEUE_PREFIX: `rgtest-demo-${randomBytes(4).toString('hex')}`,
    RISKGRAPH_DATA_DIR: dataDir,
    RISKGRAPH_LOG_LEVEL: 'warn',
    NEO4J_PAGE_CACHE: '128m',
    NEO4J_HEAP: '768m',
  };
  // The embedded defaults: no store address, no token, not the test environment.
  for (const key of ['NEO4J_URI', 'RISKGRAPH_ADMIN_TOKEN', 'NODE_ENV']) delete env[key];
  const child = spawn(process.execPath, [CLI, 'serve', '--demo'], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  const ready = await new Promise<{ consoleUrl: string; token: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the demo was not loaded within 600 s:\n${out}`)), 300_000);
    const look = () => {
      const consoleUrl = /analyst console at (http:\/\/\S+)/.exec(out)?.[1];
      const token = /this run's admin token is (\S+)/.exec(out)?.[1];
      if (consoleUrl && token && out.includes('demo organisation loaded')) {
        clearTimeout(timer);
        resolve({ consoleUrl, token });
      }
    };
    child.stdout!.on('data', look);
    child.stderr!.on('data', look);
    child.once('exit', () => {
      clearTimeout(timer);
      reject(new Error(`serve --demo exited before the demo was loaded:\n${out}`));
    });
  });
  return { child, output: () => out, ...ready };
}

describe('the analyst console on the demo organisation (riskgraph serve --demo)', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'riskgraph-demo-'));
  let demo: Demo | undefined;
  let browser: Browser | undefined;

  afterAll(async () => {
    await browser?.close();
    if (demo?.child.pid !== undefined && demo.child.exitCode === null) {
      const exited = new Promise((resolve) => demo!.child.once('exit', resolve));
      process.kill(-demo.child.pid, 'SIGTERM');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('signs in with the printed token and follows the top alert to its explanation and events', { timeout: 780_000 }, async () => {
    demo = await startDemo(dataDir);
    expect(demo.consoleUrl).toMatch(/\/console\/$/);
    browser = await launchBrowser();
    const page = await browser.newPage();
    await page.goto(demo.consoleUrl);
    await page.fill('#token', demo.token);
    await page.click('button[type=submit]');
    await page.waitForSelector('[data-testid=leaderboard] tbody tr');
    expect(await page.textContent('[data-testid=whoami]')).toContain('ADMIN');
    // The demo is scored: the top of the leaderboard is at an alerting level.
    expect(await page.locator('[data-testid=leaderboard] tbody tr').first().textContent()).toMatch(/CRITICAL|HIGH/);

    // Alerts page, through the navigation a newcomer sees; the newest alert first.
    await page.click('nav[aria-label=pages] a:text-is("Alerts")');
    await page.waitForSelector('[data-testid=alert-list] tbody tr');
    const alertRows = page.locator('[data-testid=alert-list] tbody tr');
    expect(await alertRows.count()).toBeGreaterThan(0);
    const severities = await alertRows.evaluateAll((rows) => rows.map((r) => r.querySelector('td')?.textContent ?? ''));
    // The most severe alert: the first CRITICAL one, else the first HIGH.
    const top = Math.max(0, severities.findIndex((s) => s.includes('CRITICAL')) >= 0 ? severities.findIndex((s) => s.includes('CRITICAL')) : severities.findIndex((s) => s.includes('HIGH')));
    await alertRows.nth(top).locator('a').click();
    const detail = page.locator('[data-testid=alert-detail]');
    await detail.waitFor();
    expect((await detail.locator('.reasons li').allTextContents()).length).toBeGreaterThan(0);
    const toSession = detail.locator('a', { hasText: "Open the session's explanation" });
    // A user-level alert names the session that crossed the threshold; every demo alert has one.
    expect(await toSession.count()).toBe(1);
    await toSession.click();

    // The explanation adds up to the score, and the events behind it are listed.
    await page.waitForSelector('[data-testid=waterfall]');
    await browser.screenshot(page, 'console-demo-session');
    const shown = Number(await page.textContent('[data-testid=session-score]'));
    const values = await page.locator('[data-testid=contribution]').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-value'))));
    expect(shown).toBeGreaterThan(0);
    expect(values.reduce((sum, v) => sum + Math.round(v * 100), 0)).toBe(Math.round(shown * 100));
    await page.waitForSelector('[data-testid=timeline] tbody tr');
    const events = page.locator('[data-testid=timeline] tbody tr');
    expect(await events.count()).toBeGreaterThan(0);
    expect(await events.first().textContent()).toMatch(/\//); // category/action
    await browser.screenshot(page, 'console-demo-session');
    expect(page.problems).toEqual([]);
  });
});
