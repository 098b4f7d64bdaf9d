import { cypher } from './cypher.ts';
import type { Neo4jExecutor } from './executor.ts';

/** Alert severities, lowest first: the order is what `minSeverity` filters compare. */
export const AlertSeverity = Object.freeze({ LOW: 'LOW', MEDIUM: 'MEDIUM', HIGH: 'HIGH', CRITICAL: 'CRITICAL' });
export type AlertSeverity = (typeof AlertSeverity)[keyof typeof AlertSeverity];
export const SEVERITY_ORDER: readonly AlertSeverity[] = Object.freeze(['LOW', 'MEDIUM', 'HIGH', 'CRITICAL']);

export const AlertStatus = Object.freeze({ OPEN: 'OPEN', ACKNOWLEDGED: 'ACKNOWLEDGED', RESOLVED: 'RESOLVED' });
export type AlertStatus = (typeof AlertStatus)[keyof typeof AlertStatus];

export const AlertResolution = Object.freeze({
  TRUE_POSITIVE: 'TRUE_POSITIVE',
  FALSE_POSITIVE: 'FALSE_POSITIVE',
  BENIGN: 'BENIGN',
});
export type AlertResolution = (typeof AlertResolution)[keyof typeof AlertResolution];

/** What the scoring side raises (issue 4): the alert as first recorded. Times epoch ms UTC. */
export interface RaisedAlert {
  /** Deterministic for the triggering session or user window, so a retried raise records once. */
  id: string;
  severity: AlertSeverity;
  raisedAt: number;
  /** User key. */
  user: string;
  /** Session id, when a session crossed the threshold. */
  session: string | null;
  /** Human-readable reasons, most important first. */
  reasons: readonly string[];
  /** Risk score 0–100 that crossed the threshold. */
  score: number;
}

/** An alert as stored, with its triage state. */
export interface AlertRecord extends RaisedAlert {
  status: AlertStatus;
  acknowledgedAt?: number | null;
  acknowledgedBy?: string | null;
  resolvedAt?: number | null;
  resolvedBy?: string | null;
  resolution?: AlertResolution | null;
}

export interface AlertQuery {
  minSeverity: AlertSeverity | null;
  user: string | null;
  statuses: readonly AlertStatus[] | null;
  raisedAfter: number | null;
  after: { raisedAt: number; id: string } | null;
  limit: number;
}

export interface AlertRepository {
  /** Records a raised alert; `created` is false when one with its id was recorded before. */
  record(alert: RaisedAlert): Promise<{ alert: AlertRecord; created: boolean }>;
  page(query: AlertQuery): Promise<AlertRecord[]>;
  byIds(ids: readonly string[]): Promise<AlertRecord[]>;
  /** null when unknown. */
  acknowledge(id: string, by: string, now: number): Promise<{ alert: AlertRecord; previousStatus: AlertStatus } | null>;
  resolve(id: string, resolution: AlertResolution, by: string, now: number): Promise<AlertRecord | null>;
}

export class Neo4jAlertRepository implements AlertRepository {
  readonly #executor: Neo4jExecutor;

  constructor(executor: Neo4jExecutor) {
    this.#executor = executor;
  }

  async record(alert: RaisedAlert): Promise<{ alert: AlertRecord; created: boolean }> {
    const [row] = await this.#executor.query<{ alert: AlertRecord; created: boolean }>('WRITE', cypher('alert-record'), {
      alert: { ...alert, reasons: [...alert.reasons] },
    });
    if (row === undefined) throw new Error(`alert ${alert.id} was not recorded`);
    return row;
  }

  async page(query: AlertQuery): Promise<AlertRecord[]> {
    const rows = await this.#executor.query<{ alert: AlertRecord }>('READ', cypher('alerts-page'), {
      minRank: query.minSeverity === null ? 0 : SEVERITY_ORDER.indexOf(query.minSeverity),
      user: query.user,
      statuses: query.statuses === null ? null : [...query.statuses],
      raisedAfter: query.raisedAfter,
      after: query.after,
      limit: query.limit,
    });
    return rows.map((row) => row.alert);
  }

  async byIds(ids: readonly string[]): Promise<AlertRecord[]> {
    if (ids.length === 0) return [];
    const rows = await this.#executor.query<{ alert: AlertRecord }>('READ', cypher('alerts-by-ids'), { ids: [...ids] });
    return rows.map((row) => row.alert);
  }

  async acknowledge(id: string, by: string, now: number): Promise<{ alert: AlertRecord; previousStatus: AlertStatus } | null> {
    const [row] = await this.#executor.query<{ alert: AlertRecord; previousStatus: AlertStatus }>('WRITE', cypher('alert-acknowledge'), {
      id,
      by,
      now,
    });
    return row ?? null;
  }

  async resolve(id: string, resolution: AlertResolution, by: string, now: number): Promise<AlertRecord | null> {
    const [row] = await this.#executor.query<{ alert: AlertRecord }>('WRITE', cypher('alert-resolve'), { id, resolution, by, now });
    return row?.alert ?? null;
  }
}
