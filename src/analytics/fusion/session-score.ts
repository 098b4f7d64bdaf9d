/**
 * Session score: the sum of its findings' contributions,
 *
 *   contribution = round₂(anchor × calibration × downWeight)
 *   score        = Σ contributions (left to right, in the order listed: highest first)
 *
 * so the explanation adds up exactly to the score (see rounding.ts). Findings that are not
 * scored stay in the explanation with value 0 and say why:
 * - `learning`: found on an immature baseline or in learning mode (logged, not scored);
 * - `repeat`: beyond the `maxScoredPerIndicator` highest findings of one indicator in the
 *   session — a new hire's fifty first-time accesses are one story, not fifty.
 */
import { calibrationFactors, calibrationProduct, DEFAULT_CALIBRATION_CONFIG, type CalibrationConfig, type CalibrationContext, type CalibrationFactor } from './calibration.ts';
import type { FusionFinding, Json } from './fusion-finding.ts';
import { roundScore, sumInOrder } from './rounding.ts';
import { DEFAULT_TRIGGER_PRIOR, downWeight, type TriggerPrior, type TriggerStats } from './trigger-stats.ts';

export const UNSCORED = Object.freeze({ Learning: 'learning', Repeat: 'repeat' } as const);
export type Unscored = (typeof UNSCORED)[keyof typeof UNSCORED];

/** Every weight applied to one finding. */
export interface ContributionWeights {
  anchor: number;
  calibration: CalibrationFactor[];
  /** Product of the calibration factors (1 when none apply). */
  calibrationProduct: number;
  /** Trigger-frequency down-weight, 0–1, and the estimates it came from. */
  downWeight: number;
  populationTriggerRate: number;
  userTriggerRate: number;
}

export interface Contribution {
  indicatorId: string;
  reason: string;
  /** Points this finding adds to the session score, rounded to hundredths; 0 when unscored. */
  value: number;
  /** Why it is not scored; null when it is. */
  unscored: Unscored | null;
  weights: ContributionWeights;
  /** From the evidence: what was observed and the baseline it was tested against (null if absent). */
  observed: Json;
  baseline: Json;
  pValue: number | null;
  fact: string | null;
  /** The indicator's evidence as it was, for the analyst to revisit. */
  evidence: Json;
  eventIds: readonly string[];
  ts: number;
}

export interface SessionScore {
  userId: string;
  sessionId: string;
  /** Σ contribution values, points (not bounded to 100). */
  score: number;
  /** Scored contributions first, highest first; then unscored ones. */
  contributions: Contribution[];
}

export interface FusionConfig {
  calibration: CalibrationConfig;
  prior: TriggerPrior;
  /** At most this many findings of one indicator are scored per session. */
  maxScoredPerIndicator: number;
}

export const DEFAULT_FUSION_CONFIG: FusionConfig = Object.freeze({
  calibration: DEFAULT_CALIBRATION_CONFIG,
  prior: DEFAULT_TRIGGER_PRIOR,
  maxScoredPerIndicator: 3,
});

/**
 * Scores one session's findings. All findings must belong to the same user and session; the
 * ids are taken from `session`.
 */
export function scoreSession(
  session: { userId: string; sessionId: string },
  findings: readonly FusionFinding[],
  ctx: CalibrationContext,
  stats: TriggerStats,
  config: FusionConfig = DEFAULT_FUSION_CONFIG,
): SessionScore {
  for (const f of findings) {
    if (f.userId !== session.userId || f.sessionId !== session.sessionId) {
      throw new RangeError(`finding ${f.indicatorId} belongs to ${f.userId}/${f.sessionId}, not ${session.userId}/${session.sessionId}`);
    }
  }
  return fuseContributions(session, findings.map((finding) => weigh(finding, ctx, stats, config)), config);
}

