import { describe, expect, it } from 'vitest';
import { detectionReport, formatDetectionReport, parseLabelsCsv } from '../../../src/analytics/evaluation/detection-report.ts';

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
      { scenario: 'exfil', attackers: [{ user: 'a1', peakRisk: 90, rank: 1, withinTwiceAttackers: true, alerted: true }] },
      { scenario: 'travel', attackers: [{ user: 'a2', peakRisk: 60, rank: 3, withinTwiceAttackers: true, alerted: false }] },
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

  it('rejects a labels file without the expected columns or with bad times, naming the line', () => {
    expect(() => parseLabelsCsv('who,what\nx,y\n')).toThrow(/missing column user/);
    expect(() => parseLabelsCsv('user,scenario,start,end\nx,y,yesterday,today\n')).toThrow(/line 2/);
  });
});
