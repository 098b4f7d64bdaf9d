import { describe, expect, it } from 'vitest';
import { RISK_LEVEL_THRESHOLDS, riskLevelOf } from '../../../src/api/risk-level.ts';
import { RISK_LEVEL_MINIMA, riskLevel, squash, userRisk } from '../../../src/analytics/fusion/user-risk.ts';
import { DAY, T0 } from './fixtures.ts';

describe('user risk', () => {
  it('squashes decayed session scores: 100·(1 − exp(−raw/100))', () => {
    expect(squash(0, 100)).toBe(0);
    expect(squash(100, 100)).toBeCloseTo(63.212055882855765, 12);
    const risk = userRisk('alice', [{ sessionId: 's1', score: 60, endedAt: T0 }], T0);
    expect(risk.raw).toBe(60);
    expect(risk.score).toBe(45.12);
    expect(risk.level).toBe('MODERATE');
  });

  it('halves a session per half-life and ignores sessions outside the window', () => {
    const risk = userRisk(
      'alice',
      [
        { sessionId: 'old', score: 100, endedAt: T0 - 7 * DAY },
        { sessionId: 'new', score: 100, endedAt: T0 },
        { sessionId: 'ancient', score: 500, endedAt: T0 - 31 * DAY },
        { sessionId: 'quiet', score: 0, endedAt: T0 },
      ],
      T0,
    );
    // raw = 100 + 50 = 150 → 77.687 → 77.69, split 2 : 1 by largest remainder: 51.79 + 25.90.
    expect(risk.raw).toBe(150);
    expect(risk.score).toBe(77.69);
    expect(risk.level).toBe('CRITICAL');
    expect(risk.contributions.map((c) => [c.sessionId, c.decay, c.value])).toEqual([
      ['new', 1, 51.79],
      ['old', 0.5, 25.9],
    ]);
  });

  it('is 0 and LOW with no recent sessions', () => {
    const risk = userRisk('alice', [], T0);
    expect(risk).toMatchObject({ score: 0, level: 'LOW', raw: 0, contributions: [] });
  });

  it('uses the API’s level thresholds', () => {
    expect(RISK_LEVEL_MINIMA).toEqual(RISK_LEVEL_THRESHOLDS);
    for (const s of [0, 24.99, 25, 49.99, 50, 74.99, 75, 100]) expect(riskLevel(s)).toBe(riskLevelOf(s));
  });
});
