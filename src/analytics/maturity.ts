/**
 * Learning vs enforcement. A user's baseline is *mature* once it spans at least `minDays` days
 * (from the first event learnt to the time being judged) and holds at least `minEvents` events.
 * Findings on an immature baseline are recorded with `learning: true`: they are logged, they
 * do not raise alerts, and admins can list what enforcement would have raised. The global
 * mode `learning` marks every finding so (a new deployment learns before it alerts).
 *
 * Defaults: 14 days covers two weekly rhythms (weekdays and weekends); 200 events is about a
 * week of an ordinary user's sessions in the synthetic organisation and in CERT data, enough
 * that the categorical and temporal tests have something to compare with.
 */

export const ENFORCEMENT_MODES = Object.freeze({ Learning: 'learning', Enforcement: 'enforcement' } as const);
export type EnforcementMode = (typeof ENFORCEMENT_MODES)[keyof typeof ENFORCEMENT_MODES];

export interface MaturityConfig {
  minDays: number;
  minEvents: number;
}

export const DEFAULT_MATURITY: Readonly<MaturityConfig> = Object.freeze({ minDays: 14, minEvents: 200 });

const DAY_MS = 86_400_000;

export interface Maturity {
  mature: boolean;
  /** Days from the first event learnt to `at` (0 before any). */
  days: number;
  events: number;
  minDays: number;
  minEvents: number;
}

/** The part of a baseline maturity reads: any profile with a first-seen time and an event count. */
export interface BaselineAge {
  firstSeen: number | null;
  events: number;
}

export function assessMaturity(baseline: BaselineAge, at: number, config: Partial<MaturityConfig> = {}): Maturity {
  const minDays = config.minDays ?? DEFAULT_MATURITY.minDays;
  const minEvents = config.minEvents ?? DEFAULT_MATURITY.minEvents;
  const days = baseline.firstSeen === null ? 0 : Math.max(0, (at - baseline.firstSeen) / DAY_MS);
  return {
    mature: days >= minDays && baseline.events >= minEvents,
    days: Math.round(days * 100) / 100,
    events: baseline.events,
    minDays,
    minEvents,
  };
}

/** Whether a finding is a learning-only finding: global learning mode, or an immature baseline. */
export function isLearning(mode: EnforcementMode, maturity: Pick<Maturity, 'mature'> | null): boolean {
  return mode === ENFORCEMENT_MODES.Learning || (maturity !== null && !maturity.mature);
}

/** Validates a maturity configuration, listing every problem (empty when valid). */
export function maturityConfigProblems(config: Partial<MaturityConfig>): string[] {
  const problems: string[] = [];
  if (config.minDays !== undefined && !(Number.isFinite(config.minDays) && config.minDays >= 0)) {
    problems.push(`maturity.minDays: ${config.minDays} is not a non-negative number of days`);
  }
  if (config.minEvents !== undefined && !(Number.isInteger(config.minEvents) && config.minEvents >= 0)) {
    problems.push(`maturity.minEvents: ${config.minEvents} is not a non-negative whole number`);
  }
  return problems;
}
