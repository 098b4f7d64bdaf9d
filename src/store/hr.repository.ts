import { createHash } from 'node:crypto';
import type { EmploymentStatus, HrRecord } from '../events/event.ts';
import { cypher } from './cypher.ts';
import { type Neo4jExecutor, runIn } from './executor.ts';

/**
 * HR writes from the API: directory records (the same statement the LDAP import path uses, so
 * both paths mean the same thing) and employment-status changes, kept as a history of
 * `(:EmploymentChange)-[:FOR]->(:User)` so the status in force at any instant can be read,
 * also for events that arrive late with earlier timestamps. The User node carries the status
 * in force now, recomputed from the history on every change.
 */
export interface EmploymentChangeInput {
  userId: string;
  status: EmploymentStatus;
  /** Epoch ms UTC. */
  effectiveDate: number;
  lastDay: number | null;
}

export interface EmploymentChangeRecord extends EmploymentChangeInput {
  id: string;
  recordedAt: number;
  recordedBy: string;
}

export interface EmploymentHistoryPage {
  changes: EmploymentChangeRecord[];
  /** The change in force at the time asked, or null. */
  currentId: string | null;
}

/** A recorded change as the recording returns it. */
export interface RecordedEmploymentChange extends EmploymentChangeRecord {
  current: boolean;
  /**
   * Whether the re-scoring the change triggers was applied before the answer: set only by a
   * repository that re-scores, when asked to wait (`awaitRescoreMs`); false when it was still
   * queued at the deadline (or could not be queued).
   */
  rescored?: boolean;
}

export interface RecordEmploymentOptions {
  /** Wait up to this long (ms) for the re-scoring the changes trigger, where one is triggered. */
  awaitRescoreMs?: number;
}

export interface HrRepository {
  upsertDirectory(records: readonly HrRecord[]): Promise<void>;
  /** Records the changes and refreshes the users' current status, in one transaction. */
  recordEmploymentChanges(
    changes: readonly EmploymentChangeInput[],
    by: string,
    now: number,
    options?: RecordEmploymentOptions,
  ): Promise<RecordedEmploymentChange[]>;
  /** Applies changes that took effect in (since, now] (future-dated ones); returns the users refreshed. */
  refreshDue(since: number, now: number): Promise<string[]>;
  history(
    users: readonly string[],
    after: { effectiveDate: number; id: string } | null,
    limit: number,
    now: number,
  ): Promise<Map<string, EmploymentHistoryPage>>;
}

/** A change's id: the same change pushed twice is recorded once. */
export function employmentChangeId(change: EmploymentChangeInput): string {
  return createHash('sha256')
    .update(JSON.stringify([change.userId, change.status, change.effectiveDate, change.lastDay]))
    .digest('hex')
    .slice(0, 32);
}

export class Neo4jHrRepository implements HrRepository {
  readonly #executor: Neo4jExecutor;

  constructor(executor: Neo4jExecutor) {
    this.#executor = executor;
  }

  async upsertDirectory(records: readonly HrRecord[]): Promise<void> {
    if (records.length === 0) return;
    const rows = records.map((r) => ({
      userId: r.userId,
      name: r.name ?? null,
      email: r.email ?? null,
      department: r.department ?? null,
      title: r.title ?? null,
      manager: r.manager ?? null,
      location: r.location ?? null,
      // A directory record carries no status: the statement leaves status fields as they are.
      status: null,
      effectiveDate: null,
      lastDay: null,
    }));
    await this.#executor.query('WRITE', cypher('apply-hr-records'), { rows });
  }

  async recordEmploymentChanges(
    changes: readonly EmploymentChangeInput[],
    by: string,
    now: number,
  ): Promise<RecordedEmploymentChange[]> {
    if (changes.length === 0) return [];
    const rows = changes.map((change) => ({ ...change, id: employmentChangeId(change) }));
    const users = [...new Set(changes.map((change) => change.userId))];
    return this.#executor.write(async (tx) => {
      const recorded = await runIn<{ change: EmploymentChangeRecord }>(tx, cypher('employment-changes-record'), { rows, by, now });
      const refreshed = await runIn<{ userId: string; currentChangeId: string }>(tx, cypher('employment-status-refresh'), {
        users,
        now,
      });
      const current = new Set(refreshed.map((row) => row.currentChangeId));
      return recorded.map(({ change }) => ({ ...change, lastDay: change.lastDay ?? null, current: current.has(change.id) }));
    });
  }

  async refreshDue(since: number, now: number): Promise<string[]> {
    const due = await this.#executor.query<{ userId: string }>('READ', cypher('employment-changes-due'), { since, now });
    if (due.length === 0) return [];
    const users = due.map((row) => row.userId);
    await this.#executor.query('WRITE', cypher('employment-status-refresh'), { users, now });
    return users;
  }

  async history(
    users: readonly string[],
    after: { effectiveDate: number; id: string } | null,
    limit: number,
    now: number,
  ): Promise<Map<string, EmploymentHistoryPage>> {
    const result = new Map<string, EmploymentHistoryPage>();
    if (users.length === 0) return result;
    const rows = await this.#executor.query<{ userId: string; changes: EmploymentChangeRecord[]; currentId: string | null }>(
      'READ',
      cypher('employment-history'),
      { users: [...users], after, limit, now },
    );
    for (const row of rows) result.set(row.userId, { changes: row.changes, currentId: row.currentId });
    return result;
  }
}
