/**
 * What the API needs from the rest of the product, and what it offers it. Implementations are
 * wired in main.ts; the analytics and scoring code need not import this file (TypeScript
 * matches interfaces by shape), so the pure core keeps no dependency on the API layer.
 */
import type { AlertRecord, RaisedAlert } from '../store/alert.repository.ts';

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
