import { describe, expect, it } from 'vitest';
import { CALIBRATION_FACTOR } from '../../../src/analytics/fusion/calibration.ts';
import type { FusionFinding } from '../../../src/analytics/fusion/fusion-finding.ts';
import { scoreSession, type SessionScore, UNSCORED } from '../../../src/analytics/fusion/session-score.ts';
import { emptyTriggerStats, recordSession, refitTriggerStats } from '../../../src/analytics/fusion/trigger-stats.ts';
import { userRisk } from '../../../src/analytics/fusion/user-risk.ts';
import { DROPPED, type StoredSession, whatIf, whatIfProblems } from '../../../src/analytics/replay/what-if.ts';

/**
 * The what-if replay against real fusion output: sessions scored by scoreSession, stored as the
 * pipeline stores them (JSON), re-scored. Unchanged settings must reproduce the stored scores and
 * risk exactly; each change must move exactly what it names.
 */
const T0 = Date.UTC(2026, 2, 2, 9);
const DAY = 86_400_000;
const USER = 'alice';

function f(sessionId: string, indicatorId: string, anchorScore: number, extra: Partial<FusionFinding> = {}): FusionFinding {
  return {
    indicatorId,
    anchorScore,
    learning: false,
    reason: `${indicatorId} in ${sessionId}`,
    evidence: { test: { kind: 'p-value', pValue: 0.001, threshold: 0.01 } },
    eventIds: [`${sessionId}-${indicatorId}`],
    userId: USER,
    sessionId,
    ts: T0,
    ...extra,
  };
}

/** As the pipeline stores a SessionScore (JSON) and the store reads it back. */
function stored(score: SessionScore, endedAt: number): StoredSession {
  const parsed = JSON.parse(JSON.stringify(score)) as SessionScore;
  return {
    sessionId: parsed.sessionId,
    endedAt,
    score: parsed.score,
    contributions: parsed.contributions.map((c) => ({
      indicatorId: c.indicatorId,
      reason: c.reason,
      value: c.value,
      unscored: c.unscored,
      weights: { ...c.weights, calibration: c.weights.calibration.map((x) => ({ ...x })) },
      pValue: c.pValue,
      fact: c.fact,
      ts: c.ts,
    })),
  };
}

// Trigger statistics with history, so down-weights are not all 1.
let stats = emptyTriggerStats();
for (let i = 0; i < 200; i++) recordSession(stats, i % 2 === 0 ? USER : 'bob', i % 5 === 0 ? ['unusual-hour'] : []);
stats = refitTriggerStats(stats, T0, 30 * DAY);

const ctx = { privilegedUsers: new Set([USER]), assetCriticality: new Map([['FIN-DB-02', 3]]) };
const s1 = scoreSession(
  { userId: USER, sessionId: 's1' },
  [
    f('s1', 'usb-copy-outlier', 25, { ts: T0 + 1000, exfiltration: true, evidence: { test: { kind: 'p-value', pValue: 0.0004, threshold: 0.01 } } }),
    f('s1', 'unusual-hour', 10, { ts: T0 + 2000, evidence: { test: { kind: 'p-value', pValue: 0.008, threshold: 0.01 } } }),
    f('s1', 'first-asset-access', 10, { ts: T0 + 3000, assets: ['FIN-DB-02'] }),
  ],
  ctx,
  stats,
);
const s2 = scoreSession(
  { userId: USER, sessionId: 's2' },
  [
    ...[1, 2, 3, 4].map((i) => f('s2', 'first-asset-access', 10, { ts: T0 + DAY + i, reason: `first access ${i}`, assets: i === 4 ? ['FIN-DB-02'] : [] })),
    f('s2', 'unusual-day', 10, { ts: T0 + DAY + 10, learning: true }),
    f('s2', 'impossible-travel', 40, { ts: T0 + DAY + 20, evidence: { test: { kind: 'fact', fact: 'impossible travel', holds: true } } }),
  ],
  ctx,
  stats,
);
const sessions = [stored(s1, T0 + 3600_000), stored(s2, T0 + DAY + 3600_000)];
const asOf = T0 + 3 * DAY;

