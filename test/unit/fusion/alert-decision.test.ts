import { describe, expect, it } from 'vitest';
import type { RaisedAlert } from '../../../src/store/alert.repository.ts';
import { ALERT_KIND, alertId, decideAlerts, ENFORCEMENT_MODE } from '../../../src/analytics/fusion/alert-decision.ts';
import { scoreSession } from '../../../src/analytics/fusion/session-score.ts';
import { emptyTriggerStats } from '../../../src/analytics/fusion/trigger-stats.ts';
import { userRisk } from '../../../src/analytics/fusion/user-risk.ts';
import { finding, T0 } from './fixtures.ts';

const hot = () =>
  scoreSession(
    { userId: 'alice', sessionId: 's1' },
    [finding({ anchorScore: 60 }), finding({ indicatorId: 'bulk-download', anchorScore: 40, reason: '3.2 GB downloaded' })],
    {},
    emptyTriggerStats(),
  );

describe('alert decision', () => {
  it('raises a session alert at the threshold in enforcement mode, scored 0–100 with severity from the level', () => {
    const session = hot(); // 100 points → 63.21 → HIGH
    const { raise, wouldRaise } = decideAlerts({ session }, ENFORCEMENT_MODE.Enforcement, T0);
    expect(wouldRaise).toEqual([]);
    expect(raise).toHaveLength(1);
    const alert: RaisedAlert = raise[0]!.alert; // goes to the AlertPublisher as is
    expect(alert).toMatchObject({ severity: 'HIGH', score: 63.21, user: 'alice', session: 's1', raisedAt: T0 });
    expect(alert.reasons).toEqual(['first access to FIN-DB-02 (+60)', '3.2 GB downloaded (+40)']);
  });

  it('raises nothing in learning mode but reports what would have been raised', () => {
    const { raise, wouldRaise } = decideAlerts({ session: hot() }, ENFORCEMENT_MODE.Learning, T0);
    expect(raise).toEqual([]);
    expect(wouldRaise.map((c) => c.kind)).toEqual([ALERT_KIND.Session]);
  });

  it('stays quiet below the threshold', () => {
    expect(decideAlerts({ session: hot() }, ENFORCEMENT_MODE.Enforcement, T0, { sessionThreshold: 101, userThreshold: 75, scale: 100, maxReasons: 5 }).raise).toEqual([]);
  });

  it('gives a re-scored session the same alert id, and other kinds or sessions another', () => {
    const a = decideAlerts({ session: hot() }, ENFORCEMENT_MODE.Enforcement, T0).raise[0]!.alert.id;
    const b = decideAlerts({ session: hot() }, ENFORCEMENT_MODE.Enforcement, T0 + 60_000).raise[0]!.alert.id;
    expect(a).toBe(b);
    expect(a).toBe(alertId(ALERT_KIND.Session, 'alice', 's1'));
    expect(a).not.toBe(alertId(ALERT_KIND.User, 'alice', 's1'));
    expect(a).not.toBe(alertId(ALERT_KIND.Session, 'alice', 's2'));
    expect(a).toMatch(/^alert-[0-9a-f]{32}$/);
  });

  it('raises a user alert when risk crosses the threshold upwards, not while it stays above', () => {
    const session = hot();
    const risk = userRisk('alice', [{ sessionId: 's0', score: 60, endedAt: T0 }, { sessionId: 's1', score: 100, endedAt: T0 }], T0);
    expect(risk.score).toBe(79.81);
    const crossing = decideAlerts({ session, userRisk: risk, previousUserRisk: 45.12 }, ENFORCEMENT_MODE.Enforcement, T0).raise;
    const user = crossing.find((c) => c.kind === ALERT_KIND.User)!;
    expect(user.alert).toMatchObject({ severity: 'CRITICAL', score: 79.81, session: 's1', id: alertId(ALERT_KIND.User, 'alice', 's1') });
    expect(user.alert.reasons[0]).toBe('user risk 79.81 (CRITICAL) from 2 recent session(s)');
    const staying = decideAlerts({ userRisk: risk, previousUserRisk: 78 }, ENFORCEMENT_MODE.Enforcement, T0).raise;
    expect(staying).toEqual([]);
  });
  it('ties a user alert to the top contributing session when the session in hand adds nothing to the risk', () => {
    // An HR change re-weighs older sessions while a quiet session is processed.
    const quiet = scoreSession({ userId: 'alice', sessionId: 's9' }, [], {}, emptyTriggerStats());
    expect(quiet.score).toBe(0);
    const risk = userRisk('alice', [{ sessionId: 's0', score: 60, endedAt: T0 }, { sessionId: 's1', score: 100, endedAt: T0 }, { sessionId: 's9', score: 0, endedAt: T0 }], T0);
    const user = decideAlerts({ session: quiet, userRisk: risk, previousUserRisk: 10 }, ENFORCEMENT_MODE.Enforcement, T0).raise.find((c) => c.kind === ALERT_KIND.User)!;
    expect(user.alert.session).toBe('s1');
    expect(user.alert.id).toBe(alertId(ALERT_KIND.User, 'alice', 's1'));
    expect(user.alert.reasons).toEqual(['user risk 79.81 (CRITICAL) from 2 recent session(s)']);
  });
});
