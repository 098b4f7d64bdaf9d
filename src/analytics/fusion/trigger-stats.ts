/**
 * Down-weighting by trigger frequency: an indicator that fires often, across the population or
 * for this user, says less each time it fires.
 *
 * Opportunity: one scored session of a user (every active indicator could have fired in it).
 * Trigger: a session in which the indicator fired at least once (so k ≤ n).
 *
 * Estimate (empirical Bayes, Beta–binomial):
 *   population rate  p̂_pop(i) = (α₀ + K_i) / (α₀ + β₀ + N)
 *       K_i = sessions in which indicator i fired, N = sessions scored, over all users;
 *       prior Beta(α₀, β₀) = Beta(1, 99): mean 1 %, worth 100 sessions.
 *   user rate        p̂_u(i)  = (m·p̂_pop(i) + k_ui) / (m + n_u)
 *       i.e. the posterior mean under a Beta(m·p̂_pop, m·(1 − p̂_pop)) prior centred on the
 *       population rate, worth m = 20 sessions; k_ui, n_u the user's own counts.
 *   weight           w = min(1, log10(p̂_u) / log10(p_ref)),  p_ref = 0.01
 *       a surprisal ratio: an indicator expected in ≤ 1 % of the user's sessions keeps its full
 *       weight; at 10 % it keeps 1/2, at 50 % about 0.15, and it tends to 0 as p̂ → 1.
 *
 * State: counts are updated live by `recordOpportunity` / `recordTrigger` (the user's worker
 * owns them). The population rates used for scoring are the snapshot of the last refit
 * (`refitTriggerStats`, a periodic job), so weights do not move mid-batch and partitioned
 * workers agree; before the first refit the prior mean α₀/(α₀+β₀) is used. Refit decays every
 * count by 2^(−Δt/halfLife) since the previous refit, so old behaviour fades, and drops users
 * whose decayed counts are negligible.
 *
 * Analyst feedback adjusts the user's counts for the indicators behind an alert: a false
 * positive adds `feedbackWeight` pseudo-sessions in which the indicator fired (it is normal for
 * this user: weight down); a true positive removes one trigger (it was not normal behaviour
 * and should not make the indicator look routine).
 */

export interface TriggerCounts {
  /** Opportunities: sessions scored (decayed, so not necessarily whole). */
  sessions: number;
  /** Indicator id → sessions in which it fired (decayed). */
  triggers: Map<string, number>;
}

export interface TriggerStats {
  /** When the last refit ran (epoch ms); null before the first. */
  fittedAt: number | null;
  population: TriggerCounts;
  users: Map<string, TriggerCounts>;
  /** Indicator id → p̂_pop at the last refit. */
  populationRate: Map<string, number>;
  /**
   * p̂_pop of an indicator that has never fired: α₀/(α₀ + β₀ + N) with N at the last refit
   * (it had N chances and fired in none); the prior mean before the first refit.
   */
  unseenRate: number;
}

export interface TriggerPrior {
  /** Population prior Beta(alpha, beta). */
  alpha: number;
  beta: number;
  /** Strength of the user prior centred on the population rate, in sessions (m). */
  userStrength: number;
  /** Reference rate at and below which an indicator keeps full weight (p_ref). */
  referenceRate: number;
  /** Pseudo-sessions a false-positive verdict adds. */
  feedbackWeight: number;
}

export const DEFAULT_TRIGGER_PRIOR: TriggerPrior = Object.freeze({
  alpha: 1,
  beta: 99,
  userStrength: 20,
  referenceRate: 0.01,
  feedbackWeight: 2,
});

/** Users whose decayed session count falls below this are dropped at refit (memory bound). */
const NEGLIGIBLE_SESSIONS = 0.01;

export function emptyTriggerStats(prior: TriggerPrior = DEFAULT_TRIGGER_PRIOR): TriggerStats {
  return { fittedAt: null, population: emptyCounts(), users: new Map(), populationRate: new Map(), unseenRate: prior.alpha / (prior.alpha + prior.beta) };
}

/** One scored session of `userId`: an opportunity for every indicator. Mutates `stats`. */
export function recordOpportunity(stats: TriggerStats, userId: string): void {
  stats.population.sessions += 1;
  userCounts(stats, userId).sessions += 1;
}

/**
 * Indicator `indicatorId` fired in a session of `userId`: call once per indicator per session,
 * after that session's `recordOpportunity`. Mutates `stats`.
 */
export function recordTrigger(stats: TriggerStats, userId: string, indicatorId: string): void {
  add(stats.population.triggers, indicatorId, 1);
  add(userCounts(stats, userId).triggers, indicatorId, 1);
}

/** A scored session and the indicators that fired in it (duplicates count once). */
export function recordSession(stats: TriggerStats, userId: string, indicatorIds: Iterable<string>): void {
  recordOpportunity(stats, userId);
  for (const id of new Set(indicatorIds)) recordTrigger(stats, userId, id);
}

