/**
 * The analytics' state and results in the graph: what a batch reads about its users (HR,
 * peer groups, profile checkpoints, stored risk, open findings), what it writes (anomalies,
 * session scores and explanations, timelines, user risk and its history, profile checkpoints,
 * alerts into the outbox), and the deployment-wide pieces (data sources seen, trigger
 * statistics). Rows arrive store-shaped from the pipeline; JSON blobs are strings.
 */
import type { ManagedTransaction } from 'neo4j-driver';
import { cypher } from './cypher.ts';
import { type Neo4jExecutor, runIn } from './executor.ts';
import { StageTimings } from '../perf/stage-timings.ts';

export interface LoadedUserRow {
  user: string;
  status: string | null;
  effectiveDate: number | null;
  lastDay: number | null;
  title: string | null;
  department: string | null;
  groups: Array<{ id: string; label: string | null; kind: string | null; size: number | null; degree: number | null }>;
  watchlists: string[];
  profile: string | null;
  riskScore: number | null;
  riskLevel: string | null;
  peakRiskScore: number | null;
  recent: Array<{ sessionId: string; score: number; endedAt: number }>;
  open: Array<Record<string, unknown>>;
}

export interface AnomalyRow {
  id: string;
  sessionId: string | null;
  props: Record<string, unknown>;
}

export interface SessionScoreRow {
  id: string;
  score: number;
  shadowScore: number;
  explanation: string;
  scoredAt: number;
  anomalyCount: number;
}

export interface TimelineRow {
  sessionId: string;
  seq: number;
  events: string;
  omitted: number;
}

export interface UserRiskRow {
  user: string;
  score: number;
  level: string;
  peak: number;
  updatedAt: number;
  explanation: string;
  /** `recordedAt`: wall clock, epoch ms. The snapshot stores `explanation` too. */
  snapshot: { at: number; score: number; level: string; previousScore: number; reasons: string[]; recordedAt: number } | null;
}

export interface ProfileRow {
  user: string;
  profile: string;
  typical: string;
  at: number;
}

export interface AlertRow {
  id: string;
  severity: string;
  raisedAt: number;
  user: string;
  session: string | null;
  reasons: readonly string[];
  score: number;
}

/** Everything the analytics write in a batch's transaction. */
export interface AnalysisWrite {
  anomalies: AnomalyRow[];
  sessionScores: SessionScoreRow[];
  timeline: TimelineRow[];
  risks: UserRiskRow[];
  profiles: ProfileRow[];
  alerts: AlertRow[];
  /** Data sources first seen in this batch. */
  newSources: string[];
  /** Audit entries of decisions the batch made (re-scoring). */
  audit: AuditRow[];
}

export interface AuditRow {
  id: string;
  at: number;
  actor: string;
  action: string;
  target: string | null;
  outcome: string;
  /** JSON string. */
  details: string;
}

export const EMPTY_ANALYSIS_WRITE: AnalysisWrite = Object.freeze({
  anomalies: [],
  sessionScores: [],
  timeline: [],
  risks: [],
  profiles: [],
  alerts: [],
  newSources: [],
  audit: [],
}) as unknown as AnalysisWrite;

export async function loadUserAnalysis(
  tx: ManagedTransaction,
  users: readonly string[],
  withState: readonly string[],
  since: number,
): Promise<Map<string, LoadedUserRow>> {
  const out = new Map<string, LoadedUserRow>();
  if (users.length === 0) return out;
  const rows = await runIn<LoadedUserRow>(tx, cypher('load-user-analysis'), { users, withState, since });
  for (const row of rows) out.set(row.user, row);
  return out;
}

/** Every device with malware on record. */
export async function loadMalwareDevices(tx: ManagedTransaction): Promise<Array<{ host: string; malwareAt: number; signature: string | null }>> {
  return runIn(tx, cypher('load-malware-devices'), {});
}

/** Every rated asset's criticality. */
export async function loadAssetCriticality(tx: ManagedTransaction): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const rows = await runIn<{ asset: string; criticality: number }>(tx, cypher('load-asset-criticality'), {});
  for (const row of rows) out.set(row.asset, row.criticality);
  return out;
}

