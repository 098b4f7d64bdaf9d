/**
 * Topics of the cross-instance event stream. Each is a Redis pub/sub channel named
 * `<queue prefix>:events:<topic>`, so deployments (and test runs) sharing a Redis stay apart.
 */
export const Topic = Object.freeze({
  ALERT_RAISED: 'alert-raised',
  RISK_SCORE_CHANGED: 'risk-score-changed',
  /** HR data of some users changed (directory or employment status): `{users, at}`, no client subscription. */
  HR_CHANGED: 'hr-changed',
  /**
   * ACCESSED or REPORTS_TO edges were created or removed (see GraphChangeNotice): every
   * instance refreshes the subscription scopes they touch. No client subscription.
   */
  GRAPH_CHANGED: 'graph-changed',
});
export type Topic = (typeof Topic)[keyof typeof Topic];

export function channelOf(prefix: string, topic: Topic): string {
  return `${prefix}:events:${topic}`;
}
