import { DomainError, ErrorCode } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { AuditEntry, AuditRepository } from '../store/audit.repository.ts';

/**
 * Audit entries written in batches, off the request path: `enqueue` only buffers, and a timer
 * (or a full batch) writes them with one statement. Used where a request must not wait for a
 * graph write, e.g. every login-time risk decision.
 *
 * Nothing is lost silently. A batch that fails because the store is unavailable stays
 * buffered and is retried with backoff; one that fails otherwise is retried `maxAttempts`
 * times, then logged in full at error level and dropped. When the store stays away so long
 * that more than `maxBuffered` entries wait, the oldest are logged in full at error level and
 * dropped, so memory stays bounded. `close` writes what is left, logging whatever it cannot.
 */
export interface AuditSink {
  enqueue(entry: AuditEntry): void;
}

export interface BatchedAuditWriterOptions {
  /** Longest an entry waits before its batch is written, ms. */
  flushEveryMs: number;
  /** Entries per write. */
  maxBatch: number;
  /** Entries held at most while the store is unavailable. */
  maxBuffered: number;
  /** Writes of a batch that fails for a reason other than an unavailable store. */
  maxAttempts: number;
  /** Backoff after a failed write: doubles from this, ms. */
  retryBaseMs: number;
  /** Longest backoff, ms. */
  retryMaxMs: number;
}

export const DEFAULT_AUDIT_BATCHING: BatchedAuditWriterOptions = Object.freeze({
  flushEveryMs: 250,
  maxBatch: 1_000,
  maxBuffered: 100_000,
  maxAttempts: 5,
  retryBaseMs: 500,
  retryMaxMs: 30_000,
});

export class BatchedAuditWriter implements AuditSink {
  readonly #repository: Pick<AuditRepository, 'record'>;
  readonly #log: Logger;
  readonly #options: BatchedAuditWriterOptions;
  readonly #buffer: AuditEntry[] = [];
  #timer: NodeJS.Timeout | null = null;
  #flushing: Promise<void> | null = null;
  /** Failed writes in a row; the backoff grows with them. */
  #failures = 0;
  #retryAt = 0;
  #closed = false;
  /** Entries written, and dropped after logging, since start. */
  readonly stats = { written: 0, dropped: 0, failedWrites: 0 };

  constructor(deps: { repository: Pick<AuditRepository, 'record'>; log: Logger; options?: Partial<BatchedAuditWriterOptions> }) {
    this.#repository = deps.repository;
    this.#log = deps.log;
    this.#options = { ...DEFAULT_AUDIT_BATCHING, ...deps.options };
  }

  /** Entries waiting to be written. */
  get pending(): number {
    return this.#buffer.length;
  }

  enqueue(entry: AuditEntry): void {
    if (this.#closed) {
      this.#log.error({ auditEntries: [entry] }, 'audit entry after shutdown, not written');
      this.stats.dropped += 1;
      return;
    }
    this.#buffer.push(entry);
    if (this.#buffer.length > this.#options.maxBuffered) {
      const dropped = this.#buffer.splice(0, this.#buffer.length - this.#options.maxBuffered);
      this.#drop(dropped, 'audit buffer full while the store is unavailable; oldest entries dropped');
    }
    if (this.#buffer.length >= this.#options.maxBatch && this.#flushing === null && Date.now() >= this.#retryAt) {
      // A full batch goes at once, after the current request's synchronous work.
      setImmediate(() => void this.flush());
    } else {
      this.#schedule();
    }
  }

  /** Writes what is buffered (resolves when this flush is done; never rejects). */
  flush(): Promise<void> {
    if (this.#flushing !== null) return this.#flushing;
    this.#flushing = this.#drain().finally(() => {
      this.#flushing = null;
      if (this.#buffer.length > 0) this.#schedule();
    });
    return this.#flushing;
  }

  /** Stops the timer and writes what is left; what cannot be written is logged. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#flushing;
    this.#retryAt = 0;
    for (let attempt = 0; attempt < 3 && this.#buffer.length > 0; attempt++) {
      const written = this.stats.written;
      await this.flush();
      if (this.stats.written === written) await new Promise((resolve) => setTimeout(resolve, this.#options.retryBaseMs));
      this.#retryAt = 0;
    }
    if (this.#buffer.length > 0) this.#drop(this.#buffer.splice(0), 'audit entries not written before shutdown');
  }

  #schedule(): void {
    if (this.#timer !== null || this.#closed) return;
    const delay = Math.max(this.#options.flushEveryMs, this.#retryAt - Date.now());
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.flush();
    }, delay);
    this.#timer.unref();
  }

  async #drain(): Promise<void> {
    while (this.#buffer.length > 0 && Date.now() >= this.#retryAt) {
      const batch = this.#buffer.slice(0, this.#options.maxBatch);
      try {
        await this.#repository.record(batch);
      } catch (error) {
        this.#failures += 1;
        this.stats.failedWrites += 1;
        const unavailable = error instanceof DomainError && error.code === ErrorCode.STORE_UNAVAILABLE;
        this.#retryAt = Date.now() + Math.min(this.#options.retryMaxMs, this.#options.retryBaseMs * 2 ** (this.#failures - 1));
        if (!unavailable && this.#failures >= this.#options.maxAttempts) {
          this.#buffer.splice(0, batch.length);
          this.#failures = 0;
          this.#drop(batch, 'audit entries could not be written; dropped after retries', error);
        } else {
          this.#log.warn({ err: error, entries: batch.length, attempt: this.#failures }, 'audit write failed; will retry');
        }
        return;
      }
      this.#buffer.splice(0, batch.length);
      this.stats.written += batch.length;
      this.#failures = 0;
      this.#retryAt = 0;
    }
  }

  #drop(entries: AuditEntry[], message: string, error?: unknown): void {
    this.stats.dropped += entries.length;
    // The log is the record of last resort: every dropped entry is in it, whole.
    this.#log.error({ ...(error !== undefined ? { err: error } : {}), dropped: entries.length, auditEntries: entries }, message);
  }
}
