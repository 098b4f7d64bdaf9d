import type { BatchAggregate } from '../analytics/access-aggregator.ts';
import { entityKey, parseEntityKey, type EntityType } from '../analytics/entities.ts';
import type { CloseReason, Session, SessionChanges, UserSessions } from '../analytics/sessionizer.ts';
import { DomainError, ErrorCode } from '../errors.ts';
import type { HrRecord } from '../events/event.ts';
import { type AnalysisWrite, type LoadedUserRow, loadAssetCriticality, loadMalwareDevices, loadRescoreSessions, loadUserAnalysis, writeAnalysis } from './analysis.repository.ts';
import { cypher } from './cypher.ts';
import type { ManagedTransaction } from 'neo4j-driver';
import { randomUUID } from 'node:crypto';
import { FloatList, type Neo4jExecutor, runIn, toCypherParams } from './executor.ts';
import { StageTimings } from '../perf/stage-timings.ts';

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
  /** The graph's identity (null: none yet, a new or wiped graph). */
  store?: string | null;
}

/**
 * The reads a batch needs before it is computed: each in a read transaction of its own, run
 * outside the batch's write transaction (no graph reads hold a write transaction open, and only
 * what the worker's caches miss is read).
 */
export interface BatchReader {
  /** Open sessions of these users, by user. */
  loadOpenSessions(users: readonly string[]): Promise<Map<string, UserSessions>>;
  /** HR and peer context of `users`; for `withState` also the stored analysis state. */
  loadUserAnalysis(users: readonly string[], withState: readonly string[], since: number): Promise<Map<string, LoadedUserRow>>;
  /** Every device with malware on record. */
  loadMalwareDevices(): Promise<Array<{ host: string; malwareAt: number; signature: string | null }>>;
  /** Criticality multipliers of every asset an administrator rated. */
  loadRatedAssets(): Promise<Map<string, number>>;
  /** Closed sessions of `users` ending at or after `since` that hold findings, with them. */
  loadRescoreSessions(users: readonly string[], since: number): Promise<Array<{ user: string; sessionId: string; endedAt: number; anomalies: Array<Record<string, unknown>> }>>;
}

/**
 * How a batch's commit ended: written; found committed before (its marker exists: a retried job
 * whose worker died after the commit); or refused because the partition's cursor moved since the
 * batch was computed (another process wrote the partition): recompute from the graph and retry.
 */
export type CommitOutcome = 'committed' | 'applied' | 'stale';

export interface CommitResult {
  outcome: CommitOutcome;
  /**
   * Committed only: ACCESSED or REPORTS_TO edges created or removed by the batch (from the
   * statements' own counters, so nothing is read to know it). Subscription scopes
   * (`filter.near`) are refreshed only after such batches.
   */
  topologyChanged: boolean;
}

export interface IngestRepository {
  /** Was this batch committed before, and which batch did the partition commit last? */
  batchStatus(batchId: string, partition: number): Promise<BatchStatus>;
  /** The graph's identity, created when it has none (the scope of the event-id memory). */
  storeIdentity(): Promise<string>;
  /** The batch reads, timed into `timings`. */
  reader(timings?: StageTimings): BatchReader;
  /**
   * Writes one computed batch in one short write transaction that does no other work: it
   * checks the batch marker and that the partition's cursor is still `expectedCursor`, writes
   * every statement, ends with the marker and commits. A batch is only reported `applied` when
   * its marker proves it committed.
   */
  commitBatch(write: BatchWrite, expected: { cursor: string | null; store: string }, timings?: StageTimings): Promise<CommitResult>;
  /** Closes idle open sessions no worker holds (see SweepRule); returns how many. */
  closeStaleSessions(partition: number, lastTsBefore: number, touchedBefore: number | null): Promise<number>;
}

export class Neo4jIngestRepository implements IngestRepository {
  readonly #executor: Neo4jExecutor;

  constructor(executor: Neo4jExecutor) {
    this.#executor = executor;
  }

  async batchStatus(batchId: string, partition: number): Promise<BatchStatus> {
    const [row] = await this.#executor.query<BatchStatus>('READ', cypher('batch-begin'), { batchId, partition });
    return { applied: row?.applied ?? false, cursor: row?.cursor ?? null, store: row?.store ?? null };
  }

  async storeIdentity(): Promise<string> {
    const [row] = await this.#executor.query<{ id: string }>('WRITE', cypher('store-identity'), { id: randomUUID(), now: Date.now() });
    if (row === undefined) throw new DomainError(ErrorCode.STORE_FAILED, 'the graph returned no identity');
    return row.id;
  }

