import { describe, expect, it } from 'vitest';
import { apportion, sumInOrder, toHundredths } from '../../../src/analytics/fusion/rounding.ts';
import { scoreSession } from '../../../src/analytics/fusion/session-score.ts';
import { emptyTriggerStats, recordSession, refitTriggerStats } from '../../../src/analytics/fusion/trigger-stats.ts';
import { squash, userRisk } from '../../../src/analytics/fusion/user-risk.ts';
import { DAY, finding, prng, T0 } from './fixtures.ts';

describe('explanations add up exactly', () => {
  it('apportions by largest remainder, ties to the earlier share', () => {
    expect(apportion(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(apportion(7769, [100, 50])).toEqual([5179, 2590]);
    expect(apportion(10, [0, 0])).toEqual([10, 0]);
    expect(apportion(0, [])).toEqual([]);
  });

  it('session contributions sum to the session score, over random sessions', () => {
    const rand = prng(20240603);
    const stats = emptyTriggerStats();
    for (let i = 0; i < 300; i++) recordSession(stats, `u${i % 7}`, rand() < 0.3 ? [`i${Math.floor(rand() * 6)}`] : []);
    const fitted = refitTriggerStats(stats, T0, 30 * DAY);
    const ctx = {
      assetCriticality: new Map([['a0', 2.5], ['a1', 0.7], ['a2', 1.3]]),
      privilegedUsers: new Set(['u1', 'u3']),
      watchlist: new Set(['u2']),
      hr: new Map([['u4', { status: 'NOTICE_GIVEN' as const }]]),
    };
    for (let trial = 0; trial < 2000; trial++) {
      const userId = `u${Math.floor(rand() * 7)}`;
      const n = Math.floor(rand() * 12);
      const findings = Array.from({ length: n }, () =>
        finding({
          userId,
          indicatorId: `i${Math.floor(rand() * 6)}`,
          anchorScore: 5 + rand() * 55,
          learning: rand() < 0.15,
          peerDegree: rand() < 0.4 ? rand() : undefined,
          exfiltration: rand() < 0.3,
          assets: rand() < 0.5 ? [`a${Math.floor(rand() * 4)}`] : undefined,
        }),
      );
      const result = scoreSession({ userId, sessionId: 's1' }, findings, ctx, fitted);
      const values = result.contributions.map((c) => c.value);
      expect(sumInOrder(values)).toBe(result.score);
      expect(values.reduce((a, v) => a + toHundredths(v), 0)).toBe(toHundredths(result.score));
      for (const v of values) expect(toHundredths(v) / 100).toBe(v);
      expect(result.contributions).toHaveLength(n);
    }
  });

  it('session contributions sum to the user risk, which is the rounded squash, over random histories', () => {
    const rand = prng(7);
    for (let trial = 0; trial < 2000; trial++) {
      const sessions = Array.from({ length: Math.floor(rand() * 15) }, (_, i) => ({
        sessionId: `s${i}`,
        score: rand() < 0.2 ? 0 : Math.round(rand() * 15000) / 100,
        endedAt: T0 - Math.floor(rand() * 40 * DAY),
      }));
      const risk = userRisk('alice', sessions, T0);
      expect(sumInOrder(risk.contributions.map((c) => c.value))).toBe(risk.score);
      expect(risk.contributions.reduce((a, c) => a + toHundredths(c.value), 0)).toBe(toHundredths(squash(risk.raw, 100)));
      expect(risk.score).toBeGreaterThanOrEqual(0);
      expect(risk.score).toBeLessThanOrEqual(100);
    }
  });
});