export async function loadRescoreSessions(
  tx: ManagedTransaction,
  users: readonly string[],
  since: number,
): Promise<Array<{ user: string; sessionId: string; endedAt: number; anomalies: Array<Record<string, unknown>> }>> {
  if (users.length === 0) return [];
  return runIn(tx, cypher('load-rescore-sessions'), { users, since });
}

/** The analytics' statements of a batch, after its sessions and users are written. */
export async function writeAnalysis(tx: ManagedTransaction, write: AnalysisWrite, t: StageTimings = new StageTimings()): Promise<void> {
  const run = (name: string, params: Record<string, unknown>) => {
    if (Array.isArray(params.rows)) t.count(`write:${name}`, params.rows.length);
    return t.time(`write:${name}`, () => runIn(tx, cypher(name), params));
  };
  if (write.sessionScores.length > 0) await run('score-sessions', { rows: write.sessionScores });
  if (write.anomalies.length > 0) await run('write-anomalies', { rows: write.anomalies });
  if (write.timeline.length > 0) await run('write-timeline', { rows: write.timeline });
  if (write.risks.length > 0) await run('update-user-risk', { rows: write.risks });
  if (write.profiles.length > 0) await run('checkpoint-profiles', { rows: write.profiles });
  if (write.alerts.length > 0) await run('record-alerts-outbox', { rows: write.alerts });
  if (write.newSources.length > 0) await run('merge-data-sources', { sources: write.newSources });
  if (write.audit.length > 0) await run('audit-record', { rows: write.audit });
}

/** Deployment-wide analytics state outside batch transactions. */
export class Neo4jAnalysisRepository {
  readonly #executor: Neo4jExecutor;

  constructor(executor: Neo4jExecutor) {
    this.#executor = executor;
  }

  async dataSources(): Promise<string[]> {
    const [row] = await this.#executor.query<{ sources: string[] }>('WRITE', cypher('merge-data-sources'), { sources: [] });
    return row?.sources ?? [];
  }

  /** Profile checkpoints outside a batch (a partition handed on or a clean stop): the cache holds only committed state. */
  async checkpointProfiles(rows: readonly ProfileRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.#executor.query('WRITE', cypher('checkpoint-profiles'), { rows });
  }

  async loadTriggerStats(): Promise<string | null> {
    const [row] = await this.#executor.query<{ state: string }>('READ', cypher('trigger-stats-load'), {});
    return row?.state ?? null;
  }

  async saveTriggerStats(state: string, savedAt: number): Promise<void> {
    await this.#executor.query('WRITE', cypher('trigger-stats-save'), { state, savedAt });
  }

  async peerGroupAccess(groupId: string): Promise<Array<{ type: string; id: string; members: number }>> {
    return this.#executor.query('READ', cypher('peer-group-access'), { groupId });
  }

  async peerGroupTypicals(groupId: string): Promise<Array<{ user: string; typical: string }>> {
    return this.#executor.query('READ', cypher('peer-group-typicals'), { groupId });
  }

  async markAlertsDelivered(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.#executor.query('WRITE', cypher('alerts-mark-delivered'), { ids });
  }

  async pendingFeedback(limit = 500): Promise<Array<{ id: string; user: string; resolution: string; explanation: string | null }>> {
    return this.#executor.query('READ', cypher('alerts-feedback-pending'), { limit });
  }

  /**
   * The trigger statistics that now include some analysts' verdicts and the marks that those
   * verdicts are applied, in one transaction (two writes would apply a verdict twice after a
   * crash between them).
   */
  async saveFeedback(state: string, savedAt: number, rows: ReadonlyArray<{ id: string; resolution: string }>): Promise<void> {
    await this.#executor.query('WRITE', cypher('feedback-apply'), { state, savedAt, rows });
  }


  async undeliveredAlerts(before: number, limit = 100): Promise<Array<Record<string, unknown>>> {
    const rows = await this.#executor.query<{ alert: Record<string, unknown> }>('READ', cypher('alerts-undelivered'), { before, limit });
    return rows.map((r) => r.alert);
  }
}
