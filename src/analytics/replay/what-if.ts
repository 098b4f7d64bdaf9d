/**
 * What-if: a user's stored sessions re-scored with indicators left out or settings changed,
 * side by side with their real scores. Pure re-scoring of what fusion stored — every session's
 * contributions with the weights applied to them (anchor, calibration factors, down-weight and
 * the trigger rates it came from) — through the fusion core itself:
 *
 *   value'  = round₂(anchor' × Π calibration' × downWeight')       (0 when learning)
 *   session = fuseContributions(…)     (repeat cap and order, as scoreSession does)
 *   risk    = userRisk(sessions, asOf, risk config')
 *
 * where
 * - a contribution is dropped when its indicator is left out (`without`), disabled (per id or by
 *   family), or its p-value exceeds a stricter threshold. A looser threshold cannot add
 *   findings: the indicator never reported what it did not find (say so to the caller);
 * - anchor' is the configured anchor score (`indicators.<id>.anchorScore`) or the stored one;
 * - calibration' replaces the multiplier of the privileged-account, watchlist and
 *   departing-employee factors by the one given; peer membership and asset criticality keep
 *   their stored values (they are facts about the user and the asset, not settings);
 * - downWeight' = min(1, log10(p̂_u) / log10(p_ref')) from the stored user trigger rate when a
 *   reference rate is given (trigger-stats.ts), else the stored down-weight.
 *
 * With no change, every session reproduces its stored score bit for bit (same products in the
 * same order, same rounding and summation) and the risk its stored value: the tests hold that.
 * Nothing is stored; nothing reads the clock.
 */
import { CALIBRATION_FACTOR, type CalibrationConfig } from '../fusion/calibration.ts';
import { roundScore } from '../fusion/rounding.ts';
import { type Contribution, DEFAULT_FUSION_CONFIG, fuseContributions, UNSCORED, type Unscored } from '../fusion/session-score.ts';
import { DEFAULT_TRIGGER_PRIOR, downWeightForRate } from '../fusion/trigger-stats.ts';
import { DEFAULT_USER_RISK_CONFIG, type UserRisk, type UserRiskConfig, userRisk } from '../fusion/user-risk.ts';
import type { Indicator } from '../indicators/indicator.ts';
import { type IndicatorConfig, indicatorConfigProblems, INDICATORS } from '../indicators/registry.ts';

const DAY_MS = 86_400_000;

/** One stored contribution, as fusion wrote it (only what re-scoring reads). */
export interface StoredContribution {
  indicatorId: string;
  reason: string;
  value: number;
  unscored: Unscored | null;
  weights: {
    anchor: number;
    calibration: ReadonlyArray<{ name: string; value: number; detail: string }>;
    calibrationProduct: number;
    downWeight: number;
    populationTriggerRate: number;
    userTriggerRate: number;
  };
  pValue: number | null;
  fact: string | null;
  ts: number;
}

/** One stored, scored session. */
export interface StoredSession {
  sessionId: string;
  /** When it ended (its last event for an open session), epoch ms. */
  endedAt: number;
  /** The stored score, points. */
  score: number;
  /** In stored order (scored first, highest first). */
  contributions: readonly StoredContribution[];
}

/** Fusion settings a what-if may change; absent ones keep the deployment's. */
export interface FusionOverrides {
  maxScoredPerIndicator?: number;
  privilegedMultiplier?: number;
  watchlistMultiplier?: number;
  departingExfiltrationMultiplier?: number;
  /** p_ref of the down-weight, in (0, 1). */
  referenceRate?: number;
}

/** User-risk settings a what-if may change. */
export interface RiskOverrides {
  halfLifeDays?: number;
  windowDays?: number;
  scale?: number;
}

export interface WhatIfSettings {
  /** Indicator ids left out. */
  without?: readonly string[];
  /** Indicator configuration, as configureIndicators takes it (params cannot be replayed). */
  indicators?: IndicatorConfig;
  fusion?: FusionOverrides;
  risk?: RiskOverrides;
}