describe('what-if replay', () => {
  it('reproduces every stored session score and the stored risk exactly when nothing changes', () => {
    const result = whatIf(USER, sessions, asOf, {});
    expect(result.sessions.map((s) => s.whatIfScore)).toEqual([s1.score, s2.score]);
    expect(result.sessions.map((s) => s.actualScore)).toEqual([s1.score, s2.score]);
    for (const s of result.sessions) for (const c of s.contributions) expect([c.whatIf, c.whatIfUnscored, c.dropped]).toEqual([c.actual, c.actualUnscored, null]);
    const real = userRisk(USER, [{ sessionId: 's1', score: s1.score, endedAt: T0 + 3600_000 }, { sessionId: 's2', score: s2.score, endedAt: T0 + DAY + 3600_000 }], asOf);
    expect(result.actualRisk).toEqual(real);
    expect(result.whatIfRisk).toEqual(real);
    // The fixture exercises the interesting weights: a repeat, a learning finding, calibration, down-weight.
    const all = result.sessions.flatMap((s) => s.contributions);
    expect(all.some((c) => c.actualUnscored === UNSCORED.Repeat)).toBe(true);
    expect(all.some((c) => c.actualUnscored === UNSCORED.Learning)).toBe(true);
    expect(all.some((c) => c.downWeight < 1)).toBe(true);
    expect(all.some((c) => c.calibrationProduct > 1)).toBe(true);
  });

  it('leaving an indicator out removes exactly its contributions from each session', () => {
    const result = whatIf(USER, sessions, asOf, { without: ['unusual-hour'] });
    const hour = s1.contributions.find((c) => c.indicatorId === 'unusual-hour')!;
    expect(hour.value).toBeGreaterThan(0);
    expect(result.sessions[0]!.whatIfScore).toBeCloseTo(s1.score - hour.value, 10);
    expect(result.sessions[0]!.contributions.find((c) => c.indicatorId === 'unusual-hour')).toMatchObject({ whatIf: 0, dropped: DROPPED.LeftOut, actual: hour.value });
    expect(result.sessions[1]!.whatIfScore).toBe(s2.score);
    expect(result.whatIfRisk.score).toBeLessThan(result.actualRisk.score);
    expect(result.whatIfRisk).toEqual(
      userRisk(USER, [{ sessionId: 's1', score: result.sessions[0]!.whatIfScore, endedAt: T0 + 3600_000 }, { sessionId: 's2', score: s2.score, endedAt: T0 + DAY + 3600_000 }], asOf),
    );
  });

  it('leaving out a capped indicator lets nothing else in, and a lower cap scores fewer repeats', () => {
    const capped = whatIf(USER, sessions, asOf, { fusion: { maxScoredPerIndicator: 1 } });
    const firsts = capped.sessions[1]!.contributions.filter((c) => c.indicatorId === 'first-asset-access');
    expect(firsts.filter((c) => c.whatIfUnscored === null).length).toBe(1);
    // The one kept is the highest (the FIN-DB-02 access, calibrated by its criticality).
    expect(firsts.find((c) => c.whatIfUnscored === null)!.whatIf).toBe(Math.max(...firsts.map((c) => c.actual)));
    const raised = whatIf(USER, sessions, asOf, { fusion: { maxScoredPerIndicator: 10 } });
    const all4 = raised.sessions[1]!.contributions.filter((c) => c.indicatorId === 'first-asset-access');
    expect(all4.every((c) => c.whatIfUnscored === null && c.whatIf > 0)).toBe(true);
    expect(raised.sessions[1]!.whatIfScore).toBeGreaterThan(s2.score);
  });

  it('applies a new anchor score, a stricter threshold and disabled families to the stored weights', () => {
    const usb = s1.contributions.find((c) => c.indicatorId === 'usb-copy-outlier')!;
    const anchored = whatIf(USER, sessions, asOf, { indicators: { indicators: { 'usb-copy-outlier': { anchorScore: 50 } } } });
    const row = anchored.sessions[0]!.contributions.find((c) => c.indicatorId === 'usb-copy-outlier')!;
    expect(row.anchor).toBe(50);
    expect(row.whatIf).toBe(Math.round(50 * usb.weights.calibrationProduct * usb.weights.downWeight * 100) / 100);
    const strict = whatIf(USER, sessions, asOf, { indicators: { indicators: { 'unusual-hour': { threshold: 0.005 }, 'usb-copy-outlier': { threshold: 0.005 } } } });
    // unusual-hour's p-value 0.008 fails 0.005; usb-copy-outlier's 0.0004 passes.
    expect(strict.sessions[0]!.contributions.map((c) => [c.indicatorId, c.dropped])).toEqual(
      s1.contributions.map((c) => [c.indicatorId, c.indicatorId === 'unusual-hour' ? DROPPED.Threshold : null]),
    );
    const families = whatIf(USER, sessions, asOf, { indicators: { disabledFamilies: ['location'] } });
    expect(families.sessions[1]!.contributions.find((c) => c.indicatorId === 'impossible-travel')!.dropped).toBe(DROPPED.Disabled);
    expect(families.sessions[1]!.whatIfScore).toBeCloseTo(s2.score - 40 * s2.contributions.find((c) => c.indicatorId === 'impossible-travel')!.weights.downWeight * 1.5, 2);
  });

  it('replaces the multipliers of settings-based calibration factors and recomputes the down-weight from the stored rates', () => {
    const first = s1.contributions.find((c) => c.indicatorId === 'first-asset-access')!;
    expect(first.weights.calibration.map((c) => c.name).sort()).toEqual([CALIBRATION_FACTOR.AssetCriticality, CALIBRATION_FACTOR.PrivilegedAccount].sort());
    const result = whatIf(USER, sessions, asOf, { fusion: { privilegedMultiplier: 1 } });
    const row = result.sessions[0]!.contributions.find((c) => c.indicatorId === 'first-asset-access')!;
    // Asset criticality 3 stays; the privileged account's 1.5 becomes 1.
    expect(row.calibrationProduct).toBe(3);
    expect(row.whatIf).toBe(Math.round(10 * 3 * first.weights.downWeight * 100) / 100);
    const hour = s1.contributions.find((c) => c.indicatorId === 'unusual-hour')!;
    expect(hour.weights.downWeight).toBeLessThan(1);
    const looser = whatIf(USER, sessions, asOf, { fusion: { referenceRate: 0.2 } });
    const hourRow = looser.sessions[0]!.contributions.find((c) => c.indicatorId === 'unusual-hour')!;
    expect(hourRow.downWeight).toBe(Math.min(1, Math.log10(hour.weights.userTriggerRate) / Math.log10(0.2)));
    expect(hourRow.downWeight).toBeGreaterThan(hour.weights.downWeight);
  });

  it('re-reads user risk with another half-life, window or scale, and leaves session scores alone', () => {
    const result = whatIf(USER, sessions, asOf, { risk: { halfLifeDays: 1, windowDays: 2.5, scale: 50 } });
    expect(result.sessions.map((s) => s.whatIfScore)).toEqual([s1.score, s2.score]);
    // s1 ended 2.96 days before asOf: outside a 2.5-day window.
    expect(result.whatIfRisk.contributions.map((c) => c.sessionId)).toEqual(['s2']);
    expect(result.whatIfRisk).toEqual(userRisk(USER, [{ sessionId: 's2', score: s2.score, endedAt: T0 + DAY + 3600_000 }], asOf, { halfLifeMs: DAY, windowMs: 2.5 * DAY, scale: 50 }));
    expect(result.risk).toEqual({ halfLifeMs: DAY, windowMs: 2.5 * DAY, scale: 50 });
  });

  it('lists every problem with the settings at once, naming each path', () => {
    const problems = whatIfProblems({
      without: ['no-such'],
      indicators: { indicators: { 'impossible-travel': { threshold: 0.1 }, 'unusual-hour': { anchorScore: 400, params: { minEvents: 3 } } } },
      fusion: { maxScoredPerIndicator: 0, referenceRate: 1 },
      risk: { halfLifeDays: -1, scale: 0 },
    });
    expect(problems).toEqual([
      "without: no such indicator 'no-such'",
      'with.indicators.impossible-travel.threshold: a fact has no p-value threshold',
      'with.indicators.unusual-hour.anchorScore: 400 is not a number from 0 to 100',
      expect.stringMatching(/^with\.indicators\.unusual-hour\.params\.minEvents: no such parameter/),
      expect.stringMatching(/^with\.indicators\.unusual-hour\.params: parameters change what an indicator finds/),
      'with.fusion.maxScoredPerIndicator: 0 is not a whole number from 1 to 100',
      'with.fusion.referenceRate: 1 is not a probability in (0, 1)',
      'with.risk.halfLifeDays: -1 is not a number of days above 0 and at most 365',
      'with.risk.scale: 0 is not a number of points above 0 and at most 10000',
    ]);
    expect(() => whatIf(USER, sessions, asOf, { without: ['no-such'] })).toThrow(/no such indicator 'no-such'/);
  });
});
