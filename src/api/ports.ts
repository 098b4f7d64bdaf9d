/**
 * What the API needs from the rest of the product, and what it offers it. Implementations are
 * wired in main.ts; the analytics and scoring code need not import this file (TypeScript
 * matches interfaces by shape), so the pure core keeps no dependency on the API layer.
 */
import type { EnforcementMode } from '../analytics/maturity.ts';
import type { AlertRecord, RaisedAlert } from '../store/alert.repository.ts';
import type { ThreatIntelEntry, ThreatIntelKind } from '../store/settings.repository.ts';

export type { AlertRecord, RaisedAlert } from '../store/alert.repository.ts';
export { AlertSeverity, AlertStatus, AlertResolution } from '../store/alert.repository.ts';

/** One indicator of the detection catalogue, as `Query.indicators` shows it. */
export interface IndicatorDescriptor {
  /** Stable id, e.g. `first-access-asset`. */
  id: string;
  /** Family, e.g. `rare-access`. */
  family: string;
  title: string;
  description: string;
  /** Expert anchor score before calibration and down-weighting. */
  anchorScore: number;
  enabled: boolean;
  /** Data sources it needs, e.g. `authentication`, `web`, `hr`. */
  dataSources: readonly string[];
  /** The p-value threshold; null for facts (absent: not known to this catalogue). */
  threshold?: number | null;
  /** Other thresholds by name, in the indicator's order, with their built-in values. */
  params?: ReadonlyArray<{ name: string; value: number; defaultValue: number }>;
  /** An administrator's API override applies (resetIndicator removes it). */
  overridden?: boolean;
}

/** What an on-demand peer-group rebuild reports (Mutation.recomputePeerGroups). */
export interface PeerGroupRecomputation {
  finished: boolean;
  buildId: string | null;
  activated: boolean | null;
  users: number | null;
  clustered: number | null;
}

/** Rebuilds the peer groups now (the peer-group job); `wait` resolves once it has finished. */
export interface PeerGroupRecomputer {
  recompute(wait: boolean): Promise<PeerGroupRecomputation>;
}

/** The indicator registry (analytics). Read on every `Query.indicators`; keep it cheap. */
export interface IndicatorCatalog {
  list(): Promise<readonly IndicatorDescriptor[]> | readonly IndicatorDescriptor[];
}

export type { ThreatIntelEntry, ThreatIntelKind } from '../store/settings.repository.ts';

/** The analysis settings as `Query.settings` shows them. Times epoch ms UTC. */
export interface AnalysisSettingsView {
  mode: EnforcementMode;
  /** Grows with every change (0: never changed). */
  version: number;
  updatedAt: number | null;
  updatedBy: string | null;
  /** Families switched off (the administrator's list once set, else the file's). */
  disabledFamilies: readonly string[];
}

/** Changes to one indicator; fields left out keep their value. */
export interface IndicatorConfigurationInput {
  id: string;
  enabled?: boolean | null;
  anchorScore?: number | null;
  threshold?: number | null;
  params?: ReadonlyArray<{ name: string; value: number }> | null;
}

/** What a threat-intelligence change did. */
export interface ThreatIntelChange {
  kind: ThreatIntelKind;
  /** Values newly listed. */
  added: number;
  /** Values deleted. */
  removed: number;
  /** Values already listed (add: source and time refreshed) or not listed (remove). */
  unchanged: number;
  /** Entries of this kind after the change. */
  total: number;
  settings: AnalysisSettingsView;
}

/**
 * The analysis settings administrators change (mode, indicator configuration, threat
 * intelligence). Every change increments the settings version; input errors are BAD_INPUT
 * domain errors naming the argument (`input.anchorScore`, `input.values[3]`, `values[0]`), with
 * the argument names of the GraphQL operations.
 */
