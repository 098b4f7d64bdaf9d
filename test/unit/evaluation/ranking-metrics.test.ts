import { describe, expect, it } from 'vitest';
import {
  attackerRanks,
  averagePrecision,
  falseAlertsPer100UsersPerDay,
  precisionAtK,
  rank,
  rankingReport,
  recallAtK,
  rocAuc,
  userDayKey,
} from '../../../src/analytics/evaluation/ranking-metrics.ts';

const scores = (entries: Record<string, number>) => new Map(Object.entries(entries));

describe('ranking metrics', () => {
  it('gives AUC 1 for a perfect ranking, 0 reversed, 0.5 when all tie', () => {
    const labels = new Set(['a', 'b']);
    expect(rocAuc(scores({ a: 9, b: 8, c: 2, d: 1 }), labels)).toBe(1);
    expect(rocAuc(scores({ a: 1, b: 2, c: 8, d: 9 }), labels)).toBe(0);
    expect(rocAuc(scores({ a: 5, b: 5, c: 5, d: 5 }), labels)).toBe(0.5);
  });

  it('computes AUC by Mann–Whitney with average ranks for ties', () => {
    // ascending: d=1 N, c=2 P, b=3 N, a=4 P → (2 + 4 − 3) / (2·2) = 0.75
    expect(rocAuc(scores({ a: 4, b: 3, c: 2, d: 1 }), new Set(['a', 'c']))).toBe(0.75);
    // a ties b: a beats c (1) and half-beats b (0.5) → 1.5 / 2
    expect(rocAuc(scores({ a: 2, b: 2, c: 1 }), new Set(['a']))).toBe(0.75);
    expect(rocAuc(scores({ a: 2 }), new Set(['a']))).toBeNull();
    expect(rocAuc(scores({ a: 2 }), new Set())).toBeNull();
  });

  it('computes precision@k and recall@k, breaking ties by key', () => {
    const s = scores({ a: 4, b: 3, c: 2, d: 1 });
    const labels = new Set(['a', 'c']);
    expect(precisionAtK(s, labels, 1)).toBe(1);
    expect(precisionAtK(s, labels, 2)).toBe(0.5);
    expect(precisionAtK(s, labels, 3)).toBe(2 / 3);
    expect(recallAtK(s, labels, 2)).toBe(0.5);
    expect(recallAtK(s, labels, 3)).toBe(1);
    expect(precisionAtK(s, labels, 0)).toBeNull();
    expect(rank(scores({ b: 1, a: 1 }), new Set()).map((r) => r.key)).toEqual(['a', 'b']);
  });

  it('computes average precision: ranks P N P N give (1 + 2/3) / 2', () => {
    expect(averagePrecision(scores({ a: 4, b: 3, c: 2, d: 1 }), new Set(['a', 'c']))).toBeCloseTo(5 / 6, 15);
    expect(averagePrecision(scores({ a: 4, b: 3 }), new Set(['a', 'b']))).toBe(1);
    expect(averagePrecision(scores({ a: 4 }), new Set())).toBeNull();
  });

  it('ranks a labelled user without a score last, with score 0', () => {
    const s = scores({ a: 4, b: 3 });
    expect(recallAtK(s, new Set(['a', 'z']), 2)).toBe(0.5);
    expect(rocAuc(s, new Set(['z']))).toBe(0);
  });

  it('counts false alerts per 100 users per day', () => {
    // 3 false alerts (u1 twice, u2), 1 true; 50 users over 2 days → 100 · 3 / 100
    expect(falseAlertsPer100UsersPerDay(['u1', 'u2', 'x', 'u1'], new Set(['x']), 50, 2)).toBe(3);
    expect(falseAlertsPer100UsersPerDay([], new Set(), 0, 2)).toBeNull();
  });

  it('works on user-days', () => {
    const day1 = Date.UTC(2024, 0, 1, 23, 59);
    const day2 = Date.UTC(2024, 0, 2, 0, 1);
    expect(userDayKey('alice', day1)).toBe('alice@2024-01-01');
    expect(userDayKey('alice', day2)).toBe('alice@2024-01-02');
    const s = new Map([[userDayKey('alice', day2), 80], [userDayKey('alice', day1), 10], [userDayKey('bob', day1), 20]]);
    expect(rocAuc(s, new Set([userDayKey('alice', day2)]))).toBe(1);
    expect(falseAlertsPer100UsersPerDay([userDayKey('alice', day2), userDayKey('bob', day1)], new Set([userDayKey('alice', day2)]), 2, 2)).toBe(25);
  });

  it('reports each attacker’s best and worst rank per scenario', () => {
    const s = scores({ a: 10, b: 8, c: 8, d: 5 });
    const ranks = attackerRanks(s, new Map([['exfiltration', new Set(['c'])], ['brute-force', new Set(['e', 'd'])]]));
    expect(ranks.get('exfiltration')).toEqual([{ user: 'c', score: 8, bestRank: 2, worstRank: 3, withinTwiceAttackers: true }]);
    expect(ranks.get('brute-force')).toEqual([
      { user: 'd', score: 5, bestRank: 4, worstRank: 4, withinTwiceAttackers: true },
      { user: 'e', score: 0, bestRank: 5, worstRank: 5, withinTwiceAttackers: true },
    ]);
    const one = attackerRanks(scores({ a: 10, b: 8, c: 1 }), new Map([['s', new Set(['c'])]]));
    expect(one.get('s')![0]).toMatchObject({ worstRank: 3, withinTwiceAttackers: false });
  });

  it('gathers the table for the eval CLI', () => {
    expect(rankingReport(scores({ a: 4, b: 3, c: 2, d: 1 }), new Set(['a', 'c']), [1, 2])).toEqual({
      keys: 4,
      positives: 2,
      precisionAtK: { 1: 1, 2: 0.5 },
      recallAtK: { 1: 0.5, 2: 0.5 },
      averagePrecision: expect.closeTo(5 / 6, 12),
      rocAuc: 0.75,
    });
  });
});
