import {
  decideLogin,
  DEFAULT_LOGIN_POLICY,
  LOGIN_DECISION,
  type LoginPolicy,
  type LoginRequest,
  type LoginRiskDecision,
  type LoginRiskState,
} from '../analytics/fusion/login-decision.ts';
import { hrStatusAt, type UserRiskState } from './risk-state.cache.ts';

/**
 * The decision for one user from the cached state: `decideLogin` (analytics/fusion) over that
 * user's risk, the HR status in force at the login's time, and their recent context.
 *
 * A user the graph does not know (no User node) is not an error: an identity provider may hold
 * accounts riskgraph has never seen (new joiners, service accounts, typos). With no baseline
 * to vouch for the login, the policy steps up at least: the decision is STEP_UP (DENY stays
 * DENY), the score raised to the step-up threshold so that score and decision agree, and the
 * first reason says why.
 */
export function decideForUser(state: UserRiskState | null, request: LoginRequest, policy: LoginPolicy = DEFAULT_LOGIN_POLICY): LoginRiskDecision {
  if (state === null) return decideWithoutState(request, `unknown user ${request.userId}`, policy);
  const hr = hrStatusAt(state, request.time);
  const view: LoginRiskState = {
    userRisk: new Map([[request.userId, state.riskScore]]),
    hr: new Map(hr === undefined ? [] : [[request.userId, hr]]),
    context: new Map([[request.userId, state.context]]),
  };
  return decideLogin(view, request, policy);
}

const NOTHING_KNOWN: LoginRiskState = Object.freeze({ userRisk: new Map(), hr: new Map(), context: new Map() });

/**
 * Steps up at least, for a login nothing is known about: an unknown user, or (degraded mode)
 * a user whose state could not be read because the graph store is unavailable. `why` comes
 * first among the reasons.
 */
export function decideWithoutState(request: LoginRequest, why: string, policy: LoginPolicy = DEFAULT_LOGIN_POLICY): LoginRiskDecision {
  const base = decideLogin(NOTHING_KNOWN, request, policy);
  const reasons = [why, ...base.reasons];
  if (base.decision === LOGIN_DECISION.DENY) return { ...base, reasons };
  return { decision: LOGIN_DECISION.STEP_UP, riskScore: Math.max(base.riskScore, policy.stepUpAt), reasons };
}
