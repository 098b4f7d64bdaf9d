import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDataset } from '../../seeds/generate.ts';
import type { Server } from '../../src/main.ts';
import { type Browser, launchBrowser } from '../support/browser.ts';
import { DAY, ecsLine, iso, MIN } from '../support/behaviour.ts';
import { TEST_ADMIN_TOKEN, testServer } from '../support/runtime.ts';
import { gql, gqlData, until } from './graphql-support.ts';

/**
 * The analyst console in a real browser (Debian's headless Chromium through playwright-core)
 * against a real server in production mode (no introspection) over a seeded organisation: sign
 * in, watch an alert arrive live, follow it to its session's waterfall and events, explore the
 * graph, acknowledge the alert and read the audit; a DASHBOARD key sees no evidence.
 * Screenshots land in test/artifacts/.
 */
const today = Math.floor(Date.now() / DAY) * DAY;

/** Tom, terminated yesterday, logs on today and reaches payroll: an alert the moment it is scored. */
function terminatedLogon(): string {
  return [
    JSON.stringify({
      '@timestamp': iso(today - 12 * 60 * MIN),
      event: { id: 'tom-hr', category: 'iam', action: 'hr_update', outcome: 'success' },
      user: { name: 'tom' },
      riskgraph: { hr: { name: 'Tom Gone', status: 'TERMINATED', effective_date: iso(today - DAY).slice(0, 10), last_day: iso(today - 2 * DAY).slice(0, 10) } },
    }),
    ecsLine('tom', 't1', today - 4 * 60 * MIN, 'authentication', 'logon'),
    ecsLine('tom', 't2', today - 4 * 60 * MIN + 5 * MIN, 'network', 'app_access', { destination: { address: 'PAYROLL-DB' } }),
    ecsLine('tom', 't3', today - 4 * 60 * MIN + 9 * MIN, 'network', 'app_access', { destination: { address: 'HR-FILES' } }),
    ecsLine('tom', 't4', today - 4 * 60 * MIN + 30 * MIN, 'authentication', 'logoff'),
  ].join('\n');
}

async function post(server: Server, body: string): Promise<void> {
  const response = await fetch(`${server.url}/ingest?format=ecs&wait=true`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/x-ndjson' },
    body,
  });
  expect(response.status, await response.clone().text()).toBe(200);
}