/**
 * The second half of scoring: caps each indicator at its `maxScoredPerIndicator` highest
 * contributions (the rest become `repeat`, value 0), orders them (scored first, highest first,
 * ties in input order) and sums them. `scoreSession` feeds it freshly weighed findings; the
 * what-if replay (src/analytics/replay) feeds it stored contributions re-weighed, in their
 * stored order, so an unchanged replay reproduces the stored score bit for bit. Contributions
 * marked `repeat` on input are capped again from scratch; `learning` ones stay unscored. The
 * input is not modified.
 */
export function fuseContributions<C extends Contribution>(
  session: { userId: string; sessionId: string },
  weighed: readonly C[],
  config: Pick<FusionConfig, 'maxScoredPerIndicator'> = DEFAULT_FUSION_CONFIG,
): Omit<SessionScore, 'contributions'> & { contributions: C[] } {
  // Copies keep any extra fields of C (the replay tags its rows this way).
  const candidates = weighed.map((c): C => (c.unscored === UNSCORED.Repeat ? { ...c, unscored: null } : { ...c }));
  const scoredPerIndicator = new Map<string, number>();
  const ranked = candidates
    .map((c, index) => ({ c, index }))
    .sort((a, b) => Number(a.c.unscored !== null) - Number(b.c.unscored !== null) || b.c.value - a.c.value || a.index - b.index);
  for (const { c } of ranked) {
    if (c.unscored !== null) continue;
    const seen = scoredPerIndicator.get(c.indicatorId) ?? 0;
    if (seen >= config.maxScoredPerIndicator) {
      c.unscored = UNSCORED.Repeat;
      c.value = 0;
    } else scoredPerIndicator.set(c.indicatorId, seen + 1);
  }
  const contributions = ranked
    .map(({ c }) => c)
    .sort((a, b) => Number(a.unscored !== null) - Number(b.unscored !== null) || b.value - a.value);
  return { userId: session.userId, sessionId: session.sessionId, score: sumInOrder(contributions.map((c) => c.value)), contributions };
}

function weigh(finding: FusionFinding, ctx: CalibrationContext, stats: TriggerStats, config: FusionConfig): Contribution {
  const calibration = calibrationFactors(finding, ctx, config.calibration);
  const product = calibrationProduct(calibration);
  const dw = downWeight(stats, finding.userId, finding.indicatorId, config.prior);
  const anchor = Number.isFinite(finding.anchorScore) ? Math.max(0, finding.anchorScore) : 0;
  const raw = anchor * product * dw.weight;
  return {
    indicatorId: finding.indicatorId,
    reason: finding.reason,
    value: finding.learning ? 0 : roundScore(raw),
    unscored: finding.learning ? UNSCORED.Learning : null,
    weights: {
      anchor,
      calibration,
      calibrationProduct: product,
      downWeight: dw.weight,
      populationTriggerRate: dw.populationRate,
      userTriggerRate: dw.userRate,
    },
    observed: field(finding.evidence, 'observed'),
    baseline: field(finding.evidence, 'baseline'),
    pValue: finding.pValue ?? pValueOf(finding.evidence),
    fact: finding.fact ?? factOf(finding.evidence),
    evidence: finding.evidence,
    eventIds: finding.eventIds,
    ts: finding.ts,
  };
}

function field(evidence: Json, key: string): Json {
  if (evidence === null || typeof evidence !== 'object' || Array.isArray(evidence)) return null;
  return evidence[key] ?? null;
}

/** The indicators' evidence carries `test: { kind: 'p-value', pValue }`; read it when the finding does not. */
function pValueOf(evidence: Json): number | null {
  const test = field(evidence, 'test');
  const p = field(test, 'pValue');
  return typeof p === 'number' ? p : null;
}

/** …and `test: { kind: 'fact', fact }` for facts. */
function factOf(evidence: Json): string | null {
  const fact = field(field(evidence, 'test'), 'fact');
  return typeof fact === 'string' ? fact : null;
}
