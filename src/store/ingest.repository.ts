import type { BatchAggregate } from '../analytics/access-aggregator.ts';
import { entityKey, parseEntityKey, type EntityType } from '../analytics/entities.ts';
import type { CloseReason, Session, SessionChanges, UserSessions } from '../analytics/sessionizer.ts';
import { DomainError, ErrorCode } from '../errors.ts';
import type { HrRecord } from '../events/event.ts';
import { type AnalysisWrite, type LoadedUserRow, loadAssetCriticality, loadMalwareDevices, loadRescoreSessions, loadUserAnalysis, writeAnalysis } from './analysis.repository.ts';
import { cypher } from './cypher.ts';
import type { ManagedTransaction } from 'neo4j-driver';
import { type Neo4jExecutor, runIn } from './executor.ts';

/** One ingest batch's graph changes, written in a single transaction. */
export interface BatchWrite {
  batchId: string;
  partition: number;
  /** Events applied (after de-duplication). */
  events: number;
  now: number;
  aggregate: BatchAggregate;
  sessions: SessionChanges;
  /** Findings, scores, timelines, risk, checkpoints and alerts of the batch. */
  analysis: AnalysisWrite;
}

export interface BatchStatus {
  /** The batch was committed before (by this or another worker). */
  applied: boolean;
  /** The last batch committed for the partition. */
  cursor: string | null;
}

/** What a batch's work sees inside its transaction. */
export interface BatchUnit {
  status: BatchStatus;
  /** Open sessions of these users, by user, read in the batch's own transaction. */
  loadOpenSessions(users: readonly string[]): Promise<Map<string, UserSessions>>;
  /** HR and peer context of `users`; for `withState` also the stored analysis state. */
  loadUserAnalysis(users: readonly string[], withState: readonly string[], since: number): Promise<Map<string, LoadedUserRow>>;
  /** Devices among `hosts` with malware on record. */
  loadMalwareDevices(hosts: readonly string[]): Promise<Array<{ host: string; malwareAt: number; signature: string | null }>>;
  /** Criticality multipliers of those of `assets` an administrator rated. */
  loadAssetCriticality(assets: readonly string[]): Promise<Map<string, number>>;
  /** Closed sessions of `users` ending at or after `since` that hold findings, with them. */
  loadRescoreSessions(users: readonly string[], since: number): Promise<Array<{ user: string; sessionId: string; endedAt: number; anomalies: Array<Record<string, unknown>> }>>;
}

export interface IngestRepository {
  /**
   * Runs one batch as one write transaction: reads the batch marker and partition cursor,
   * lets `plan` decide what to write (null: nothing, e.g. the batch was applied before), writes
   * it and the batch marker, and commits. `plan` may run more than once if the driver retries
   * a transient failure, so it must not change state outside what it returns. Resolves to the
   * committed write, or null when nothing was written (`plan` said so, or another worker
   * committed the same batch meanwhile).
   */
  runBatch(batchId: string, partition: number, plan: (unit: BatchUnit) => Promise<BatchWrite | null>): Promise<BatchWrite | null>;
  /** Closes idle open sessions no worker holds (see SweepRule); returns how many. */
  closeStaleSessions(partition: number, lastTsBefore: number, touchedBefore: number | null): Promise<number>;
}

export class Neo4jIngestRepository implements IngestRepository {
  readonly #executor: Neo4jExecutor;

  constructor(executor: Neo4jExecutor) {
    this.#executor = executor;
  }

  async runBatch(
    batchId: string,
    partition: number,
    plan: (unit: BatchUnit) => Promise<BatchWrite | null>,
  ): Promise<BatchWrite | null> {
    try {
      return await this.#executor.write(async (tx) => {
        const [row] = await runIn<BatchStatus>(tx, cypher('batch-begin'), { batchId, partition });
        const status = { applied: row?.applied ?? false, cursor: row?.cursor ?? null };
        const write = await plan({
          status,
          loadOpenSessions: (users) => loadOpenSessions(tx, users),
          loadUserAnalysis: (users, withState, since) => loadUserAnalysis(tx, users, withState, since),
          loadMalwareDevices: (hosts) => loadMalwareDevices(tx, hosts),
          loadRescoreSessions: (users, since) => loadRescoreSessions(tx, users, since),
          loadAssetCriticality: (assets) => loadAssetCriticality(tx, assets),
        });
        if (write === null) return null;
        if (status.applied) throw new DomainError(ErrorCode.STORE_CONFLICT, 'batch already applied');
        await writeBatch(tx, write);
        return write;
      });
    } catch (error) {
      // Committed by another worker meanwhile (a job BullMQ judged stalled and handed on):
      // the marker's uniqueness constraint refused our copy.
      if (error instanceof DomainError && error.code === ErrorCode.STORE_CONFLICT) return null;
      throw error;
    }
  }

  async closeStaleSessions(partition: number, lastTsBefore: number, touchedBefore: number | null): Promise<number> {
    const [row] = await this.#executor.query<{ closed: number }>('WRITE', cypher('close-stale-sessions'), {
      partition,
      lastTsBefore,
      touchedBefore,
    });
    return row?.closed ?? 0;
  }
}