describe('the analyst console in headless Chromium', () => {
  let server: Server;
  let browser: Browser;
  let dashboardKey: string;
  /** Set by the live-alert test, used by the ones after it. */
  let tomAlert: { id: string; sessionId: string };

  beforeAll(async () => {
    server = await testServer({ NODE_ENV: 'production' });
    // The seeded organisation: 30 people over 10 days with every attack scenario (~26k events).
    const chunks: Buffer[] = [];
    await generateDataset({ users: 30, days: 10, seed: 7, scenarios: 'all', serviceAccounts: 1 }, { write: (c: Buffer) => void chunks.push(c) });
    await post(server, Buffer.concat(chunks).toString('utf8'));
    const { createApiKey } = await gqlData(server, `mutation { createApiKey(name: "wall display", role: DASHBOARD) { secret } }`);
    dashboardKey = createApiKey.secret;
    browser = await launchBrowser();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('serves the console under /console with a fallback to index.html and nothing outside its build', async () => {
    const bare = await fetch(`${server.url}/console`, { redirect: 'manual' });
    expect(bare.status).toBe(308);
    expect(bare.headers.get('location')).toBe('/console/');
    const index = await fetch(`${server.url}/console/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toMatch(/text\/html/);
    expect(index.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
    const html = await index.text();
    expect(html).toMatch(/<div id="root">/);
    const script = /src="(\/console\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${server.url}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toMatch(/immutable/);
    // A deep link is the client's to route; a missing asset is a 404; `..` never leaves dist.
    expect(await (await fetch(`${server.url}/console/session/abc`)).text()).toBe(html);
    expect((await fetch(`${server.url}/console/assets/nope.js`)).status).toBe(404);
    expect(await (await fetch(`${server.url}/console/..%2f..%2fpackage.json`)).text()).toBe(html);
    // Production mode: the console must not rely on introspection.
    const introspection = await gql(server, '{ __schema { queryType { name } } }');
    expect(introspection.errors?.[0]?.message).toMatch(/introspection/i);
  });

  it('signs in with the admin token, shows the overview and receives an alert live after an import', { timeout: 180_000 }, async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/console/`);
    await page.fill('#token', 'not-a-token');
    await page.click('button[type=submit]');
    await expect.poll(() => page.locator('.signin [role=alert]').textContent()).toMatch(/bearer token/);
    // The refused sign-in's 401 is the one console error expected.
    expect(page.problems).toEqual([expect.stringMatching(/401/)]);
    page.problems.length = 0;
    await page.fill('#token', TEST_ADMIN_TOKEN);
    await page.click('button[type=submit]');
    await page.waitForSelector('[data-testid=leaderboard] tbody tr');
    expect(await page.textContent('[data-testid=whoami]')).toContain('ADMIN');
    expect(await page.locator('[data-testid=leaderboard] tbody tr').count()).toBeGreaterThan(10);
    await browser.screenshot(page, 'console-overview-before');

    // Both subscriptions of the overview are open on the server before the import.
    await until(() => server.api.pubsub.subscriberCount('alert-raised') >= 1 && server.api.pubsub.subscriberCount('risk-score-changed') >= 1, 30_000, 'the console’s subscriptions');
    await post(server, terminatedLogon());
    const live = page.locator('[data-testid=alert-feed] .feed-item.new', { hasText: 'Tom Gone' }).first();
    await live.waitFor({ timeout: 90_000 });
    expect(await live.textContent()).toMatch(/HIGH|CRITICAL/);
    // riskScoreChanged moves tom onto the leaderboard (CRITICAL), among the seeded users.
    const tomRow = page.locator('[data-testid=leaderboard] tbody tr[data-user=tom]');
    await tomRow.waitFor({ timeout: 30_000 });
    expect(await tomRow.textContent()).toContain('CRITICAL');
    await page.waitForTimeout(500);
    await browser.screenshot(page, 'console-overview');
    tomAlert = { id: (await live.getAttribute('data-alert'))!, sessionId: '' };

    // Follow the alert to its session: the waterfall's bars add up to the score shown.
    await live.locator('a', { hasText: 'Open session' }).click();
    await page.waitForSelector('[data-testid=waterfall]');
    tomAlert.sessionId = decodeURIComponent(new URL(page.url()).hash.split('/')[2]!);
    const shown = Number(await page.textContent('[data-testid=session-score]'));
    const values = await page.locator('[data-testid=contribution]').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-value'))));
    expect(values.length).toBeGreaterThan(0);
    expect(shown).toBeGreaterThan(0);
    expect(values.reduce((sum, v) => sum + Math.round(v * 100), 0)).toBe(Math.round(shown * 100));
    expect(Number(await page.textContent('[data-testid=waterfall-total]'))).toBe(shown);
    const first = page.locator('[data-testid=contribution]').first();
    expect(await first.textContent()).toMatch(/terminat/i);
    expect(await first.textContent()).toMatch(/anchor 60\.0.*calibration.*down-weight/s);
    // The events, in time order, and the entities touched.
    const events = await page.locator('[data-testid=timeline] tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('title')));
    expect(events).toEqual(['event t1', 'event t2', 'event t3', 'event t4']);
    expect(await page.textContent('.session-page')).toContain('PAYROLL-DB');
    // Times in the viewer's zone, UTC on hover.
    expect(await page.getAttribute('.session-page .facts time', 'title')).toMatch(/ UTC$/);
    await browser.screenshot(page, 'console-session');
    expect(page.problems).toEqual([]);
    await page.close();
  });

  it('explores the graph: expands a node by click and finds the paths between two entities', { timeout: 90_000 }, async () => {
    // A seeded user and a neighbouring asset that other users reach too.
    const { riskLeaderboard } = await gqlData(server, `{ riskLeaderboard(first: 5) { edges { node { key
      neighbors(first: 30, types: [Asset]) { edges { node { id neighbors(first: 30) { edges { node { id } } } } } } } } } }`);
    const seeded = (riskLeaderboard.edges as Array<{ node: { key: string; neighbors: { edges: Array<{ node: { id: string; neighbors: { edges: unknown[] } } }> } } }>)
      .map((e) => e.node)
      .find((u) => u.key !== 'tom' && u.neighbors.edges.some((n) => n.node.neighbors.edges.length > 2))!;
    const shared = seeded.neighbors.edges.map((e) => e.node).find((n) => n.neighbors.edges.length > 2)!;

    const page = await signedIn(TEST_ADMIN_TOKEN, `#/graph/User:${encodeURIComponent(seeded.key)}`);
    const canvas = page.locator('[data-testid=graph-canvas]');
    await expect.poll(() => canvas.getAttribute('data-nodes'), { timeout: 30_000 }).not.toBe('0');
    const before = Number(await canvas.getAttribute('data-nodes'));
    expect(await page.locator(`[data-testid=node-list] button[data-entity="User:${seeded.key}"]`).isDisabled()).toBe(true);
    await page.click(`[data-testid=node-list] button[data-entity="${shared.id}"]`);
    await expect.poll(async () => Number(await canvas.getAttribute('data-nodes')), { timeout: 30_000 }).toBeGreaterThan(before);
    expect(await page.locator(`[data-testid=node-list] button[data-entity="${shared.id}"]`).isDisabled()).toBe(true);
    await browser.screenshot(page, 'console-graph');

    // Paths from the user to the asset's other users.
    const other = (shared.neighbors.edges as Array<{ node: { id: string } }>).map((e) => e.node.id).find((id) => id !== `User:${seeded.key}` && id.startsWith('User:'))!;
    await page.goto(`${server.url}/console/#/graph/User:${encodeURIComponent(seeded.key)}?to=${encodeURIComponent(other)}`);
    await expect.poll(() => page.textContent('[data-testid=path-info]').catch(() => ''), { timeout: 30_000 }).toMatch(/shortest path.* of 2 hops/);
    expect(page.problems).toEqual([]);
    await page.close();
  });

  it('acknowledges the alert and shows who did what in the audit', { timeout: 60_000 }, async () => {
    const page = await signedIn(TEST_ADMIN_TOKEN, `#/alerts/${encodeURIComponent(tomAlert.id)}`);
    const detail = page.locator('[data-testid=alert-detail]');
    await detail.waitFor();
    expect(await detail.getAttribute('data-status')).toBe('OPEN');
    await page.click('button:has-text("Acknowledge")');
    await page.waitForSelector('[data-testid=alert-detail][data-status=ACKNOWLEDGED]');
    expect(await page.textContent('[data-testid=triage-record]')).toMatch(/Acknowledged.*by admin/s);
    const audit = page.locator('[data-testid=alert-audit]');
    await audit.waitFor();
    expect(await audit.textContent()).toMatch(/admin.*Mutation\.acknowledgeAlert.*OK/s);
    await browser.screenshot(page, 'console-alerts');
    const { alerts } = await gqlData(server, `{ alerts(first: 50) { edges { node { id status acknowledgedBy } } } }`);
    expect(alerts.edges.find((e: { node: { id: string } }) => e.node.id === tomAlert.id).node).toMatchObject({ status: 'ACKNOWLEDGED', acknowledgedBy: 'admin' });
    expect(page.problems).toEqual([]);
    await page.close();
  });

  it('shows the user page with HR status and risk history, and the settings for ADMIN', { timeout: 60_000 }, async () => {
    const page = await signedIn(TEST_ADMIN_TOKEN, '#/user/tom');
    await page.waitForSelector('[data-testid=risk-chart] canvas');
    await browser.screenshot(page, 'console-user');
    const head = await page.textContent('.user-page .page-head');
    expect(head).toMatch(/Tom Gone.*CRITICAL/s);
    expect(head).toContain('TERMINATED');
    expect(head).toMatch(/access stepped down/);
    const { user } = await gqlData(server, `{ user(id: "tom") { riskScore } }`);
    expect(Number(await page.textContent('[data-testid=user-risk]'))).toBeCloseTo(user.riskScore, 1);
    expect(await page.locator('.user-page a[href^="#/session/"]').count()).toBeGreaterThan(0);
    // Keyboard: 4 opens the settings.
    await page.locator('body').press('4');
    await page.waitForSelector('[data-testid=mode]');
    expect(await page.textContent('[data-testid=mode]')).toBe('ENFORCEMENT');
    expect(await page.locator('.settings-page input[type=checkbox]').count()).toBeGreaterThan(10);
    expect(page.problems).toEqual([]);
    await page.close();
  });

  it('shows a DASHBOARD key scores and reasons but no evidence, timeline or settings', { timeout: 60_000 }, async () => {
    const page = await signedIn(dashboardKey, `#/session/${encodeURIComponent(tomAlert.sessionId)}`);
    await page.waitForSelector('[data-testid=waterfall]');
    expect(await page.textContent('[data-testid=whoami]')).toContain('DASHBOARD');
    expect(await page.textContent('[data-testid=evidence-restricted]')).toMatch(/not shown to DASHBOARD/);
    expect(await page.locator('[data-testid=timeline]').count()).toBe(0);
    expect(await page.locator('.evidence').count()).toBe(0);
    expect(await page.textContent('[data-testid=waterfall]')).toMatch(/terminat/i);
    expect(await page.locator('nav[aria-label=pages] a', { hasText: 'Settings' }).count()).toBe(0);
    await browser.screenshot(page, 'console-session-dashboard');
    // Alerts are readable but not triaged.
    await page.goto(`${server.url}/console/#/alerts/${encodeURIComponent(tomAlert.id)}?filter=all`);
    await page.locator('[data-testid=alert-detail]').waitFor();
    expect(await page.locator('button:has-text("Acknowledge")').count()).toBe(0);
    expect(page.problems).toEqual([]);
    await page.close();
  });

  async function signedIn(token: string, hash: string) {
    const page = await browser.newPage();
    await page.goto(`${server.url}/console/${hash}`);
    await page.fill('#token', token);
    await page.click('button[type=submit]');
    await page.waitForSelector('[data-testid=whoami]');
    return page;
  }
});
