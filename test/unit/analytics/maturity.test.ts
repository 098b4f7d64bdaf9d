import { describe, expect, it } from 'vitest';
import {
  assessMaturity,
  DEFAULT_MATURITY,
  ENFORCEMENT_MODES,
  isLearning,
  maturityConfigProblems,
} from '../../../src/analytics/maturity.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 2, 4);

describe('baseline maturity', () => {
  it('defaults to 14 days and 200 events', () => {
    expect(DEFAULT_MATURITY).toEqual({ minDays: 14, minEvents: 200 });
  });

  it('needs both enough days and enough events', () => {
    expect(assessMaturity({ firstSeen: T0, events: 500 }, T0 + 13 * DAY).mature).toBe(false);
    expect(assessMaturity({ firstSeen: T0, events: 199 }, T0 + 30 * DAY).mature).toBe(false);
    expect(assessMaturity({ firstSeen: T0, events: 200 }, T0 + 14 * DAY)).toEqual({
      mature: true,
      days: 14,
      events: 200,
      minDays: 14,
      minEvents: 200,
    });
  });

  it('is immature before any event and takes a configuration', () => {
    expect(assessMaturity({ firstSeen: null, events: 0 }, T0)).toMatchObject({ mature: false, days: 0 });
    expect(assessMaturity({ firstSeen: T0, events: 10 }, T0 + 2 * DAY, { minDays: 1, minEvents: 10 }).mature).toBe(true);
  });

  it('marks findings as learning in learning mode or on an immature baseline', () => {
    const mature = { mature: true };
    const young = { mature: false };
    expect(isLearning(ENFORCEMENT_MODES.Enforcement, mature)).toBe(false);
    expect(isLearning(ENFORCEMENT_MODES.Enforcement, young)).toBe(true);
    expect(isLearning(ENFORCEMENT_MODES.Enforcement, null)).toBe(false);
    expect(isLearning(ENFORCEMENT_MODES.Learning, mature)).toBe(true);
    expect(isLearning(ENFORCEMENT_MODES.Learning, null)).toBe(true);
  });

  it('lists every problem of a configuration', () => {
    expect(maturityConfigProblems({ minDays: -1, minEvents: 2.5 })).toEqual([
      'maturity.minDays: -1 is not a non-negative number of days',
      'maturity.minEvents: 2.5 is not a non-negative whole number',
    ]);
    expect(maturityConfigProblems({})).toEqual([]);
  });
});