async function loadOpenSessions(tx: ManagedTransaction, users: readonly string[]): Promise<Map<string, UserSessions>> {
  const result = new Map<string, UserSessions>();
  if (users.length === 0) return result;
  const rows = await runIn<{ session: Record<string, unknown>; touched: Array<[string | null, string | null]> }>(
    tx,
    cypher('load-open-sessions'),
    { users },
  );
  for (const row of rows) {
    const session = sessionFromProps(row.session, row.touched);
    const cursors = result.get(session.user) ?? { current: null, late: null };
    cursors[session.cursor] = session;
    result.set(session.user, cursors);
  }
  return result;
}

/** All of a batch's statements, in dependency order, ending with its marker. */
async function writeBatch(tx: ManagedTransaction, write: BatchWrite): Promise<void> {
  const { aggregate, sessions } = write;
  if (aggregate.hr.length > 0) await runIn(tx, cypher('apply-hr-records'), { rows: aggregate.hr.map(hrRow) });
  if (aggregate.users.length > 0) await runIn(tx, cypher('merge-users'), { rows: aggregate.users });
  for (const [type, rows] of byEntityType(aggregate.access)) {
    await runIn(tx, cypher(`merge-access-${type.toLowerCase()}`), { rows });
  }
  if (aggregate.deviceFacts.length > 0) await runIn(tx, cypher('merge-device-facts'), { rows: aggregate.deviceFacts });
  if (sessions.sessions.length > 0) await runIn(tx, cypher('upsert-sessions'), { rows: sessions.sessions.map(sessionRow) });
  const touched = sessions.touched.map((t) => ({ session: t.session, ...parseEntityKey(t.key), count: t.count }));
  for (const [type, rows] of byEntityType(touched)) {
    await runIn(tx, cypher(`merge-touched-${type.toLowerCase()}`), { rows });
  }
  await writeAnalysis(tx, write.analysis);
  await runIn(tx, cypher('batch-commit'), {
    batchId: write.batchId,
    partition: write.partition,
    events: write.events,
    now: write.now,
  });
}

/**
 * Rows grouped by entity label (one statement per label), each group sorted by entity id: every
 * writer then locks shared entity nodes in the same order, so concurrent writers wait rather
 * than deadlock.
 */
function byEntityType<R extends { type: EntityType; id: string }>(rows: readonly R[]): Map<EntityType, R[]> {
  const groups = new Map<EntityType, R[]>();
  for (const row of rows) {
    const group = groups.get(row.type);
    if (group === undefined) groups.set(row.type, [row]);
    else group.push(row);
  }
  for (const group of groups.values()) group.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return groups;
}

function hrRow(hr: HrRecord): Record<string, unknown> {
  return {
    userId: hr.userId,
    name: hr.name ?? null,
    email: hr.email ?? null,
    department: hr.department ?? null,
    title: hr.title ?? null,
    manager: hr.manager ?? null,
    location: hr.location ?? null,
    status: hr.status ?? null,
    effectiveDate: hr.effectiveDate ?? null,
    lastDay: hr.lastDay ?? null,
  };
}

function sessionRow(session: Session): { id: string; user: string; props: Record<string, unknown> } {
  const { touched, id, ...rest } = session;
  return { id, user: session.user, props: { ...rest, distinctEntities: touched.size } };
}

function sessionFromProps(props: Record<string, unknown>, touched: Array<[string | null, string | null]>): Session {
  const num = (key: string): number => (typeof props[key] === 'number' ? (props[key] as number) : 0);
  const keys = new Set<string>();
  for (const [type, id] of touched) {
    if (type !== null && id !== null) keys.add(entityKey({ type: type as EntityType, id }));
  }
  return {
    id: String(props.id),
    user: String(props.user),
    partition: num('partition'),
    cursor: props.cursor === 'late' ? 'late' : 'current',
    start: num('start'),
    lastTs: num('lastTs'),
    touchedAt: num('touchedAt'),
    end: typeof props.end === 'number' ? props.end : null,
    status: props.status === 'CLOSED' ? 'CLOSED' : 'OPEN',
    closeReason: (props.closeReason as CloseReason | null) ?? null,
    eventCount: num('eventCount'),
    logons: num('logons'),
    failures: num('failures'),
    webRequests: num('webRequests'),
    fileEvents: num('fileEvents'),
    emails: num('emails'),
    usbEvents: num('usbEvents'),
    bytesIn: num('bytesIn'),
    bytesOut: num('bytesOut'),
    ips: Array.isArray(props.ips) ? (props.ips as string[]) : [],
    countries: Array.isArray(props.countries) ? (props.countries as string[]) : [],
    touched: keys,
  };
}
