import { describe, expect, it } from 'vitest';
import { detectionReport, formatDetectionReport, indicatorBreakdown, parseLabelsCsv, traceVisible } from '../../../src/analytics/evaluation/detection-report.ts';
import { userDayKey } from '../../../src/analytics/evaluation/ranking-metrics.ts';

/** The eval report on a hand-made ranking whose metrics are known. */
const D = Date.UTC(2024, 2, 18);
const DAY = 86_400_000;

describe('detectionReport', () => {
  const attacks = parseLabelsCsv(
    'user,scenario,start,end\n' +
      `a1,exfil,${new Date(D).toISOString()},${new Date(D + DAY + 3600_000).toISOString()}\n` +
      `a2,travel,${new Date(D + 2 * DAY).toISOString()},${new Date(D + 2 * DAY + 60_000).toISOString()}\n`,
  );
  const benign = parseLabelsCsv(`user,scenario,start,end\nb1,benign:trip,${new Date(D).toISOString()},${new Date(D + DAY).toISOString()}\n`);
  const users = [
    { user: 'a1', riskScore: 10, peakRiskScore: 90 },
    { user: 'n1', riskScore: 70, peakRiskScore: 70 },
    { user: 'a2', riskScore: 60, peakRiskScore: 60 },
    { user: 'b1', riskScore: 5, peakRiskScore: 20 },
    { user: 'n2', riskScore: 0, peakRiskScore: 0 },
  ];
  const sessions = [
    { user: 'a1', start: D + 3600_000, score: 120 },
    { user: 'a1', start: D + 7200_000, score: 30 }, // same day: the day keeps the highest
    { user: 'n1', start: D + DAY, score: 95 },
    { user: 'a2', start: D + 2 * DAY + 1000, score: 80 },
  ];
  const alerts = [
    { user: 'a1', start: D + 3600_000 },
    { user: 'n1', start: D + DAY }, // false
  ];

  it('ranks users by peak risk and user-days by their best session, and counts false alerts', () => {
    const r = detectionReport({ users, sessions, alerts, attacks, benign, days: 10 }, [1, 2, 3]);
    expect(r.users.positives).toBe(2);
    expect(r.users.precisionAtK[1]).toBe(1); // a1 first
    expect(r.users.precisionAtK[2]).toBe(0.5); // then n1
    expect(r.users.recallAtK[3]).toBe(1);
    expect(r.users.rocAuc).toBeCloseTo(5 / 6, 10); // a1 beats 3 negatives, a2 beats 2 of 3
    // user-days: a1@18 (120), a1@19 (no session: 0), a2@20 (80) are positive; n1@19 (95) is not.
    expect(r.userDays.positives).toBe(3);
    expect(r.userDays.precisionAtK[1]).toBe(1);
    expect(r.userDays.precisionAtK[2]).toBe(0.5);
    expect(r.goalRank).toBe(4);
    expect(r.scenarios).toEqual([
      { scenario: 'exfil', attackers: [{ user: 'a1', peakRisk: 90, rank: 1, withinTwiceAttackers: true, alerted: true }], ranks: [1], medianRank: 1, withinGoal: 1, visible: true },
      { scenario: 'travel', attackers: [{ user: 'a2', peakRisk: 60, rank: 3, withinTwiceAttackers: true, alerted: false }], ranks: [3], medianRank: 3, withinGoal: 1, visible: true },
    ]);
    expect(r.allAttackersWithinGoal).toBe(true);
    expect(r.hardNegatives).toEqual([{ user: 'b1', scenario: 'benign:trip', peakRisk: 20, rank: 4, alerted: false }]);
    // One false alert (n1's day) over 5 users × 10 days: 2 per 100 users per day.
    expect(r.falseAlertsPer100UsersPerDay).toBeCloseTo(2, 10);
    const table = formatDetectionReport(r);
    expect(table).toContain('exfil');
    expect(table).toMatch(/false alerts per 100 users per day 2\.000/);
  });

  it('counts an attacker the product never saw as scoring 0, and misses the goal when ranked too low', () => {
    const r = detectionReport({ users: users.filter((u) => u.user !== 'a2'), sessions: [], alerts: [], attacks, benign: [], days: 1 }, [1]);
    const a2 = r.scenarios.find((s) => s.scenario === 'travel')!.attackers[0]!;
    expect(a2).toMatchObject({ peakRisk: 0, rank: 5, withinTwiceAttackers: false });
    expect(r.allAttackersWithinGoal).toBe(false);
  });

  it('reports peak risks to two decimals, as the API shows them, while ranking on the exact scores', () => {
    const exact = [
      { user: 'a1', riskScore: 0, peakRiskScore: 95.48999999999998 },
      { user: 'a2', riskScore: 0, peakRiskScore: 95.49000000000001 },
      { user: 'b1', riskScore: 0, peakRiskScore: 7.389999999999999 },
    ];
    const r = detectionReport({ users: exact, sessions: [], alerts: [], attacks, benign, days: 1 }, [1]);
    const peaks = r.scenarios.flatMap((s) => s.attackers.map((a) => [a.user, a.peakRisk, a.rank]));
    // a2's exact score is the higher one: it ranks first although both show as 95.49.
    expect(peaks).toEqual([
      ['a1', 95.49, 2],
      ['a2', 95.49, 1],
    ]);
    expect(r.hardNegatives).toEqual([{ user: 'b1', scenario: 'benign:trip', peakRisk: 7.39, rank: 3, alerted: false }]);
  });

  it('rejects a labels file without the expected columns or with bad times, naming the line', () => {
    expect(() => parseLabelsCsv('who,what\nx,y\n')).toThrow(/missing column user/);
    expect(() => parseLabelsCsv('user,scenario,start,end\nx,y,yesterday,today\n')).toThrow(/line 2/);
  });

  it('takes every active user-day as a key when the active days are given, and drops labelled days without activity', () => {
    // Active days: a1@18 (session 120), a1@19 (no session), n1@19 (95), n2@18 (no session), n2@19 (no session).
    // a2@20 is labelled but has no activity at all: not a key.
    const active = [userDayKey('a1', D), userDayKey('a1', D + DAY), userDayKey('n1', D + DAY), userDayKey('n2', D), userDayKey('n2', D + DAY)];
    const r = detectionReport({ users, sessions: sessions.filter((x) => x.user !== 'a2'), alerts: [], attacks, benign: [], days: 3, activeUserDays: active }, [1, 2]);
    expect(r.userDays.keys).toBe(5);
    expect(r.userDays.positives).toBe(2); // a1@18, a1@19
    // Ascending: three keys at 0 (a1@19 positive, n2@18, n2@19) share rank 2, n1@19 rank 4, a1@18 rank 5.
    // AUC = (5 + 2 − 3) / (2 · 3) = 4/6.
    expect(r.userDays.rocAuc).toBeCloseTo(4 / 6, 10);
    expect(r.userDays.precisionAtK[1]).toBe(1);
    expect(r.userDays.precisionAtK[2]).toBe(0.5);
  });

  it('adds up per indicator the points and firings on attackers\' side and everyone else\'s', () => {
    const breakdown = indicatorBreakdown(
      [
        { user: 'a1', indicatorId: 'unusual-hour', value: 12.5 },
        { user: 'a1', indicatorId: 'unusual-hour', value: 7.25 },
        { user: 'n1', indicatorId: 'unusual-hour', value: 3 },
        { user: 'n1', indicatorId: 'first-device', value: 40 },
        { user: 'n2', indicatorId: 'first-device', value: 0 },
      ],
      [
        { user: 'a1', indicatorId: 'unusual-hour', learning: false, count: 2 },
        { user: 'a1', indicatorId: 'unusual-hour', learning: true, count: 5 },
        { user: 'n1', indicatorId: 'unusual-hour', learning: false, count: 1 },
        { user: 'n1', indicatorId: 'first-device', learning: false, count: 1 },
        { user: 'n2', indicatorId: 'first-device', learning: false, count: 4 },
      ],
      new Set(['a1', 'a2']),
    );
    expect(breakdown).toEqual([
      { indicatorId: 'first-device', attackerPoints: 0, otherPoints: 40, attackerFirings: 0, otherFirings: 5, learningFirings: 0, attackersHit: 0, othersHit: 2 },
      { indicatorId: 'unusual-hour', attackerPoints: 19.75, otherPoints: 3, attackerFirings: 2, otherFirings: 1, learningFirings: 5, attackersHit: 1, othersHit: 1 },
    ]);
    const r = detectionReport({ users, sessions, alerts, attacks, benign, days: 10, contributions: [{ user: 'a2', indicatorId: 'x', value: 5 }], findings: [] });
    expect(r.indicators).toEqual([{ indicatorId: 'x', attackerPoints: 5, otherPoints: 0, attackerFirings: 0, otherFirings: 0, learningFirings: 0, attackersHit: 0, othersHit: 0 }]);
    expect(formatDetectionReport(r)).toMatch(/^x\s+5\.00\s+0\.00/m);
  });

  it('ranks only the attackers whose trace is in the activity files given, leaving the others out', () => {
    const traced = parseLabelsCsv(
      'user,scenario,start,end,traces\n' +
        `a1,exfil,${new Date(D).toISOString()},${new Date(D + 60_000).toISOString()},device|http|ldap\n` +
        `a2,travel,${new Date(D).toISOString()},${new Date(D + 60_000).toISOString()},logon|ldap\n`,
    );
    expect(traced[0]!.traces).toEqual(['device', 'http', 'ldap']);
    expect(traceVisible(['device', 'ldap'], new Set(['logon', 'ldap']))).toBe(false); // a departure alone is no trace
    expect(traceVisible(['logon', 'ldap'], new Set(['logon', 'ldap']))).toBe(true);
    expect(traceVisible(undefined, new Set(['logon']))).toBe(true);
    const r = detectionReport({ users, sessions, alerts, attacks: traced, benign: [], days: 10, files: new Set(['logon', 'ldap']) }, [1, 2]);
    // a1 (peak 90) is invisible in logon + LDAP and leaves the universe: n1 70, a2 60, b1 20, n2 0.
    expect(r.visible).not.toBeNull();
    expect(r.visible!.invisible).toEqual(['a1']);
    expect(r.visible!.attackers).toBe(1);
    expect(r.visible!.users.keys).toBe(4);
    expect(r.visible!.users.rocAuc).toBeCloseTo(2 / 3, 10);
    expect(r.visible!.ranks).toEqual([{ user: 'a2', scenario: 'travel', rank: 2, withinGoal: true }]);
    expect(r.visible!.goalRank).toBe(2);
    expect(r.scenarios.map((x) => [x.scenario, x.visible, x.ranks, x.medianRank, x.withinGoal])).toEqual([
      ['exfil', false, [1], 1, 1],
      ['travel', true, [3], 3, 1],
    ]);
    // Without files (one ECS file holds everything), there is no visible ranking.
    expect(detectionReport({ users, sessions, alerts, attacks: traced, benign: [], days: 10 }).visible).toBeNull();
  });

  it('reports all alerts per 100 users per day beside the false ones', () => {
    const r = detectionReport({ users, sessions, alerts, attacks, benign, days: 10 });
    expect(r.alertsPer100UsersPerDay).toBeCloseTo(4, 10); // 2 alerts / (5 users × 10 days) × 100
  });
});
