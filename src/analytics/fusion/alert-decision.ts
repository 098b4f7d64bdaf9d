/**
 * Alert decision: which thresholds a scored session and the user's updated risk cross.
 *
 * - Session alert: the session score (points) ≥ `sessionThreshold`. Its alert score is the
 *   session score on the 0–100 scale (squash of user-risk.ts with the same scale).
 * - User alert: user risk crosses `userThreshold` upwards (previous < threshold ≤ current; with
 *   no previous risk known, current ≥ threshold), so a user who stays high is not re-alerted
 *   for every session.
 * - Severity from the alert score's level: LOW → LOW, MODERATE → MEDIUM, HIGH → HIGH,
 *   CRITICAL → CRITICAL.
 * - Only in enforcement mode are alerts raised; in learning mode the same decisions come back
 *   as `wouldRaise` so admins can see what enforcement would have done.
 * - Id: sha256(kind, user, session) — re-scoring the same session (a retry, an HR change that
 *   re-scores open sessions) gives the same id, and the AlertPublisher records it once.
 */
import { createHash } from 'node:crypto';
import { roundScore } from './rounding.ts';
import type { SessionScore } from './session-score.ts';
import { DEFAULT_USER_RISK_CONFIG, riskLevel, type RiskLevel, squash, type UserRisk } from './user-risk.ts';

export const ENFORCEMENT_MODE = Object.freeze({ Learning: 'learning', Enforcement: 'enforcement' } as const);
export type EnforcementMode = (typeof ENFORCEMENT_MODE)[keyof typeof ENFORCEMENT_MODE];

export const ALERT_KIND = Object.freeze({ Session: 'session', User: 'user' } as const);
export type AlertKind = (typeof ALERT_KIND)[keyof typeof ALERT_KIND];

/** The same strings as the store's AlertSeverity. */
export const ALERT_SEVERITY = Object.freeze({ LOW: 'LOW', MEDIUM: 'MEDIUM', HIGH: 'HIGH', CRITICAL: 'CRITICAL' } as const);
export type AlertSeverity = (typeof ALERT_SEVERITY)[keyof typeof ALERT_SEVERITY];

const SEVERITY_OF_LEVEL: Readonly<Record<RiskLevel, AlertSeverity>> = Object.freeze({
  LOW: ALERT_SEVERITY.LOW,
  MODERATE: ALERT_SEVERITY.MEDIUM,
  HIGH: ALERT_SEVERITY.HIGH,
  CRITICAL: ALERT_SEVERITY.CRITICAL,
});

export interface AlertConfig {
  /** Session score, points, at or above which a session alert is raised. */
  sessionThreshold: number;
  /** User risk, 0–100, whose upward crossing raises a user alert. */
  userThreshold: number;
  /** Squashing scale for a session's alert score, points (user risk's scale). */
  scale: number;
  /** Reasons listed per alert, most important first. */
  maxReasons: number;
}

export const DEFAULT_ALERT_CONFIG: AlertConfig = Object.freeze({
  sessionThreshold: 90,
  userThreshold: 75,
  scale: DEFAULT_USER_RISK_CONFIG.scale,
  maxReasons: 5,
});

/** Shaped like the store's RaisedAlert, so it can go to the API's AlertPublisher as is. */
export interface AlertDraft {
  id: string;
  severity: AlertSeverity;
  raisedAt: number;
  user: string;
  session: string | null;
  reasons: readonly string[];
  /** 0–100. */
  score: number;
}

export interface AlertCandidate {
  kind: AlertKind;
  /** The threshold crossed, in the kind's units. */
  threshold: number;
  alert: AlertDraft;
}

export interface AlertDecision {
  raise: AlertCandidate[];
  /** Learning mode: what enforcement would have raised. */
  wouldRaise: AlertCandidate[];
}

export interface AlertInput {
  session?: SessionScore;
  userRisk?: UserRisk;
  /** The user's risk before this update, 0–100; absent when unknown. */
  previousUserRisk?: number;
}

export function alertId(kind: AlertKind, userId: string, sessionId: string | null): string {
  return `alert-${createHash('sha256').update(`${kind}\u0000${userId}\u0000${sessionId ?? ''}`).digest('hex').slice(0, 32)}`;
}

export function decideAlerts(input: AlertInput, mode: EnforcementMode, now: number, config: AlertConfig = DEFAULT_ALERT_CONFIG): AlertDecision {
  const candidates: AlertCandidate[] = [];
  const session = input.session;
  if (session !== undefined && session.score >= config.sessionThreshold) {
    const score = round2(squash(session.score, config.scale));
    candidates.push({
      kind: ALERT_KIND.Session,
      threshold: config.sessionThreshold,
      alert: {
        id: alertId(ALERT_KIND.Session, session.userId, session.sessionId),
        severity: SEVERITY_OF_LEVEL[riskLevel(score)],
        raisedAt: now,
        user: session.userId,
        session: session.sessionId,
        reasons: sessionReasons(session, config.maxReasons),
        score,
      },
    });
  }
  const risk = input.userRisk;
  const crossed = risk !== undefined && risk.score >= config.userThreshold && !((input.previousUserRisk ?? -Infinity) >= config.userThreshold);
  if (risk !== undefined && crossed) {
    // The session that brought the user over: this update's session when it adds to the risk,
    // else the top contributor — never a session that explains none of it (a quiet session in
    // hand when an HR change re-weighed the older ones).
    const inHand = session?.userId === risk.userId && risk.contributions.some((c) => c.sessionId === session.sessionId) ? session.sessionId : undefined;
    const sessionId = inHand ?? risk.contributions[0]?.sessionId ?? null;
    candidates.push({
      kind: ALERT_KIND.User,
      threshold: config.userThreshold,
      alert: {
        id: alertId(ALERT_KIND.User, risk.userId, sessionId),
        severity: SEVERITY_OF_LEVEL[risk.level],
        raisedAt: now,
        user: risk.userId,
        session: sessionId,
        reasons: userReasons(risk, inHand === undefined ? undefined : session, config.maxReasons),
        score: roundScore(risk.score),
      },
    });
  }
  return mode === ENFORCEMENT_MODE.Enforcement ? { raise: candidates, wouldRaise: [] } : { raise: [], wouldRaise: candidates };
}

function sessionReasons(session: SessionScore, max: number): string[] {
  return session.contributions.filter((c) => c.unscored === null && c.value > 0).slice(0, max).map((c) => `${c.reason} (+${c.value})`);
}

function userReasons(risk: UserRisk, session: SessionScore | undefined, max: number): string[] {
  const head = `user risk ${roundScore(risk.score)} (${risk.level}) from ${risk.contributions.length} recent session(s)`;
  const tail = session !== undefined && session.userId === risk.userId ? sessionReasons(session, max - 1) : [];
  return [head, ...tail];
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
