import type { RebuildRecord } from '../analytics/peer-groups/rebuild-policy.ts';
import { cypher } from './cypher.ts';
import type { Neo4jExecutor } from './executor.ts';

/**
 * The record of the peer-group rebuilds ingestion asked for: one `(:PeerGroupTrigger {id:
 * 'peer-groups'})` node shared by every worker process, changed by compare-and-set on its
 * `seq`, so that one worker, not all of them, asks for each rebuild (and a restart resumes
 * from the record, not from nothing).
 */
export interface PeerGroupTriggerRecord extends RebuildRecord {
  /** The rebuild job asked for last; null before the first. */
  jobId: string | null;
  /** Why it was asked for ('data-time', 'user-growth'). */
  reason: string | null;
  /** When it was asked for, wall-clock epoch ms. */
  requestedAt: number | null;
}

export interface PeerGroupTriggerState {
  record: PeerGroupTriggerRecord | null;
  /** Users in the graph. */
  users: number;
  /** The active peer-group build's id (null before the first build). */
  activeBuild: string | null;
}

export interface PeerGroupTriggerRepository {
  read(): Promise<PeerGroupTriggerState>;
  /** Sets the record if it is still at version `seq` (0: none yet); the new version, or null when another worker was first. */
  claim(seq: number, next: Omit<PeerGroupTriggerRecord, 'seq'>, now: number): Promise<number | null>;
}

export class Neo4jPeerGroupTriggerRepository implements PeerGroupTriggerRepository {
  readonly #executor: Neo4jExecutor;

  constructor(executor: Neo4jExecutor) {
    this.#executor = executor;
  }

  async read(): Promise<PeerGroupTriggerState> {
    const [row] = await this.#executor.query<{ trigger: Record<string, unknown> | null; users: number; activeBuild: string | null }>(
      'READ',
      cypher('peer-groups-trigger-read'),
    );
    const t = row?.trigger ?? null;
    return {
      record:
        t === null
          ? null
          : {
              seq: numberOr(t.seq, 0),
              firstDataTime: numberOr(t.firstDataTime, 0),
              dataTime: numberOrNull(t.dataTime),
              users: numberOrNull(t.users),
              jobId: typeof t.jobId === 'string' ? t.jobId : null,
              reason: typeof t.reason === 'string' ? t.reason : null,
              requestedAt: numberOrNull(t.requestedAt),
            },
      users: row?.users ?? 0,
      activeBuild: row?.activeBuild ?? null,
    };
  }

  async claim(seq: number, next: Omit<PeerGroupTriggerRecord, 'seq'>, now: number): Promise<number | null> {
    const [row] = await this.#executor.query<{ seq: number }>('WRITE', cypher('peer-groups-trigger-claim'), { seq, next, now });
    return row?.seq ?? null;
  }
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' ? value : fallback;
}

function numberOrNull(value: unknown): number | null {
  return typeof value === 'number' ? value : null;
}
