import type { HrRecord } from '../events/event.ts';
import type { Logger } from '../logger.ts';
import type { EmploymentChangeInput, HrRepository, RecordEmploymentOptions } from '../store/hr.repository.ts';

/** Queues a re-scoring of `users`; with `waitMs`, resolves once it is applied (rejects when the wait runs out). */
export type Rescore = (users: readonly string[], reason: string, since: number, waitMs?: number) => Promise<void>;

/**
 * How far before a status takes effect sessions are re-scored: a last day within this window
 * already makes an employee departing (the departing-employee indicator's default window).
 */
const DEPARTING_WINDOW_MS = 30 * 86_400_000;

/**
 * The HR repository, re-scoring every user whose employment status changed (through the API,
 * or because a recorded change fell due): a departing employee's exfiltration findings weigh
 * more at once, in their open sessions too. The re-scoring is a batch on the user's partition
 * queue, so it lands after the events already queued and exactly once; a failure to queue it is
 * logged (the change itself is committed, and the next batch of the user scores in the new
 * context anyway).
 */
export class RescoringHrRepository implements HrRepository {
  readonly #inner: HrRepository;
  readonly #rescore: Rescore;
  readonly #log: Logger;

  constructor(deps: { inner: HrRepository; rescore: Rescore; log: Logger }) {
    this.#inner = deps.inner;
    this.#rescore = deps.rescore;
    this.#log = deps.log;
  }

  upsertDirectory(records: readonly HrRecord[]): Promise<void> {
    return this.#inner.upsertDirectory(records);
  }

  async recordEmploymentChanges(changes: readonly EmploymentChangeInput[], by: string, now: number, options: RecordEmploymentOptions = {}) {
    const recorded = await this.#inner.recordEmploymentChanges(changes, by, now, options);
    // From the earliest effective date: a status dated back re-scores the sessions since then.
    const since = Math.min(...changes.map((c) => c.effectiveDate), now) - DEPARTING_WINDOW_MS;
    const users = changes.map((c) => c.userId);
    if (options.awaitRescoreMs === undefined) {
      await this.#queue(users, 'hr-status', since);
      return recorded;
    }
    const rescored = await this.#queue(users, 'hr-status', since, options.awaitRescoreMs);
    return recorded.map((change) => ({ ...change, rescored }));
  }

  async refreshDue(since: number, now: number): Promise<string[]> {
    const users = await this.#inner.refreshDue(since, now);
    await this.#queue(users, 'hr-status-due', since - DEPARTING_WINDOW_MS);
    return users;
  }

  history(...args: Parameters<HrRepository['history']>) {
    return this.#inner.history(...args);
  }

  /** True once applied (with a wait) or queued (without); false when it failed or the wait ran out. */
  async #queue(users: readonly string[], reason: string, since: number, waitMs?: number): Promise<boolean> {
    if (users.length === 0) return true;
    try {
      await this.#rescore(users, reason, since, waitMs);
      return true;
    } catch (error) {
      // Queued but not applied within the wait is not a fault: it lands after the batches ahead of it.
      this.#log.warn({ err: error, users: users.length, waitMs }, waitMs === undefined ? 'could not queue the re-scoring of an HR change' : 'the re-scoring of an HR change was not applied within the wait');
      return false;
    }
  }
}