export interface SettingsAdministration {
  view(): Promise<AnalysisSettingsView>;
  setMode(mode: EnforcementMode, actor: string): Promise<AnalysisSettingsView>;
  /** null: back to the file configuration's list. */
  setDisabledFamilies(families: readonly string[] | null, actor: string): Promise<AnalysisSettingsView>;
  configureIndicator(input: IndicatorConfigurationInput, actor: string): Promise<IndicatorDescriptor>;
  resetIndicator(id: string, actor: string): Promise<IndicatorDescriptor>;
  addThreatIntel(input: { kind: ThreatIntelKind; values: readonly string[]; source: string }, actor: string): Promise<ThreatIntelChange>;
  removeThreatIntel(kind: ThreatIntelKind, values: readonly string[], actor: string): Promise<ThreatIntelChange>;
  /** Entries of one kind by value, after `after` (exclusive). */
  threatIntelPage(kind: ThreatIntelKind, after: string | null, limit: number): Promise<ThreatIntelEntry[]>;
  threatIntelCount(kind: ThreatIntelKind): Promise<number>;
}


/**
 * How scoring raises an alert (issue 4): records it in the graph (idempotent on `alert.id`)
 * and delivers it to every `alertRaised` subscriber on every API instance. Resolves once it
 * is recorded and published; returns the stored alert and whether it is new (a repeated id
 * is neither recorded nor delivered again).
 */
export interface AlertPublisher {
  publish(alert: RaisedAlert): Promise<{ alert: AlertRecord; created: boolean }>;
}

/** A user's risk score moved. Times epoch ms UTC; scores 0–100. */
export interface RiskScoreChange {
  /** User key. */
  user: string;
  previousScore: number;
  score: number;
  changedAt: number;
  reasons: readonly string[];
}

/**
 * How scoring announces risk changes to `riskScoreChanged` subscribers. Publishing does not
 * write `User.riskScore`; the scoring side stores the score, then publishes.
 */
export interface RiskChangePublisher {
  publish(change: RiskScoreChange): Promise<void>;
}

/**
 * HR data of some users changed (directory records or employment status), announced after the
 * change is committed so every API instance's risk-decision state re-reads those users.
 * Times epoch ms UTC.
 */
export interface HrChangeNotice {
  /** User keys. */
  users: readonly string[];
  at: number;
}

/** What `Query.riskDecision` asks. Times epoch ms UTC. */
export interface RiskDecisionRequest {
  /** User key. */
  userId: string;
  ip?: string;
  deviceId?: string;
  application?: string;
  /** When the login happens. */
  time: number;
}

/** The answer to an identity provider at login. */
export interface RiskDecisionResult {
  decision: 'ALLOW' | 'STEP_UP' | 'DENY';
  /** The login's risk, 0–100: user risk plus context. */
  riskScore: number;
  riskLevel: 'LOW' | 'MODERATE' | 'HIGH' | 'CRITICAL';
  reasons: readonly string[];
  /** When the decision was made. */
  decidedAt: number;
}

/**
 * The login-time risk decision (src/risk/): answered from in-memory state, recorded in the
 * audit trail off the request path. `actor` is the calling principal's id.
 */
export interface RiskDecider {
  decide(request: RiskDecisionRequest, actor: string): Promise<RiskDecisionResult>;
}

/** One edge a graph change created or removed, as its user end and its other end. */
export interface GraphChangeEdge {
  /** User key. */
  user: string;
  /** The other end: `User` (REPORTS_TO), `Device`, `Application` or `Asset` (ACCESSED). */
  type: 'User' | 'Device' | 'Application' | 'Asset';
  key: string;
}

/**
 * The graph's shape changed where `filter.near` scopes look (ACCESSED and REPORTS_TO edges
 * created or removed), announced on `Topic.GRAPH_CHANGED` after the change is committed and
 * before the alerts of the same batch are published, so every API instance refreshes the
 * scopes it touches before it filters those alerts. Times epoch ms UTC.
 */
export interface GraphChangeNotice {
  at: number;
  /** The edges changed; null when too many to list or not known (any scope may have changed). */
  edges: readonly GraphChangeEdge[] | null;
}
