import { describe, expect, it } from 'vitest';
import { CALIBRATION_FACTOR } from '../../../src/analytics/fusion/calibration.ts';
import { scoreSession, UNSCORED } from '../../../src/analytics/fusion/session-score.ts';
import { emptyTriggerStats, recordSession, refitTriggerStats } from '../../../src/analytics/fusion/trigger-stats.ts';
import { DAY, finding, T0 } from './fixtures.ts';

const session = { userId: 'alice', sessionId: 's1' };

describe('session score', () => {
  it('sums anchor × calibration × down-weight over findings, highest first', () => {
    const result = scoreSession(session, [finding({ indicatorId: 'peer-rare', anchorScore: 20, peerDegree: 0.5 }), finding()], {}, emptyTriggerStats());
    expect(result.score).toBe(50);
    expect(result.contributions.map((c) => [c.indicatorId, c.value])).toEqual([
      ['first-access-asset', 40],
      ['peer-rare', 10],
    ]);
    const peer = result.contributions[1]!;
    expect(peer.weights).toMatchObject({ anchor: 20, calibrationProduct: 0.5, downWeight: 1 });
    expect(peer.weights.calibration.map((f) => f.name)).toEqual([CALIBRATION_FACTOR.PeerMembership]);
  });

  it('explains each contribution from the finding and its evidence', () => {
    const [c] = scoreSession(session, [finding()], {}, emptyTriggerStats()).contributions;
    expect(c).toMatchObject({
      indicatorId: 'first-access-asset',
      reason: 'first access to FIN-DB-02',
      observed: { label: 'asset', value: 'FIN-DB-02', display: 'FIN-DB-02' },
      baseline: { kind: 'categorical', distinct: 14 },
      pValue: 0.002,
      fact: null,
      eventIds: ['e1'],
      unscored: null,
    });
    const fact = scoreSession(session, [finding({ evidence: { test: { kind: 'fact', fact: 'activity after termination', holds: true } } })], {}, emptyTriggerStats());
    expect(fact.contributions[0]).toMatchObject({ fact: 'activity after termination', pValue: null, observed: null, baseline: null });
  });

  it('keeps learning findings in the explanation with weight 0, flagged', () => {
    const result = scoreSession(session, [finding({ indicatorId: 'odd-hour', anchorScore: 60, learning: true }), finding()], {}, emptyTriggerStats());
    expect(result.score).toBe(40);
    expect(result.contributions.map((c) => [c.indicatorId, c.value, c.unscored])).toEqual([
      ['first-access-asset', 40, null],
      ['odd-hour', 0, UNSCORED.Learning],
    ]);
    expect(result.contributions[1]!.weights.anchor).toBe(60);
  });

  it('scores at most three findings of one indicator per session', () => {
    const findings = [10, 12, 8, 30, 5].map((anchorScore, i) => finding({ anchorScore, eventIds: [`e${i}`] }));
    const result = scoreSession(session, findings, {}, emptyTriggerStats());
    expect(result.score).toBe(52);
    expect(result.contributions.map((c) => [c.value, c.unscored])).toEqual([
      [30, null],
      [12, null],
      [10, null],
      [0, UNSCORED.Repeat],
      [0, UNSCORED.Repeat],
    ]);
  });

  it('down-weights an indicator that fires in most of the user’s sessions', () => {
    const stats = emptyTriggerStats();
    for (let i = 0; i < 50; i++) recordSession(stats, 'alice', ['first-access-asset']);
    for (let i = 0; i < 450; i++) recordSession(stats, `u${i % 45}`, []);
    const fitted = refitTriggerStats(stats, T0, 30 * DAY);
    const [c] = scoreSession(session, [finding()], {}, fitted).contributions;
    // p̂_pop = 51/600 = 0.085; p̂_u = (20·0.085 + 50)/70 = 0.738571…; w = log10(p̂_u)/−2
    const pu = (20 * (51 / 600) + 50) / 70;
    expect(c!.weights.userTriggerRate).toBeCloseTo(pu, 12);
    expect(c!.weights.downWeight).toBeCloseTo(Math.log10(pu) / -2, 12);
    expect(c!.value).toBe(Math.round(40 * (Math.log10(pu) / -2) * 100) / 100);
    expect(c!.value).toBeLessThan(3);
  });

  it('rounds each contribution to hundredths and sums the rounded values', () => {
    const result = scoreSession(session, [0, 1, 2].map((i) => finding({ indicatorId: `i${i}`, anchorScore: 10, peerDegree: 1 / 3 })), {}, emptyTriggerStats());
    expect(result.contributions.map((c) => c.value)).toEqual([3.33, 3.33, 3.33]);
    expect(result.score).toBe(3.33 + 3.33 + 3.33);
  });

  it('refuses findings of another session', () => {
    expect(() => scoreSession(session, [finding({ sessionId: 's2' })], {}, emptyTriggerStats())).toThrow(RangeError);
  });
});
