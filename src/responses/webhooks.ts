/**
 * Signed webhooks to SOAR/SIEM: every alert the pipeline raises is posted as JSON to each
 * configured URL through a BullMQ queue, retried with exponential back-off, and dead-lettered
 * (with an audit entry) after the last attempt. Deliveries are idempotent per alert and URL
 * (the job id), and receivers can de-duplicate on `X-Riskgraph-Delivery`.
 *
 * Signature: `X-Riskgraph-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`
 * with `X-Riskgraph-Timestamp` in Unix seconds, as Stripe and Slack sign theirs: a receiver
 * recomputes it over the raw body and rejects stale timestamps to stop replays.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { type Job, Queue, Worker } from 'bullmq';
import type { DeadLetter } from '../events/event.ts';
import type { Logger } from '../logger.ts';
import type { QueueConnection } from '../queue/ingest.queue.ts';
import type { AuditEntry } from '../store/audit.repository.ts';

export const WEBHOOK_QUEUE = 'webhooks';

export interface WebhookConfig {
  urls: readonly string[];
  secret: string;
  /** Attempts per delivery before it is dead-lettered. */
  attempts: number;
  /** First retry delay, ms; doubles each time. */
  backoffMs: number;
  /** Per-request timeout, ms. */
  timeoutMs: number;
}

interface WebhookJob {
  url: string;
  event: string;
  body: string;
}

export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** What a receiver does: recompute and compare in constant time, within a freshness window. */
export function verifyWebhook(secret: string, timestamp: number, body: string, signature: string, now: number, toleranceS = 300): boolean {
  if (Math.abs(now / 1000 - timestamp) > toleranceS) return false;
  const expected = Buffer.from(signWebhook(secret, timestamp, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export class WebhookDispatcher {
  readonly #config: WebhookConfig;
  readonly #connection: QueueConnection;
  readonly #queue: Queue<WebhookJob>;
  readonly #deps: {
    deadLetters: { insert(letters: readonly DeadLetter[]): Promise<void> };
    audit: { record(entries: readonly AuditEntry[]): Promise<void> };
    log: Logger;
  };
  #worker: Worker<WebhookJob> | null = null;

  constructor(
    config: WebhookConfig,
    connection: QueueConnection,
    deps: { deadLetters: { insert(letters: readonly DeadLetter[]): Promise<void> }; audit: { record(entries: readonly AuditEntry[]): Promise<void> }; log: Logger },
  ) {
    this.#config = config;
    this.#connection = connection;
    this.#deps = deps;
    this.#queue = new Queue<WebhookJob>(WEBHOOK_QUEUE, { connection: { url: connection.url }, prefix: connection.prefix });
  }

  /** Queues the alert for every URL; resolves once Redis holds the jobs. */
  async alertRaised(alert: Record<string, unknown>): Promise<void> {
    if (this.#config.urls.length === 0) return;
    const body = JSON.stringify({ type: 'alert.raised', alert });
    await Promise.all(
      this.#config.urls.map((url) =>
        this.#queue.add(
          'deliver',
          { url, event: 'alert.raised', body },
          {
            jobId: `wh-${createHash('sha256').update(`${String(alert.id)}\u0000${url}`).digest('hex').slice(0, 32)}`,
            attempts: this.#config.attempts,
            backoff: { type: 'exponential', delay: this.#config.backoffMs },
            removeOnComplete: { age: 24 * 3600 },
            removeOnFail: { age: 7 * 24 * 3600 },
          },
        ),
      ),
    );
  }

  start(): void {
    if (this.#worker !== null || this.#config.urls.length === 0) return;
    this.#worker = new Worker<WebhookJob>(WEBHOOK_QUEUE, (job) => this.#deliver(job), {
      connection: { url: this.#connection.url, maxRetriesPerRequest: null },
      prefix: this.#connection.prefix,
      concurrency: 4,
    });
    this.#worker.on('failed', (job, error) => void this.#onFailed(job, error));
    this.#worker.on('error', (error) => this.#deps.log.warn({ err: error }, 'webhook worker error'));
  }

  async close(): Promise<void> {
    await this.#worker?.close();
    this.#worker = null;
    await this.#queue.close();
  }

  async #deliver(job: Job<WebhookJob>): Promise<{ status: number }> {
    const timestamp = Math.floor(Date.now() / 1000);
    const response = await fetch(job.data.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'riskgraph-webhooks',
        'x-riskgraph-event': job.data.event,
        'x-riskgraph-delivery': String(job.id),
        'x-riskgraph-timestamp': String(timestamp),
        'x-riskgraph-signature': signWebhook(this.#config.secret, timestamp, job.data.body),
      },
      body: job.data.body,
      signal: AbortSignal.timeout(this.#config.timeoutMs),
    });
    await response.body?.cancel();
    if (!response.ok) throw new Error(`${job.data.url} answered ${response.status}`);
    await this.#audit(job, 'OK', { status: response.status, attempts: job.attemptsMade + 1 });
    return { status: response.status };
  }

  async #onFailed(job: Job<WebhookJob> | undefined, error: Error): Promise<void> {
    if (job === undefined || job.attemptsMade < (job.opts.attempts ?? 1)) return;
    this.#deps.log.error({ err: error, url: job.data.url, job: job.id }, 'webhook delivery failed for good');
    try {
      await this.#deps.deadLetters.insert([
        { source: `webhook:${job.data.url}`, line: 0, reason: `not delivered after ${job.attemptsMade} attempts: ${error.message}`, raw: job.data.body.slice(0, 4000), at: Date.now() },
      ]);
      await this.#audit(job, 'FAILED', { error: error.message, attempts: job.attemptsMade });
    } catch (recordError) {
      this.#deps.log.error({ err: recordError, job: job.id }, 'could not record a failed webhook; it stays in the failed set');
    }
  }

  async #audit(job: Job<WebhookJob>, outcome: 'OK' | 'FAILED', details: Record<string, unknown>): Promise<void> {
    let alertId: string | null = null;
    try {
      alertId = String((JSON.parse(job.data.body) as { alert?: { id?: string } }).alert?.id ?? '') || null;
    } catch {
      alertId = null;
    }
    await this.#deps.audit.record([
      { at: Date.now(), actor: 'system:webhooks', action: 'webhook.deliver', target: alertId, outcome, details: { url: job.data.url, delivery: job.id, ...details } },
    ]);
  }
}
