/**
 * Turns a sequence of CERT LDAP snapshots into employment changes. A snapshot lists who is
 * employed that month; CERT records departures only by leaving the departed user out of the
 * following snapshots. A user present in one snapshot and absent from the next therefore gets
 * a TERMINATED hr_update. CERT snapshots list who is employed at the end of their month, so a
 * user missing from month M left at some point during M; the termination takes effect at the
 * end of M (the first instant of M+1). That is conservative on purpose: ordinary work before
 * the real last day must never read as activity after termination.
 *
 * One tracker spans the LDAP files of one import run; feed it the snapshots in month order.
 */
import type { HrRecord, NormalizedEvent } from './event.ts';

/** `YYYY-MM` of a snapshot and the first day of that month, epoch ms UTC. */
export interface LdapSnapshotMonth {
  month: string;
  ts: number;
}

export class LdapSnapshotTracker {
  #previous: { month: string; users: Map<string, HrRecord> } | undefined;

  /** The month of the last snapshot observed, if any. */
  get lastMonth(): string | undefined {
    return this.#previous?.month;
  }

  /** Throws unless `month` comes after every snapshot observed so far. */
  assertNext(month: string): void {
    const last = this.#previous?.month;
    if (last !== undefined && month <= last) {
      throw new Error(
        `LDAP snapshot ${month} comes after snapshot ${last} in this import; import LDAP files in month order (sorted by name)`,
      );
    }
  }

  /**
   * Records a snapshot's directory and returns a TERMINATED hr_update for every user of the
   * previous snapshot missing from this one. The termination carries the user's last known
   * record; its id is derived from the month and user so that a re-import gives the same ids.
   */
  observe(snapshot: LdapSnapshotMonth, records: readonly HrRecord[]): NormalizedEvent[] {
    this.assertNext(snapshot.month);
    const users = new Map<string, HrRecord>();
    for (const record of records) users.set(record.userId, record);
    const terminations: NormalizedEvent[] = [];
    if (this.#previous !== undefined) {
      for (const [userId, last] of this.#previous.users) {
        if (users.has(userId)) continue;
        const hr: HrRecord = { ...last, status: 'TERMINATED', effectiveDate: endOfMonth(snapshot.ts) };
        delete hr.lastDay;
        terminations.push({
          id: `cert:ldap:${snapshot.month}:${userId}:terminated`,
          ts: snapshot.ts,
          category: 'iam',
          action: 'hr_update',
          outcome: 'unknown',
          user: userId,
          hr,
        });
      }
    }
    this.#previous = { month: snapshot.month, users };
    return terminations;
  }
}

/** The first instant of the month after the one containing `ts`, epoch ms UTC. */
function endOfMonth(ts: number): number {
  const d = new Date(ts);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}
