/**
 * Calibration by context: the multipliers applied to a finding's anchor score before
 * down-weighting. Each factor that applies is recorded by name, value and why, so the
 * explanation shows every weight; a factor that does not apply is not listed (it would be 1).
 *
 *   calibration = peerDegree × assetCriticality × privileged × watchlist × departing
 *
 * - peer membership: a peer-level finding counts in proportion to the user's degree of
 *   membership (0–1) in the group it was tested against — deviating from a group one barely
 *   belongs to says little;
 * - asset criticality: input map asset → multiplier (default 1); the most critical asset of
 *   the finding counts;
 * - privileged account and watchlist: fixed multipliers for users on those input lists;
 * - departing employee: exfiltration-type findings of a user who has given notice, or whose
 *   last day is within `departingWindowDays` ahead (the same rule as hr.indicator.ts, read in
 *   UTC here), or who is terminated, are multiplied by `departingExfiltrationMultiplier`.
 */
import { EMPLOYMENT_STATUS, type FusionFinding, type HrStatus } from './fusion-finding.ts';

const DAY_MS = 86_400_000;

export const CALIBRATION_FACTOR = Object.freeze({
  PeerMembership: 'peer-membership',
  AssetCriticality: 'asset-criticality',
  PrivilegedAccount: 'privileged-account',
  Watchlist: 'watchlist',
  DepartingEmployee: 'departing-employee',
} as const);
export type CalibrationFactorName = (typeof CALIBRATION_FACTOR)[keyof typeof CALIBRATION_FACTOR];

export interface CalibrationFactor {
  name: CalibrationFactorName;
  /** Multiplier applied, dimensionless. */
  value: number;
  /** Why it applies, for the analyst. */
  detail: string;
}

/** Context inputs; everything optional, absent means "no such context". */
export interface CalibrationContext {
  /** Asset id → criticality multiplier; assets not listed have 1. */
  assetCriticality?: ReadonlyMap<string, number>;
  privilegedUsers?: ReadonlySet<string>;
  watchlist?: ReadonlySet<string>;
  /** User id → HR status. */
  hr?: ReadonlyMap<string, HrStatus>;
}

export interface CalibrationConfig {
  privilegedMultiplier: number;
  watchlistMultiplier: number;
  departingExfiltrationMultiplier: number;
  /** How far ahead of the last day an employee counts as departing, days. */
  departingWindowDays: number;
}

export const DEFAULT_CALIBRATION_CONFIG: CalibrationConfig = Object.freeze({
  privilegedMultiplier: 1.5,
  watchlistMultiplier: 1.5,
  departingExfiltrationMultiplier: 2,
  departingWindowDays: 30,
});

/** Whether a user with this HR status is departing (or gone) at `at`. */
export function isDeparting(hr: HrStatus | undefined, at: number, windowDays: number): boolean {
  if (hr === undefined) return false;
  const inEffect = hr.effectiveDate === undefined || hr.effectiveDate <= at;
  if ((hr.status === EMPLOYMENT_STATUS.NOTICE_GIVEN || hr.status === EMPLOYMENT_STATUS.TERMINATED) && inEffect) return true;
  if (hr.lastDay === undefined) return false;
  const leavesAt = hr.lastDay + DAY_MS;
  return at <= leavesAt ? leavesAt - at <= windowDays * DAY_MS : hr.status === EMPLOYMENT_STATUS.TERMINATED;
}

export function calibrationFactors(
  finding: FusionFinding,
  ctx: CalibrationContext,
  config: CalibrationConfig = DEFAULT_CALIBRATION_CONFIG,
): CalibrationFactor[] {
  const factors: CalibrationFactor[] = [];
  if (finding.peerDegree !== undefined) {
    const degree = Number.isFinite(finding.peerDegree) ? Math.min(1, Math.max(0, finding.peerDegree)) : 0;
    factors.push({ name: CALIBRATION_FACTOR.PeerMembership, value: degree, detail: `peer-group membership degree ${degree}` });
  }
  const critical = mostCriticalAsset(finding.assets ?? [], ctx.assetCriticality);
  if (critical !== null) {
    factors.push({ name: CALIBRATION_FACTOR.AssetCriticality, value: critical.value, detail: `asset ${critical.asset} criticality ${critical.value}` });
  }
  if (ctx.privilegedUsers?.has(finding.userId)) {
    factors.push({ name: CALIBRATION_FACTOR.PrivilegedAccount, value: config.privilegedMultiplier, detail: 'privileged account' });
  }
  if (ctx.watchlist?.has(finding.userId)) {
    factors.push({ name: CALIBRATION_FACTOR.Watchlist, value: config.watchlistMultiplier, detail: 'user on watchlist' });
  }
  const hr = ctx.hr?.get(finding.userId);
  if (finding.exfiltration === true && isDeparting(hr, finding.ts, config.departingWindowDays)) {
    factors.push({
      name: CALIBRATION_FACTOR.DepartingEmployee,
      value: config.departingExfiltrationMultiplier,
      detail: `exfiltration-type finding of a departing employee (${hr?.status})`,
    });
  }
  return factors;
}

/** The product of the factors (1 when none apply). */
export function calibrationProduct(factors: readonly CalibrationFactor[]): number {
  return factors.reduce((product, f) => product * f.value, 1);
}

function mostCriticalAsset(assets: readonly string[], criticality: ReadonlyMap<string, number> | undefined): { asset: string; value: number } | null {
  if (criticality === undefined) return null;
  let best: { asset: string; value: number } | null = null;
  for (const asset of assets) {
    const value = criticality.get(asset);
    if (value === undefined || !Number.isFinite(value) || value < 0) continue;
    if (best === null || value > best.value) best = { asset, value };
  }
  return best;
}
