import { Capability, type Principal, type Role, ROLES, allows } from './roles.ts';

/**
 * The role matrix of the GraphQL API, in one place: every root operation and every sensitive
 * field names the capability it needs. The schema builder refuses to start when a root
 * operation is missing here (fail closed), and a test walks every operation of the schema
 * against every role using this table.
 */
export const OPERATION_POLICY: Readonly<Record<string, readonly Role[]>> = Object.freeze({
  'Query.apiInfo': Capability.WHO_AM_I,
  'Query.user': Capability.READ_GRAPH,
  'Query.entity': Capability.READ_GRAPH,
  'Query.paths': Capability.READ_GRAPH,
  'Query.session': Capability.READ_GRAPH,
  'Query.peerGroups': Capability.READ_GRAPH,
  'Query.peerGroup': Capability.READ_GRAPH,
  'Query.riskLeaderboard': Capability.READ_GRAPH,
  'Query.riskDecision': Capability.RISK_DECISION,
  'Query.alerts': Capability.READ_GRAPH,
  'Query.indicators': Capability.READ_GRAPH,
  'Query.findings': Capability.INVESTIGATE,
  'Query.wouldHaveAlerted': Capability.INVESTIGATE,
  // Re-scoring for tuning: per-finding reasons and weights across a user's sessions (no
  // evidence), for the analysts and administrators who tune indicators.
  'Query.whatIf': Capability.INVESTIGATE,
  'Query.deadLetters': Capability.READ_DEAD_LETTERS,
  'Query.apiKeys': Capability.ADMINISTER,
  'Query.auditTrail': Capability.ADMINISTER,
  'Query.settings': Capability.READ_SETTINGS,
  'Query.threatIntel': Capability.READ_SETTINGS,
  'Query.watchlists': Capability.READ_SETTINGS,
  'Query.criticalAssets': Capability.READ_SETTINGS,
  'Mutation.acknowledgeAlert': Capability.TRIAGE_ALERTS,
  'Mutation.resolveAlert': Capability.TRIAGE_ALERTS,
  'Mutation.upsertUsers': Capability.WRITE_HR,
  'Mutation.setEmploymentStatus': Capability.WRITE_HR,
  'Mutation.setEmploymentStatuses': Capability.WRITE_HR,
  'Mutation.ingestEvents': Capability.INGEST,
  'Query.ingestJob': Capability.INGEST,
  'Mutation.createApiKey': Capability.ADMINISTER,
  'Mutation.revokeApiKey': Capability.ADMINISTER,
  'Mutation.recomputePeerGroups': Capability.ADMINISTER,
  'Mutation.setEnforcementMode': Capability.ADMINISTER,
  'Mutation.setDisabledIndicatorFamilies': Capability.ADMINISTER,
  'Mutation.configureIndicator': Capability.ADMINISTER,
  'Mutation.resetIndicator': Capability.ADMINISTER,
  'Mutation.addThreatIntel': Capability.ADMINISTER,
  'Mutation.removeThreatIntel': Capability.ADMINISTER,
  'Mutation.setAssetCriticality': Capability.ADMINISTER,
  'Mutation.addToWatchlist': Capability.ADMINISTER,
  'Mutation.removeFromWatchlist': Capability.ADMINISTER,
  'Subscription.alertRaised': Capability.SUBSCRIBE,
  'Subscription.riskScoreChanged': Capability.SUBSCRIBE,
});

/** Fields below the root that expose personal data or evidence: null plus a FORBIDDEN error for others. */
export const FIELD_POLICY: Readonly<Record<string, readonly Role[]>> = Object.freeze({
  'User.email': Capability.READ_PERSONAL_DATA,
  'User.employmentHistory': Capability.READ_PERSONAL_DATA,
  // Who is watched is investigation context about people, read with the watchlists themselves;
  // dashboards see only the `watchlist` weight of a finding. Asset.criticality (a rating of a
  // system, shown as the `asset-criticality` weight anyway) is readable wherever assets are.
  'User.watchlists': Capability.READ_SETTINGS,
  // Evidence: what was observed and the events behind it (INVESTIGATE in roles.ts).
  'Finding.evidence': Capability.INVESTIGATE,
  'Finding.eventIds': Capability.INVESTIGATE,
  'ScoreContribution.evidence': Capability.INVESTIGATE,
  'ScoreContribution.observed': Capability.INVESTIGATE,
  'ScoreContribution.baseline': Capability.INVESTIGATE,
  'ScoreContribution.eventIds': Capability.INVESTIGATE,
  'Session.timeline': Capability.INVESTIGATE,
  // Risk scores are security data, not the HR system's: an HR integration records the change,
  // an administrator (or analyst) calling the mutation sees what the re-scoring did.
  'EmploymentChange.riskChange': Capability.READ_GRAPH,
});

export function mayCall(principal: Principal | null, coordinate: string): boolean {
  const allowed = OPERATION_POLICY[coordinate] ?? FIELD_POLICY[coordinate];
  // Unknown coordinates are denied: a new operation without a policy entry is never open.
  return allowed !== undefined && allows(principal, allowed);
}

/** Roles that may subscribe to anything: the WebSocket handshake admits only these. */
export function subscribingRoles(): Role[] {
  return ROLES.filter((role) =>
    Object.entries(OPERATION_POLICY).some(
      ([coordinate, allowed]) => coordinate.startsWith('Subscription.') && allows({ id: 'probe', role }, allowed),
    ),
  );
}