  reader(t: StageTimings = new StageTimings()): BatchReader {
    const read = <T>(stage: string, work: (tx: ManagedTransaction) => Promise<T>) => t.time(stage, () => this.#executor.read(work));
    return {
      loadOpenSessions: (users) => (users.length === 0 ? Promise.resolve(new Map()) : read('read:open-sessions', (tx) => loadOpenSessions(tx, users))),
      loadUserAnalysis: (users, withState, since) =>
        users.length === 0 ? Promise.resolve(new Map()) : read('read:user-analysis', (tx) => loadUserAnalysis(tx, users, withState, since)),
      loadMalwareDevices: () => read('read:malware', (tx) => loadMalwareDevices(tx)),
      loadRescoreSessions: (users, since) => read('read:rescore', (tx) => loadRescoreSessions(tx, users, since)),
      loadRatedAssets: () => read('read:criticality', (tx) => loadAssetCriticality(tx)),
    };
  }

  async commitBatch(write: BatchWrite, expected: { cursor: string | null; store: string }, t: StageTimings = new StageTimings()): Promise<CommitResult> {
    const { batchId, partition } = write;
    try {
      let stopCommit = () => {};
      const outcome = await t.time('tx:total', () =>
        this.#executor.write(async (tx): Promise<CommitResult> => {
          const [row] = await t.time('write:batch-begin', () => runIn<BatchStatus>(tx, cypher('batch-begin'), { batchId, partition }));
          if (row?.applied === true) return { outcome: 'applied', topologyChanged: false };
          // Another process wrote the partition, or this is not the graph the batch's events were
          // de-duplicated against (wiped or replaced meanwhile): recompute.
          if ((row?.cursor ?? null) !== expected.cursor || (row?.store ?? null) !== expected.store) return { outcome: 'stale', topologyChanged: false };
          const edgesChanged = await writeBatch(tx, write, t);
          stopCommit = t.start('commit');
          return { outcome: 'committed', topologyChanged: edgesChanged > 0 };
        }),
      );
      stopCommit();
      return outcome;
    } catch (error) {
      // A unique-constraint refusal is only "already applied" when the batch's marker proves it
      // (another worker committed the same batch meanwhile: a job BullMQ judged stalled and
      // handed on). Any other conflict is an error, never a silently skipped batch.
      if (error instanceof DomainError && error.code === ErrorCode.STORE_CONFLICT) {
        const status = await this.batchStatus(batchId, partition);
        if (status.applied) return { outcome: 'applied', topologyChanged: false };
      }
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

/**
 * All of a batch's statements, in dependency order, ending with its marker. Returns the
 * ACCESSED and REPORTS_TO edges created or deleted (the counters of the statements that write
 * them; the driver reports them with every result).
 */
async function writeBatch(tx: ManagedTransaction, write: BatchWrite, t: StageTimings): Promise<number> {
  const run = (name: string, params: Record<string, unknown>) => {
    const stage = `write:${name.replace(/-(asset|device|application)$/, '')}`;
    if (Array.isArray(params.rows)) t.count(stage, params.rows.length);
    return t.time(stage, () => runIn(tx, cypher(name), params));
  };
  let edgesChanged = 0;
  const runCountingEdges = (name: string, params: Record<string, unknown>) => {
    const stage = `write:${name.replace(/-(asset|device|application)$/, '')}`;
    if (Array.isArray(params.rows)) t.count(stage, params.rows.length);
    return t.time(stage, async () => {
      const updates = (await tx.run(cypher(name), toCypherParams(params))).summary.counters.updates();
      edgesChanged += updates.relationshipsCreated + updates.relationshipsDeleted;
    });
  };
  const { aggregate, sessions } = write;
  if (aggregate.hr.length > 0) await runCountingEdges('apply-hr-records', { rows: aggregate.hr.map(hrRow) });
  if (aggregate.users.length > 0) await run('merge-users', { rows: aggregate.users });
  const access = aggregate.access.map((a) => ({ ...a, hourHist: new FloatList(a.hourHist), dowHist: new FloatList(a.dowHist) }));
  for (const [type, rows] of byEntityType(access)) {
    await runCountingEdges(`merge-access-${type.toLowerCase()}`, { rows });
  }
  if (aggregate.deviceFacts.length > 0) await run('merge-device-facts', { rows: aggregate.deviceFacts });
  if (sessions.sessions.length > 0) await run('upsert-sessions', { rows: sessions.sessions.map(sessionRow) });
  const touched = sessions.touched.map((x) => ({ session: x.session, ...parseEntityKey(x.key), count: x.count }));
  for (const [type, rows] of byEntityType(touched)) {
    await run(`merge-touched-${type.toLowerCase()}`, { rows });
  }
  await writeAnalysis(tx, write.analysis, t);
  await run('batch-commit', {
    batchId: write.batchId,
    partition: write.partition,
    events: write.events,
    now: write.now,
  });
  return edgesChanged;
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
