/**
 * Roles a bearer token carries. The bootstrap admin token (RISKGRAPH_ADMIN_TOKEN) is ADMIN;
 * API keys minted by an admin carry one of the others.
 */
export const Role = Object.freeze({
  ADMIN: 'ADMIN',
  ANALYST: 'ANALYST',
  DASHBOARD: 'DASHBOARD',
  HR_INTEGRATION: 'HR_INTEGRATION',
  INGEST: 'INGEST',
  IDP: 'IDP',
});
export type Role = (typeof Role)[keyof typeof Role];

export interface Principal {
  /** Who, for the audit trail: `admin` for the bootstrap token, else the API key's id. */
  id: string;
  role: Role;
}

export const ROLES: readonly Role[] = Object.freeze(Object.values(Role));

/**
 * What each capability requires. ADMIN may do everything. Which API operation needs which
 * capability is listed in access-policy.ts.
 */
export const Capability = Object.freeze({
  INGEST: [Role.ADMIN, Role.INGEST],
  READ_DEAD_LETTERS: [Role.ADMIN],
  /** Who the caller is: any valid token. */
  WHO_AM_I: ROLES,
  /** The entity graph, sessions, peer groups, alerts, the leaderboard, the indicator catalogue. */
  READ_GRAPH: [Role.ADMIN, Role.ANALYST, Role.DASHBOARD],
  /** Live alert and risk streams. */
  SUBSCRIBE: [Role.ADMIN, Role.ANALYST, Role.DASHBOARD],
  /**
   * The evidence behind scores (findings' evidence and event ids, explanations' observed values
   * and baselines, session timelines) and the cross-user searches (all findings, what
   * enforcement would have raised). Dashboards see scores, weights and reasons, not this.
   */
  INVESTIGATE: [Role.ADMIN, Role.ANALYST],
  /** Acknowledge and resolve alerts. */
  TRIAGE_ALERTS: [Role.ADMIN, Role.ANALYST],
  /** Personal data (e-mail, employment history) where the graph is readable at all. */
  READ_PERSONAL_DATA: [Role.ADMIN, Role.ANALYST, Role.HR_INTEGRATION],
  /** Directory sync and employment status. */
  WRITE_HR: [Role.ADMIN, Role.HR_INTEGRATION],
  /** The login-time risk decision. */
  RISK_DECISION: [Role.ADMIN, Role.IDP],
  /** The analysis settings, threat-intelligence lists and watchlists (changing them is ADMINISTER). */
  READ_SETTINGS: [Role.ADMIN, Role.ANALYST],
  /** API keys, the audit trail, the analysis settings and threat intelligence. */
  ADMINISTER: [Role.ADMIN],
  /** Prometheus metrics at GET /metrics (operations dashboards scrape them). */
  READ_METRICS: [Role.ADMIN, Role.DASHBOARD],
});

export function allows(principal: Principal | null, allowed: readonly Role[]): boolean {
  return principal !== null && (principal.role === Role.ADMIN || allowed.includes(principal.role));
}