export const FEEDBACK_VERDICT = Object.freeze({ FalsePositive: 'FALSE_POSITIVE', TruePositive: 'TRUE_POSITIVE' } as const);
export type FeedbackVerdict = (typeof FEEDBACK_VERDICT)[keyof typeof FEEDBACK_VERDICT];

/** An analyst's verdict on an alert, for the indicators that contributed to it. Mutates `stats`. */
export function recordFeedback(
  stats: TriggerStats,
  feedback: { userId: string; indicatorIds: Iterable<string>; verdict: FeedbackVerdict },
  prior: TriggerPrior = DEFAULT_TRIGGER_PRIOR,
): void {
  const counts = userCounts(stats, feedback.userId);
  const ids = [...new Set(feedback.indicatorIds)];
  if (feedback.verdict === FEEDBACK_VERDICT.FalsePositive) {
    counts.sessions += prior.feedbackWeight;
    for (const id of ids) add(counts.triggers, id, prior.feedbackWeight);
  } else {
    for (const id of ids) counts.triggers.set(id, Math.max(0, (counts.triggers.get(id) ?? 0) - 1));
  }
}

/**
 * The periodic refit: decays all counts by 2^(−(now − fittedAt)/halfLifeMs), drops negligible
 * users and snapshots the population rates. Returns new state; `stats` is left as it was.
 */
export function refitTriggerStats(stats: TriggerStats, now: number, halfLifeMs: number, prior: TriggerPrior = DEFAULT_TRIGGER_PRIOR): TriggerStats {
  if (!(halfLifeMs > 0)) throw new RangeError(`halfLifeMs must be positive, got ${halfLifeMs}`);
  const elapsed = stats.fittedAt === null ? 0 : Math.max(0, now - stats.fittedAt);
  const decay = Math.pow(2, -elapsed / halfLifeMs);
  const population = decayCounts(stats.population, decay);
  const users = new Map<string, TriggerCounts>();
  for (const [user, counts] of stats.users) {
    const decayed = decayCounts(counts, decay);
    if (decayed.sessions >= NEGLIGIBLE_SESSIONS) users.set(user, decayed);
  }
  const populationRate = new Map<string, number>();
  for (const [id, k] of population.triggers) populationRate.set(id, (prior.alpha + k) / (prior.alpha + prior.beta + population.sessions));
  const unseenRate = prior.alpha / (prior.alpha + prior.beta + population.sessions);
  return { fittedAt: now, population, users, populationRate, unseenRate };
}

/** p̂_pop of an indicator at the last refit (the prior mean for one never seen). */
export function populationTriggerRate(stats: TriggerStats, indicatorId: string): number {
  return stats.populationRate.get(indicatorId) ?? stats.unseenRate;
}

/** p̂_u: the user's posterior mean trigger rate for an indicator (see the header). */
export function userTriggerRate(stats: TriggerStats, userId: string, indicatorId: string, prior: TriggerPrior = DEFAULT_TRIGGER_PRIOR): number {
  const pop = populationTriggerRate(stats, indicatorId);
  const counts = stats.users.get(userId);
  const k = counts?.triggers.get(indicatorId) ?? 0;
  const n = counts?.sessions ?? 0;
  return (prior.userStrength * pop + Math.min(k, n)) / (prior.userStrength + n);
}

/** w = min(1, log10(p̂) / log10(p_ref)) — decreasing in p̂, 1 at and below p_ref, → 0 as p̂ → 1. */
export function downWeightForRate(rate: number, prior: TriggerPrior = DEFAULT_TRIGGER_PRIOR): number {
  if (!(rate > 0)) return 1;
  if (rate >= 1) return 0;
  return Math.min(1, Math.log10(rate) / Math.log10(prior.referenceRate));
}

export interface DownWeight {
  /** p̂_pop used. */
  populationRate: number;
  /** p̂_u used. */
  userRate: number;
  weight: number;
}

export function downWeight(stats: TriggerStats, userId: string, indicatorId: string, prior: TriggerPrior = DEFAULT_TRIGGER_PRIOR): DownWeight {
  const userRate = userTriggerRate(stats, userId, indicatorId, prior);
  return { populationRate: populationTriggerRate(stats, indicatorId), userRate, weight: downWeightForRate(userRate, prior) };
}

function emptyCounts(): TriggerCounts {
  return { sessions: 0, triggers: new Map() };
}

function userCounts(stats: TriggerStats, userId: string): TriggerCounts {
  let counts = stats.users.get(userId);
  if (counts === undefined) {
    counts = emptyCounts();
    stats.users.set(userId, counts);
  }
  return counts;
}

function add(map: Map<string, number>, key: string, by: number): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

function decayCounts(counts: TriggerCounts, decay: number): TriggerCounts {
  const triggers = new Map<string, number>();
  for (const [id, k] of counts.triggers) if (k * decay > 0) triggers.set(id, k * decay);
  return { sessions: counts.sessions * decay, triggers };
}