export const DROPPED = Object.freeze({
  LeftOut: 'left-out',
  Disabled: 'disabled',
  Threshold: 'threshold',
} as const);
export type Dropped = (typeof DROPPED)[keyof typeof DROPPED];

export interface ReplayedContribution {
  indicatorId: string;
  reason: string;
  ts: number;
  /** The stored value, points. */
  actual: number;
  /** The value re-scored, points; 0 when dropped or unscored. */
  whatIf: number;
  actualUnscored: Unscored | null;
  whatIfUnscored: Unscored | null;
  /** Why the contribution is not in the re-scored session at all; null when it is. */
  dropped: Dropped | null;
  /** Weights re-applied (equal to the stored ones when nothing changed them). */
  anchor: number;
  calibrationProduct: number;
  downWeight: number;
}

export interface ReplayedSession {
  sessionId: string;
  endedAt: number;
  actualScore: number;
  whatIfScore: number;
  /** Stored contributions in stored order, each with its re-scored value. */
  contributions: ReplayedContribution[];
}

export interface WhatIfResult {
  userId: string;
  asOf: number;
  sessions: ReplayedSession[];
  /** The user's risk from the stored session scores with the deployment's settings. */
  actualRisk: UserRisk;
  /** The user's risk from the re-scored sessions with the settings changed. */
  whatIfRisk: UserRisk;
  /** The settings in force for the what-if, resolved. */
  fusion: Required<FusionOverrides>;
  risk: UserRiskConfig;
}

export interface ReplayDefaults {
  registry: readonly Indicator[];
  calibration: CalibrationConfig;
  maxScoredPerIndicator: number;
  referenceRate: number;
  risk: UserRiskConfig;
}

export const DEFAULT_REPLAY: ReplayDefaults = Object.freeze({
  registry: INDICATORS,
  calibration: DEFAULT_FUSION_CONFIG.calibration,
  maxScoredPerIndicator: DEFAULT_FUSION_CONFIG.maxScoredPerIndicator,
  referenceRate: DEFAULT_TRIGGER_PRIOR.referenceRate,
  risk: DEFAULT_USER_RISK_CONFIG,
});

/** Longest risk window a what-if may ask for, days (bounds what the store reads). */
export const MAX_WHAT_IF_WINDOW_DAYS = 365;

/** Every problem with the settings, each naming its path; empty when they are valid. */
export function whatIfProblems(settings: WhatIfSettings, registry: readonly Indicator[] = INDICATORS): string[] {
  const problems: string[] = [];
  const known = new Set(registry.map((i) => i.id));
  for (const id of settings.without ?? []) if (!known.has(id)) problems.push(`without: no such indicator '${id}'`);
  if (settings.indicators !== undefined) {
    problems.push(...indicatorConfigProblems(registry, settings.indicators).map((p) => `with.${p}`));
    for (const [id, o] of Object.entries(settings.indicators.indicators ?? {})) {
      if (o.params !== undefined && Object.keys(o.params).length > 0) {
        problems.push(`with.indicators.${id}.params: parameters change what an indicator finds in raw events, which a replay of stored findings cannot re-evaluate`);
      }
    }
  }
  const f = settings.fusion ?? {};
  if (f.maxScoredPerIndicator !== undefined && !(Number.isInteger(f.maxScoredPerIndicator) && f.maxScoredPerIndicator >= 1 && f.maxScoredPerIndicator <= 100)) {
    problems.push(`with.fusion.maxScoredPerIndicator: ${f.maxScoredPerIndicator} is not a whole number from 1 to 100`);
  }
  for (const key of ['privilegedMultiplier', 'watchlistMultiplier', 'departingExfiltrationMultiplier'] as const) {
    const v = f[key];
    if (v !== undefined && !(Number.isFinite(v) && v >= 0 && v <= 100)) problems.push(`with.fusion.${key}: ${v} is not a number from 0 to 100`);
  }
  if (f.referenceRate !== undefined && !(Number.isFinite(f.referenceRate) && f.referenceRate > 0 && f.referenceRate < 1)) {
    problems.push(`with.fusion.referenceRate: ${f.referenceRate} is not a probability in (0, 1)`);
  }
  const r = settings.risk ?? {};
  if (r.halfLifeDays !== undefined && !(Number.isFinite(r.halfLifeDays) && r.halfLifeDays > 0 && r.halfLifeDays <= MAX_WHAT_IF_WINDOW_DAYS)) {
    problems.push(`with.risk.halfLifeDays: ${r.halfLifeDays} is not a number of days above 0 and at most ${MAX_WHAT_IF_WINDOW_DAYS}`);
  }
  if (r.windowDays !== undefined && !(Number.isFinite(r.windowDays) && r.windowDays > 0 && r.windowDays <= MAX_WHAT_IF_WINDOW_DAYS)) {
    problems.push(`with.risk.windowDays: ${r.windowDays} is not a number of days above 0 and at most ${MAX_WHAT_IF_WINDOW_DAYS}`);
  }
  if (r.scale !== undefined && !(Number.isFinite(r.scale) && r.scale > 0 && r.scale <= 10_000)) {
    problems.push(`with.risk.scale: ${r.scale} is not a number of points above 0 and at most 10000`);
  }
  return problems;
}

