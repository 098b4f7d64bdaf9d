/**
 * The identity provider's risk decision at login, answered from in-memory state only (no I/O,
 * no allocation beyond the answer), so it stays far below the 10 ms budget.
 *
 *   riskScore = min(100, userRisk + Σ context points)
 *   context points: unknown device +deviceUnknownPoints, unknown IP +ipUnknownPoints,
 *                   unknown country +countryUnknownPoints (when the caller resolved one),
 *                   departing employee +departingPoints
 *   decision  = DENY     if terminated (status TERMINATED in effect, or past the last day),
 *               DENY     if riskScore ≥ denyAt,
 *               STEP_UP  if riskScore ≥ stepUpAt,
 *               ALLOW    otherwise.
 *
 * A signal the caller did not send (no IP, no device) adds nothing: absence is not novelty.
 * "Known" means seen for this user within `knownWithinMs` in the recent-context summary, which
 * `observeLogin` keeps to at most `maxEntries` devices, IPs and countries each (least recently
 * seen evicted first), so memory stays bounded per user.
 */
import { isDeparting } from './calibration.ts';
import { EMPLOYMENT_STATUS, type HrStatus } from './fusion-finding.ts';
import { roundScore } from './rounding.ts';
import { riskLevel } from './user-risk.ts';

const DAY_MS = 86_400_000;

export const LOGIN_DECISION = Object.freeze({ ALLOW: 'ALLOW', STEP_UP: 'STEP_UP', DENY: 'DENY' } as const);
export type LoginDecision = (typeof LOGIN_DECISION)[keyof typeof LOGIN_DECISION];

/** Per-user recent context: key → last seen, epoch ms. */
export interface RecentContext {
  devices: Map<string, number>;
  ips: Map<string, number>;
  countries: Map<string, number>;
}

export interface LoginRiskState {
  /** User id → current user risk, 0–100. */
  userRisk: ReadonlyMap<string, number>;
  hr: ReadonlyMap<string, HrStatus>;
  context: ReadonlyMap<string, RecentContext>;
}

export interface LoginRequest {
  userId: string;
  /** Absent when the identity provider does not know it: then not scored (neither known nor unknown). */
  ip?: string;
  /** As `ip`. */
  deviceId?: string;
  /** Recorded with the decision; not scored. */
  application?: string;
  /** Epoch ms. */
  time: number;
  /** ISO country of the IP, when the caller resolved it. */
  country?: string;
}

export interface LoginPolicy {
  stepUpAt: number;
  denyAt: number;
  deviceUnknownPoints: number;
  ipUnknownPoints: number;
  countryUnknownPoints: number;
  departingPoints: number;
  departingWindowDays: number;
  knownWithinMs: number;
  maxEntries: number;
}

export const DEFAULT_LOGIN_POLICY: LoginPolicy = Object.freeze({
  stepUpAt: 50,
  denyAt: 90,
  deviceUnknownPoints: 20,
  ipUnknownPoints: 10,
  countryUnknownPoints: 25,
  departingPoints: 15,
  departingWindowDays: 30,
  knownWithinMs: 90 * DAY_MS,
  maxEntries: 16,
});

export interface LoginRiskDecision {
  decision: LoginDecision;
  /** 0–100. */
  riskScore: number;
  reasons: string[];
}

export function decideLogin(state: LoginRiskState, request: LoginRequest, policy: LoginPolicy = DEFAULT_LOGIN_POLICY): LoginRiskDecision {
  const reasons: string[] = [];
  const hr = state.hr.get(request.userId);
  if (hr !== undefined && isTerminated(hr, request.time)) {
    return { decision: LOGIN_DECISION.DENY, riskScore: 100, reasons: ['employment terminated'] };
  }
  const base = state.userRisk.get(request.userId) ?? 0;
  let score = base;
  if (base > 0) reasons.push(`user risk ${roundScore(base)} (${riskLevel(base)})`);
  const ctx = state.context.get(request.userId);
  if (request.deviceId !== undefined && !isKnown(ctx?.devices, request.deviceId, request.time, policy)) {
    score += policy.deviceUnknownPoints;
    reasons.push(`unknown device ${request.deviceId}`);
  }
  if (request.ip !== undefined && !isKnown(ctx?.ips, request.ip, request.time, policy)) {
    score += policy.ipUnknownPoints;
    reasons.push(`unknown IP ${request.ip}`);
  }
  if (request.country !== undefined && !isKnown(ctx?.countries, request.country, request.time, policy)) {
    score += policy.countryUnknownPoints;
    reasons.push(`unusual country ${request.country}`);
  }
  if (isDeparting(hr, request.time, policy.departingWindowDays)) {
    score += policy.departingPoints;
    reasons.push('departing employee');
  }
  const riskScore = Math.min(100, Math.round(score * 100) / 100);
  const decision = riskScore >= policy.denyAt ? LOGIN_DECISION.DENY : riskScore >= policy.stepUpAt ? LOGIN_DECISION.STEP_UP : LOGIN_DECISION.ALLOW;
  return { decision, riskScore, reasons };
}

/** Terminated at `time`: TERMINATED in effect, or past the end of the last day. */
export function isTerminated(hr: HrStatus, time: number): boolean {
  if (hr.status === EMPLOYMENT_STATUS.TERMINATED && (hr.effectiveDate === undefined || hr.effectiveDate <= time)) return true;
  return hr.lastDay !== undefined && time >= hr.lastDay + DAY_MS;
}

export function emptyRecentContext(): RecentContext {
  return { devices: new Map(), ips: new Map(), countries: new Map() };
}

/** Records a successful login in the user's summary (mutates it), keeping it bounded. */
export function observeLogin(ctx: RecentContext, login: { ip: string; deviceId: string; time: number; country?: string }, policy: LoginPolicy = DEFAULT_LOGIN_POLICY): void {
  touch(ctx.devices, login.deviceId, login.time, policy.maxEntries);
  touch(ctx.ips, login.ip, login.time, policy.maxEntries);
  if (login.country !== undefined) touch(ctx.countries, login.country, login.time, policy.maxEntries);
}

function isKnown(seen: ReadonlyMap<string, number> | undefined, key: string, time: number, policy: LoginPolicy): boolean {
  const last = seen?.get(key);
  return last !== undefined && time - last <= policy.knownWithinMs;
}

function touch(seen: Map<string, number>, key: string, time: number, max: number): void {
  seen.set(key, Math.max(time, seen.get(key) ?? -Infinity));
  while (seen.size > max) {
    let oldest: string | null = null;
    let oldestAt = Infinity;
    for (const [k, at] of seen) if (at < oldestAt) [oldest, oldestAt] = [k, at];
    if (oldest === null) break;
    seen.delete(oldest);
  }
}
