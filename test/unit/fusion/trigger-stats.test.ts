import { describe, expect, it } from 'vitest';
import {
  downWeight,
  downWeightForRate,
  emptyTriggerStats,
  FEEDBACK_VERDICT,
  populationTriggerRate,
  recordFeedback,
  recordSession,
  refitTriggerStats,
  userTriggerRate,
  type TriggerStats,
} from '../../../src/analytics/fusion/trigger-stats.ts';
import { DAY, T0 } from './fixtures.ts';

/** Alice: 10 sessions, `x` fired in 3. Everyone else: 390 sessions, `x` fired in 47. */
function population(): TriggerStats {
  const stats = emptyTriggerStats();
  for (let i = 0; i < 10; i++) recordSession(stats, 'alice', i < 3 ? ['x', 'x'] : []);
  for (let i = 0; i < 390; i++) recordSession(stats, `user-${i % 39}`, i < 47 ? ['x'] : []);
  return stats;
}

describe('trigger-frequency down-weighting', () => {
  it('weights by surprisal: min(1, log10 p / log10 0.01)', () => {
    expect(downWeightForRate(0.001)).toBe(1);
    expect(downWeightForRate(0.01)).toBe(1);
    expect(downWeightForRate(0.1)).toBeCloseTo(0.5, 12);
    expect(downWeightForRate(0.5)).toBeCloseTo(0.1505149978319906, 12);
    expect(downWeightForRate(1)).toBe(0);
  });

  it('uses the prior mean (1 %) before the first refit: full weight', () => {
    const stats = population();
    expect(populationTriggerRate(stats, 'x')).toBeCloseTo(0.01, 15);
    expect(downWeight(stats, 'nobody', 'x').weight).toBe(1);
  });

  it('estimates population and user rates on known numbers', () => {
    const stats = refitTriggerStats(population(), T0, 30 * DAY);
    // p̂_pop = (1 + 50) / (1 + 99 + 400) = 0.102
    expect(populationTriggerRate(stats, 'x')).toBeCloseTo(0.102, 15);
    // p̂_u = (20 · 0.102 + 3) / (20 + 10) = 0.168 — the repeated 'x' in a session counted once
    expect(userTriggerRate(stats, 'alice', 'x')).toBeCloseTo(0.168, 15);
    expect(downWeight(stats, 'alice', 'x').weight).toBeCloseTo(0.3873453591370686, 12);
    // A user with no history gets the population rate.
    expect(userTriggerRate(stats, 'nobody', 'x')).toBeCloseTo(0.102, 15);
    // An indicator that never fired in 400 sessions: 1 / 500.
    expect(populationTriggerRate(stats, 'never')).toBeCloseTo(0.002, 15);
    expect(downWeight(stats, 'alice', 'never').weight).toBe(1);
  });

  it('decays counts by half per half-life at refit, leaving the input untouched', () => {
    const first = refitTriggerStats(population(), T0, 30 * DAY);
    const later = refitTriggerStats(first, T0 + 30 * DAY, 30 * DAY);
    expect(first.population.sessions).toBe(400);
    expect(later.population.sessions).toBeCloseTo(200, 12);
    expect(later.users.get('alice')!.triggers.get('x')).toBeCloseTo(1.5, 12);
    // Rates are ratios of decayed counts, shrunk towards the prior a little more.
    expect(populationTriggerRate(later, 'x')).toBeCloseTo(26 / 300, 12);
  });

  it('drops users whose decayed history is negligible', () => {
    const stats = emptyTriggerStats();
    recordSession(stats, 'ghost', ['x']);
    const fitted = refitTriggerStats(refitTriggerStats(stats, T0, DAY), T0 + 10 * DAY, DAY);
    expect(fitted.users.has('ghost')).toBe(false);
  });

  it('lets a false positive weigh the indicator down for that user, and a true positive up', () => {
    const fp = refitTriggerStats(population(), T0, 30 * DAY);
    recordFeedback(fp, { userId: 'alice', indicatorIds: ['x'], verdict: FEEDBACK_VERDICT.FalsePositive });
    // k = 3 + 2, n = 10 + 2: (2.04 + 5) / 32 = 0.22
    expect(userTriggerRate(fp, 'alice', 'x')).toBeCloseTo(0.22, 15);
    expect(downWeight(fp, 'alice', 'x').weight).toBeCloseTo(0.32878865958889686, 12);

    const tp = refitTriggerStats(population(), T0, 30 * DAY);
    recordFeedback(tp, { userId: 'alice', indicatorIds: ['x'], verdict: FEEDBACK_VERDICT.TruePositive });
    // k = 3 − 1: (2.04 + 2) / 30
    expect(downWeight(tp, 'alice', 'x').weight).toBeCloseTo(0.43536994480452873, 12);
    // Feedback is the user's: the population rate does not move.
    expect(populationTriggerRate(tp, 'x')).toBeCloseTo(0.102, 15);
  });

  it('is decreasing in how often the indicator fires for the user', () => {
    let previous = Infinity;
    for (let k = 0; k <= 20; k++) {
      const stats = emptyTriggerStats();
      for (let i = 0; i < 20; i++) recordSession(stats, 'alice', i < k ? ['x'] : []);
      const w = downWeight(refitTriggerStats(stats, T0, DAY), 'alice', 'x').weight;
      expect(w).toBeLessThanOrEqual(previous);
      previous = w;
    }
    expect(previous).toBeLessThan(0.2);
  });
});