/** The risk configuration a what-if uses (the deployment's with the overrides applied). */
export function whatIfRiskConfig(overrides: RiskOverrides | undefined, base: UserRiskConfig = DEFAULT_USER_RISK_CONFIG): UserRiskConfig {
  return {
    halfLifeMs: overrides?.halfLifeDays === undefined ? base.halfLifeMs : overrides.halfLifeDays * DAY_MS,
    windowMs: overrides?.windowDays === undefined ? base.windowMs : overrides.windowDays * DAY_MS,
    scale: overrides?.scale ?? base.scale,
  };
}

/**
 * Re-scores `sessions` of `userId` as of `asOf` with `settings`; throws a RangeError listing
 * every problem when the settings are invalid. Sessions ending after `asOf` should not be
 * passed (the caller reads those up to it); sessions outside a risk window still show their
 * re-scored score, and count in the risk only when inside it.
 */
export function whatIf(
  userId: string,
  sessions: readonly StoredSession[],
  asOf: number,
  settings: WhatIfSettings,
  defaults: ReplayDefaults = DEFAULT_REPLAY,
): WhatIfResult {
  const problems = whatIfProblems(settings, defaults.registry);
  if (problems.length > 0) throw new RangeError(`invalid what-if settings:\n- ${problems.join('\n- ')}`);
  const fusion: Required<FusionOverrides> = {
    maxScoredPerIndicator: settings.fusion?.maxScoredPerIndicator ?? defaults.maxScoredPerIndicator,
    privilegedMultiplier: settings.fusion?.privilegedMultiplier ?? defaults.calibration.privilegedMultiplier,
    watchlistMultiplier: settings.fusion?.watchlistMultiplier ?? defaults.calibration.watchlistMultiplier,
    departingExfiltrationMultiplier: settings.fusion?.departingExfiltrationMultiplier ?? defaults.calibration.departingExfiltrationMultiplier,
    referenceRate: settings.fusion?.referenceRate ?? defaults.referenceRate,
  };
  const risk = whatIfRiskConfig(settings.risk, defaults.risk);
  const drop = dropRule(settings, defaults.registry);
  const multiplier = new Map<string, number>();
  if (settings.fusion?.privilegedMultiplier !== undefined) multiplier.set(CALIBRATION_FACTOR.PrivilegedAccount, settings.fusion.privilegedMultiplier);
  if (settings.fusion?.watchlistMultiplier !== undefined) multiplier.set(CALIBRATION_FACTOR.Watchlist, settings.fusion.watchlistMultiplier);
  if (settings.fusion?.departingExfiltrationMultiplier !== undefined) {
    multiplier.set(CALIBRATION_FACTOR.DepartingEmployee, settings.fusion.departingExfiltrationMultiplier);
  }
  const anchors = settings.indicators?.indicators ?? {};
  const prior = settings.fusion?.referenceRate === undefined ? null : { ...DEFAULT_TRIGGER_PRIOR, referenceRate: settings.fusion.referenceRate };

  const replayed = sessions.map((session): ReplayedSession => {
    // `slot` tags each kept contribution with its stored position through fuseContributions.
    const kept: Array<Contribution & { slot: number }> = [];
    const rows = session.contributions.map((c, slot) => {
      const dropped = drop(c);
      const anchor = anchors[c.indicatorId]?.anchorScore ?? c.weights.anchor;
      const factors = c.weights.calibration.map((f) => ({ ...f, value: multiplier.get(f.name) ?? f.value }));
      const reweighed = factors.some((f, i) => f.value !== c.weights.calibration[i]!.value);
      const calibrationProduct = reweighed ? factors.reduce((product, f) => product * f.value, 1) : c.weights.calibrationProduct;
      const downWeight = prior === null ? c.weights.downWeight : downWeightForRate(c.weights.userTriggerRate, prior);
      const learning = c.unscored === UNSCORED.Learning;
      if (dropped === null) {
        kept.push({
          slot,
          indicatorId: c.indicatorId,
          reason: c.reason,
          value: learning ? 0 : roundScore(anchor * calibrationProduct * downWeight),
          unscored: learning ? UNSCORED.Learning : null,
          weights: {
            anchor,
            calibration: factors as Contribution['weights']['calibration'],
            calibrationProduct,
            downWeight,
            populationTriggerRate: c.weights.populationTriggerRate,
            userTriggerRate: c.weights.userTriggerRate,
          },
          observed: null,
          baseline: null,
          pValue: c.pValue,
          fact: c.fact,
          evidence: null,
          eventIds: [],
          ts: c.ts,
        });
      }
      return { stored: c, anchor, calibrationProduct, downWeight, dropped };
    });
    const score = fuseContributions({ userId, sessionId: session.sessionId }, kept, fusion);
    const fused = new Map(score.contributions.map((c) => [c.slot, c]));
    return {
      sessionId: session.sessionId,
      endedAt: session.endedAt,
      actualScore: session.score,
      whatIfScore: score.score,
      contributions: rows.map(({ stored, anchor, calibrationProduct, downWeight, dropped }, slot) => {
        const out = fused.get(slot);
        return {
          indicatorId: stored.indicatorId,
          reason: stored.reason,
          ts: stored.ts,
          actual: stored.value,
          whatIf: out?.value ?? 0,
          actualUnscored: stored.unscored,
          whatIfUnscored: out?.unscored ?? null,
          dropped,
          anchor,
          calibrationProduct,
          downWeight,
        };
      }),
    };
  });
  return {
    userId,
    asOf,
    sessions: replayed,
    actualRisk: userRisk(userId, sessions.map((s) => ({ sessionId: s.sessionId, score: s.score, endedAt: s.endedAt })), asOf, defaults.risk),
    whatIfRisk: userRisk(userId, replayed.map((s) => ({ sessionId: s.sessionId, score: s.whatIfScore, endedAt: s.endedAt })), asOf, risk),
    fusion,
    risk,
  };
}

function dropRule(settings: WhatIfSettings, registry: readonly Indicator[]): (c: StoredContribution) => Dropped | null {
  const without = new Set(settings.without ?? []);
  const config = settings.indicators ?? {};
  const disabledFamilies = new Set(config.disabledFamilies ?? []);
  const family = new Map(registry.map((i) => [i.id, i.family as string]));
  return (c) => {
    if (without.has(c.indicatorId)) return DROPPED.LeftOut;
    const o = config.indicators?.[c.indicatorId];
    const f = family.get(c.indicatorId);
    if (o?.enabled === false || (f !== undefined && disabledFamilies.has(f))) return DROPPED.Disabled;
    if (o?.threshold !== undefined && c.pValue !== null && c.pValue > o.threshold) return DROPPED.Threshold;
    return null;
  };
}
