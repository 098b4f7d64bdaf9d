import { createServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../src/main.ts';
import { signWebhook, verifyWebhook, WebhookDispatcher } from '../../src/responses/webhooks.ts';
import { Neo4jAuditRepository } from '../../src/store/audit.repository.ts';
import { graphQuery, testRuntime } from '../support/runtime.ts';

/**
 * Signed alert webhooks through BullMQ on real Redis, to a real HTTP receiver: a receiver that
 * fails twice gets the alert on the third attempt with a valid signature; one that always fails
 * ends as a dead letter with an audit entry; the same alert is delivered once per URL.
 */
const SECRET = 'webhook-secret-0123456789';

interface Received {
  body: string;
  headers: IncomingMessage['headers'];
}

async function receiver(failFirst: number): Promise<{ server: HttpServer; url: string; received: Received[]; attempts: () => number }> {
  const received: Received[] = [];
  let attempts = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      attempts += 1;
      if (attempts <= failFirst) {
        res.statusCode = 503;
        res.end('busy');
        return;
      }
      received.push({ body, headers: req.headers });
      res.statusCode = 204;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received, attempts: () => attempts };
}

async function until(check: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('signed webhooks', () => {
  let runtime: Runtime;
  const servers: HttpServer[] = [];

  beforeAll(async () => {
    runtime = await testRuntime({ workers: false });
  });
  afterAll(async () => {
    for (const s of servers) s.close();
    await runtime?.close();
  });

  const dispatcher = (url: string, attempts: number, backoffMs: number) =>
    new WebhookDispatcher(
      { urls: [url], secret: SECRET, attempts, backoffMs, timeoutMs: 5000 },
      { url: runtime.redisUrl, prefix: runtime.config.queue.prefix },
      { deadLetters: runtime.deadLetters, audit: new Neo4jAuditRepository(runtime.executor), log: runtime.log },
    );

  it('signs what it sends so a receiver can verify it, and refuses stale or altered bodies', () => {
    const now = Date.now();
    const ts = Math.floor(now / 1000);
    const sig = signWebhook(SECRET, ts, '{"a":1}');
    expect(verifyWebhook(SECRET, ts, '{"a":1}', sig, now)).toBe(true);
    expect(verifyWebhook(SECRET, ts, '{"a":2}', sig, now)).toBe(false);
    expect(verifyWebhook('another-secret-xxxxxxx', ts, '{"a":1}', sig, now)).toBe(false);
    expect(verifyWebhook(SECRET, ts, '{"a":1}', sig, now + 10 * 60_000)).toBe(false);
  });

  it('retries until the receiver takes it, once per alert and URL, and audits the delivery', async () => {
    const flaky = await receiver(2);
    servers.push(flaky.server);
    const hooks = dispatcher(flaky.url, 5, 50);
    try {
      hooks.start();
      const alert = { id: 'alert-wh-1', user: 'tom', severity: 'CRITICAL', score: 97.5, reasons: ['activity after termination'] };
      await hooks.alertRaised(alert);
      await hooks.alertRaised(alert); // a repeated raise is the same delivery
      await until(() => flaky.received.length === 1);
      await new Promise((r) => setTimeout(r, 300));
      expect(flaky.received).toHaveLength(1);
      expect(flaky.attempts()).toBe(3);
      const got = flaky.received[0]!;
      expect(JSON.parse(got.body)).toEqual({ type: 'alert.raised', alert });
      const ts = Number(got.headers['x-riskgraph-timestamp']);
      expect(verifyWebhook(SECRET, ts, got.body, String(got.headers['x-riskgraph-signature']), Date.now())).toBe(true);
      expect(got.headers['x-riskgraph-event']).toBe('alert.raised');
      await until(async () => (await graphQuery(runtime, "MATCH (a:AuditEntry {action: 'webhook.deliver', target: 'alert-wh-1', outcome: 'OK'}) RETURN a")).length === 1);
    } finally {
      await hooks.close();
    }
  });

  it('dead-letters a delivery that fails every attempt, with an audit entry', async () => {
    const down = await receiver(1_000);
    servers.push(down.server);
    const hooks = dispatcher(down.url, 3, 20);
    try {
      hooks.start();
      await hooks.alertRaised({ id: 'alert-wh-2', user: 'ann' });
      await until(async () => (await runtime.deadLetters.list({ source: `webhook:${down.url}`, limit: 5 })).length === 1);
      expect(down.attempts()).toBe(3);
      const [letter] = await runtime.deadLetters.list({ source: `webhook:${down.url}`, limit: 5 });
      expect(letter!.reason).toMatch(/not delivered after 3 attempts: .*503/);
      expect(JSON.parse(letter!.raw)).toMatchObject({ alert: { id: 'alert-wh-2' } });
      await until(async () => (await graphQuery(runtime, "MATCH (a:AuditEntry {action: 'webhook.deliver', target: 'alert-wh-2', outcome: 'FAILED'}) RETURN a")).length === 1);
    } finally {
      await hooks.close();
    }
  });
});
