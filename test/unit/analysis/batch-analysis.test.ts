/**
 * The analysis of one batch, pure, with known answers: findings from events and from closed
 * sessions, fusion into session scores whose explanation adds up, user risk, the alert policy
 * per mode, HR records taking effect inside a batch, and determinism.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_ANALYSIS_SETTINGS } from '../../../src/analytics/analysis-settings.ts';
import {
  type AnalysedSession,
  analyseBatch,
  type BatchAnalysisInput,
  cloneUserAnalysis,
  emptyUserAnalysis,
  type UserAnalysis,
  type UserContext,
} from '../../../src/analytics/analysis/batch-analysis.ts';
import { DEFAULT_ALERT_CONFIG, emptyTriggerStats } from '../../../src/analytics/fusion/index.ts';
import { DATA_SOURCES, type DataSource } from '../../../src/analytics/indicators/context.ts';
import { createUserProfile } from '../../../src/analytics/profiles/user-profile.ts';
import type { NormalizedEvent } from '../../../src/events/event.ts';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const T = Date.UTC(2024, 2, 20); // Wednesday
const SESSION = 'sess-1';

function ev(id: string, ts: number, fields: Partial<NormalizedEvent> = {}): NormalizedEvent {
  return { id, ts, category: 'network', action: 'app_access', outcome: 'success', user: 'tom', host: 'WS-1', ...fields };
}

function session(status: 'OPEN' | 'CLOSED', start: number, last: number, eventCount: number): AnalysedSession {
  return { id: SESSION, user: 'tom', start, lastTs: last, end: status === 'CLOSED' ? last : null, eventCount, failures: 0, status };
}

function input(events: NormalizedEvent[], overrides: Partial<BatchAnalysisInput> = {}): BatchAnalysisInput {
  const users = new Map<string, UserAnalysis>([['tom', emptyUserAnalysis(createUserProfile('tom'))]]);
  const contexts = new Map<string, UserContext>([
    ['tom', { hr: { status: 'TERMINATED', effectiveDate: T - DAY, lastDay: T - 2 * DAY }, peerGroup: null }],
  ]);
  return {
    events,
    eventSessions: new Map(events.map((e) => [e.id, SESSION])),
    sessions: [session('OPEN', events[0]!.ts, events.at(-1)!.ts, events.length)],
    users,
    contexts,
    settings: DEFAULT_ANALYSIS_SETTINGS,
    seenSources: new Set<DataSource>(DATA_SOURCES),
    malwareDevices: new Map(),
    internalDomains: ['example.com'],
    triggerStats: emptyTriggerStats(),
    now: T + DAY,
    ...overrides,
  };
}

const afterTermination = () => [
  ev('e1', T + 9 * HOUR, { category: 'authentication', action: 'logon' }),
  ev('e2', T + 9 * HOUR + 60_000, { app: 'payroll' }),
  ev('e3', T + 9 * HOUR + 120_000, { asset: 'HR-DB-01' }),
];

describe('analyseBatch', () => {
  it('finds activity after termination, scores the session so its explanation adds up, and raises a session alert', () => {
    const out = analyseBatch(input(afterTermination()));
    const facts = out.findings.filter((f) => f.indicatorId === 'activity-after-termination');
    expect(facts.map((f) => f.evidence.eventIds[0])).toEqual(['e1', 'e2', 'e3']);
    expect(facts.every((f) => !f.learning && f.sessionId === SESSION)).toBe(true);

    const scored = out.sessions.get(SESSION)!;
    const sum = scored.score.contributions.reduce((a, c) => a + Math.round(c.value * 100), 0) / 100;
    expect(scored.score.score).toBeCloseTo(sum, 10);
    // Three facts with anchor 60 at full weight (nothing has fired often yet): 180 points.
    expect(scored.score.contributions.filter((c) => c.indicatorId === 'activity-after-termination').map((c) => c.value)).toEqual([60, 60, 60]);
    expect(scored.score.score).toBeGreaterThanOrEqual(180);

    const risk = out.users.get('tom')!;
    expect(risk.previous).toBe(0);
    expect(risk.risk.score).toBeGreaterThan(75);
    expect(risk.risk.level).toBe('CRITICAL');
    expect(out.raise.map((a) => a.kind).sort()).toEqual(['session', 'user']);
    expect(out.raise.every((a) => a.alert.user === 'tom')).toBe(true);
    expect(out.wouldRaise).toEqual([]);
  });

  it('raises nothing in learning mode but says what enforcement would have raised', () => {
    const out = analyseBatch(input(afterTermination(), { settings: { ...DEFAULT_ANALYSIS_SETTINGS, mode: 'learning' } }));
    expect(out.findings.length).toBeGreaterThanOrEqual(3);
    expect(out.findings.every((f) => f.learning)).toBe(true);
    expect(out.sessions.get(SESSION)!.score.score).toBe(0);
    expect(out.sessions.get(SESSION)!.shadowScore).toBeGreaterThanOrEqual(180);
    expect(out.raise).toEqual([]);
    expect(out.wouldRaise.map((a) => a.kind)).toContain('session');
  });

  it('lets an HR record in the batch take effect for the events after it, not before', () => {
    const events = [
      ev('a1', T + 8 * HOUR, { category: 'authentication', action: 'logon' }),
      ev('hr', T + 8 * HOUR + 1000, { category: 'iam', action: 'hr_update', hr: { userId: 'tom', status: 'TERMINATED', effectiveDate: T, lastDay: T - DAY } }),
      ev('a2', T + 9 * HOUR, { app: 'payroll' }),
    ];
    const base = input(events);
    base.contexts.set('tom', { hr: { status: 'ACTIVE' }, peerGroup: null });
    const out = analyseBatch(base);
    expect(out.findings.filter((f) => f.indicatorId === 'activity-after-termination').map((f) => f.evidence.eventIds[0])).toEqual(['a2']);
  });

  it('evaluates a closed session on its features: a departing employee copying files to USB', () => {
    const notice = { status: 'NOTICE_GIVEN' as const, effectiveDate: T - 3 * DAY, lastDay: T + 10 * DAY };
    const events = [
      ev('u1', T + 10 * HOUR, { category: 'authentication', action: 'logon' }),
      ev('u2', T + 10 * HOUR + 60_000, { category: 'host', action: 'usb_connect' }),
      ...Array.from({ length: 5 }, (_, i) => ev(`f${i}`, T + 10 * HOUR + (2 + i) * 60_000, { category: 'file', action: 'file_copy', filePath: `E:/x${i}.xlsx`, fileSize: 5_000_000 })),
      ev('u9', T + 11 * HOUR, { category: 'authentication', action: 'logoff' }),
    ];
    const base = input(events, { sessions: [session('CLOSED', events[0]!.ts, events.at(-1)!.ts, events.length)] });
    base.contexts.set('tom', { hr: notice, peerGroup: null });
    const out = analyseBatch(base);
    const departing = out.findings.filter((f) => f.indicatorId === 'departing-employee-activity');
    expect(departing).toHaveLength(1);
    expect(departing[0]!.sessionId).toBe(SESSION);
    expect(out.closedSessions).toEqual([{ user: 'tom', sessionId: SESSION, indicatorIds: expect.arrayContaining(['departing-employee-activity']) }]);
    // The closed session's features were learnt and removed from the open ones.
    const tom = base.users.get('tom')!;
    expect(tom.profile.open).toEqual([]);
    expect(tom.profile.sessions).toBe(1);
    expect(tom.openFindings.has(SESSION)).toBe(false);
  });

  it('re-clusters a user\'s numeric baselines when a session closes, at most once a day of data', () => {
    const day = (d: number, id: string) => {
      const events = [ev(`${id}-in`, T + d * DAY + 9 * HOUR, { category: 'authentication', action: 'logon' }), ev(`${id}-out`, T + d * DAY + 17 * HOUR, { category: 'authentication', action: 'logoff' })];
      return { events, sessions: [{ ...session('CLOSED', events[0]!.ts, events[1]!.ts, 2), id }] };
    };
    const first = day(0, 'd0');
    const base = input(first.events, { sessions: first.sessions, eventSessions: new Map(first.events.map((e) => [e.id, 'd0'])) });
    base.contexts.set('tom', { hr: null, peerGroup: null });
    analyseBatch(base);
    const tom = base.users.get('tom')!;
    expect(tom.profile.reclusteredAt).toBe(T + 17 * HOUR);
    const later = day(0.1, 'd0b');
    analyseBatch({ ...base, events: later.events, sessions: later.sessions, eventSessions: new Map(later.events.map((e) => [e.id, 'd0b'])) });
    expect(tom.profile.reclusteredAt).toBe(T + 17 * HOUR);
    const next = day(1, 'd1');
    analyseBatch({ ...base, events: next.events, sessions: next.sessions, eventSessions: new Map(next.events.map((e) => [e.id, 'd1'])) });
    expect(tom.profile.reclusteredAt).toBe(T + DAY + 17 * HOUR);
  });

  it('finds a burst of remote logons to hosts new to a user with a mature baseline, and none for a newcomer', () => {
    const history: NormalizedEvent[] = [];
    const sessions: AnalysedSession[] = [];
    const eventSessions = new Map<string, string>();
    for (let d = 0; d < 16; d++) {
      const id = `h${d}`;
      const day = T - 20 * DAY + d * DAY;
      const events = [
        ev(`${id}-in`, day + 9 * HOUR, { category: 'authentication', action: 'logon' }),
        ...Array.from({ length: 14 }, (_, i) => ev(`${id}-${i}`, day + 10 * HOUR + i * 60_000, { asset: `FIN-${i % 3}` })),
        ev(`${id}-out`, day + 17 * HOUR, { category: 'authentication', action: 'logoff' }),
      ];
      history.push(...events);
      for (const e of events) eventSessions.set(e.id, id);
      sessions.push({ ...session('CLOSED', events[0]!.ts, events.at(-1)!.ts, events.length), id });
    }
    const burst = [
      ev('b-in', T + 9 * HOUR, { category: 'authentication', action: 'logon' }),
      ...Array.from({ length: 9 }, (_, i) => ev(`b-${i}`, T + 9 * HOUR + (1 + i) * 20_000, { action: 'remote_logon', asset: `SRV-${i}`, outcome: i % 3 === 0 ? 'failure' : 'success' })),
      ev('b-out', T + 10 * HOUR, { category: 'authentication', action: 'logoff' }),
    ];
    const burstSession = { ...session('CLOSED', burst[0]!.ts, burst.at(-1)!.ts, burst.length), id: 'burst' };
    const burstInput = (base: BatchAnalysisInput) => ({ ...base, events: burst, eventSessions: new Map(burst.map((e) => [e.id, 'burst'])), sessions: [burstSession] });

    const mature = input(history, { sessions, eventSessions });
    mature.contexts.set('tom', { hr: null, peerGroup: null });
    analyseBatch(mature);
    const found = analyseBatch(burstInput(mature)).findings.filter((f) => f.indicatorId === 'novel-asset-burst');
    expect(found).toHaveLength(1);
    expect(found[0]!.learning).toBe(false);
    expect(found[0]!.evidence.facts).toMatchObject({ novel: 9, distinctAssets: 9 });

    const newcomer = input(burst, {});
    newcomer.contexts.set('tom', { hr: null, peerGroup: null });
    expect(analyseBatch(burstInput(newcomer)).findings.filter((f) => f.indicatorId === 'novel-asset-burst')).toEqual([]);
  });

  it('is deterministic: the same state and batch give the same findings, scores and risk', () => {
    const first = input(afterTermination());
    const again = { ...first, users: new Map([...first.users].map(([u, s]) => [u, cloneUserAnalysis(s)])), contexts: new Map(first.contexts), seenSources: new Set(first.seenSources) };
    const a = analyseBatch(first);
    const b = analyseBatch(again);
    expect(b.findings).toEqual(a.findings);
    expect([...b.sessions]).toEqual([...a.sessions]);
    expect([...b.users]).toEqual([...a.users]);
  });

  it('rescores an open session as later batches add findings, keeping earlier ones', () => {
    const first = input(afterTermination().slice(0, 1));
    analyseBatch(first);
    const tom = first.users.get('tom')!;
    expect(tom.openFindings.get(SESSION)).toHaveLength(1);
    const second = input(afterTermination().slice(1), { users: first.users });
    const out = analyseBatch(second);
    expect(out.sessions.get(SESSION)!.anomalyCount).toBe(3);
    expect(out.users.get('tom')!.previous).toBeGreaterThan(0);
  });

  it('calibrates by watchlist and by the criticality of the asset a finding concerns', () => {
    const watched = input(afterTermination());
    watched.contexts.set('tom', { ...watched.contexts.get('tom')!, watchlisted: true });
    const out = analyseBatch(watched);
    const facts = out.sessions.get(SESSION)!.score.contributions.filter((c) => c.indicatorId === 'activity-after-termination');
    expect(facts.map((c) => c.value)).toEqual([90, 90, 90]);
    expect(facts[0]!.weights.calibration.map((c) => c.name)).toContain('watchlist');

    const group = { groupId: 'g1', name: 'finance', kind: 'behaviour' as const, degree: 0.8, size: 12, accessedBy: new Map<string, number>(), features: {} };
    const rated = input(afterTermination(), { assetCriticality: new Map([['HR-DB-01', 3]]) });
    rated.contexts.set('tom', { hr: null, peerGroup: group });
    const peer = analyseBatch(rated).sessions.get(SESSION)!.score.contributions.find((c) => c.indicatorId === 'peer-unseen-asset')!;
    expect(peer.weights.calibration.map((c) => [c.name, c.value])).toEqual([
      ['peer-membership', 0.8],
      ['asset-criticality', 3],
    ]);
    expect(peer.value).toBeCloseTo(peer.weights.anchor * 0.8 * 3 * peer.weights.downWeight, 2);
  });

  it('respects the alert thresholds it is given', () => {
    const out = analyseBatch(input(afterTermination().slice(0, 1), { alerts: { ...DEFAULT_ALERT_CONFIG, sessionThreshold: 1000, userThreshold: 100 } }));
    expect(out.sessions.get(SESSION)!.score.score).toBe(60);
    expect(out.raise).toEqual([]);
  });
});

describe('binomialUpperTail', () => {
  it('matches exact binomial tails', async () => {
    const { binomialUpperTail } = await import('../../../src/analytics/indicators/lateral-movement.indicator.ts');
    expect(binomialUpperTail(0, 5, 0.3)).toBe(1);
    expect(binomialUpperTail(6, 5, 0.3)).toBe(0);
    expect(binomialUpperTail(1, 1, 0.5)).toBeCloseTo(0.5, 12);
    expect(binomialUpperTail(3, 3, 0.5)).toBeCloseTo(0.125, 12);
    expect(binomialUpperTail(2, 4, 0.5)).toBeCloseTo(11 / 16, 12);
    expect(binomialUpperTail(16, 59, 0.03)).toBeLessThan(1e-8);
  });
});

describe('HR-triggered indicators', () => {
  it('scores the HR record that reveals a departure on the session it belongs to', () => {
    // tom works 09–17 on weekdays for 80 days, then on four nights of the last three weeks.
    const learnt: NormalizedEvent[] = [];
    const start = T - 90 * DAY;
    for (let d = 0; d < 88; d++) {
      const day = start + d * DAY;
      const dow = (new Date(day).getUTCDay() + 6) % 7;
      if (dow < 5) {
        learnt.push(ev(`l${d}`, day + 9 * HOUR, { category: 'authentication', action: 'logon' }));
        learnt.push(ev(`o${d}`, day + 17 * HOUR, { category: 'authentication', action: 'logoff' }));
      }
      if ([70, 74, 78, 83].includes(d)) learnt.push(ev(`n${d}`, day + 22 * HOUR, { category: 'authentication', action: 'logon' }));
    }
    // The weeks are learnt while tom is active: no departure, no finding.
    const state = emptyUserAnalysis(createUserProfile('tom'));
    const active = new Map<string, UserContext>([['tom', { hr: { status: 'ACTIVE' }, peerGroup: null }]]);
    const first = analyseBatch(input(learnt, { users: new Map([['tom', state]]), eventSessions: new Map(), sessions: [], contexts: active }));
    expect(first.findings.filter((f) => f.indicatorId === 'pre-departure-rise')).toEqual([]);
    // Then the HR record arrives, in a batch of its own, after the activity.
    const users = new Map([['tom', state]]);
    const hr: NormalizedEvent = {
      id: 'hr-1',
      ts: T,
      category: 'iam',
      action: 'hr_update',
      outcome: 'unknown',
      user: 'tom',
      hr: { userId: 'tom', status: 'TERMINATED', effectiveDate: T + 10 * DAY },
    };
    const out = analyseBatch(
      input([hr], {
        users,
        eventSessions: new Map([['hr-1', 'sess-hr']]),
        sessions: [{ id: 'sess-hr', user: 'tom', start: T, lastTs: T, end: null, eventCount: 1, failures: 0, status: 'OPEN' }],
        contexts: new Map([['tom', { hr: { status: 'ACTIVE' }, peerGroup: null }]]),
      }),
    );
    const rise = out.findings.filter((f) => f.indicatorId === 'pre-departure-rise');
    expect(rise).toHaveLength(1);
    expect(rise[0]!.sessionId).toBe('sess-hr');
    expect(rise[0]!.evidence.eventIds).toEqual(['hr-1']);
    expect(rise[0]!.reason).toContain('HR now shows departing (TERMINATED');
    expect(out.sessions.get('sess-hr')!.score.contributions.map((c) => c.indicatorId)).toContain('pre-departure-rise');
  });

  it('adds the departure prior as its own contribution, with the departure date in its evidence', () => {
    // tom at work 09–17 on the weekdays of the last 60 days, then HR shows him terminated.
    const state = emptyUserAnalysis(createUserProfile('tom'));
    const learnt: NormalizedEvent[] = [];
    for (let d = 60; d >= 1; d--) {
      const day = T - d * DAY;
      if ((new Date(day).getUTCDay() + 6) % 7 >= 5) continue;
      learnt.push(ev(`l${d}`, day + 9 * HOUR, { category: 'authentication', action: 'logon' }));
      learnt.push(ev(`o${d}`, day + 17 * HOUR, { category: 'authentication', action: 'logoff' }));
    }
    const active = new Map<string, UserContext>([['tom', { hr: { status: 'ACTIVE' }, peerGroup: null }]]);
    const first = analyseBatch(input(learnt, { users: new Map([['tom', state]]), eventSessions: new Map(), sessions: [], contexts: active }));
    expect(first.findings.filter((f) => f.indicatorId === 'departure-window')).toEqual([]);
    const departure = T + 10 * DAY;
    const hr: NormalizedEvent = { id: 'hr-1', ts: T, category: 'iam', action: 'hr_update', outcome: 'unknown', user: 'tom', hr: { userId: 'tom', status: 'TERMINATED', effectiveDate: departure } };
    const out = analyseBatch(
      input([hr], {
        users: new Map([['tom', state]]),
        eventSessions: new Map([['hr-1', 'sess-hr']]),
        sessions: [{ id: 'sess-hr', user: 'tom', start: T, lastTs: T, end: null, eventCount: 1, failures: 0, status: 'OPEN' }],
        contexts: active,
      }),
    );
    const score = out.sessions.get('sess-hr')!.score;
    // An ordinary routine before the departure: the prior alone, 10 points, no rise, no alert.
    expect(score.contributions.map((c) => c.indicatorId)).toEqual(['departure-window']);
    const prior = score.contributions[0]!;
    expect(prior.value).toBe(10);
    expect(prior.eventIds).toEqual(['hr-1']);
    expect(prior.evidence).toMatchObject({ facts: { departure, activeDays: expect.any(Number) } });
    expect(prior.reason).toContain(new Date(departure).toISOString().slice(0, 10));
    expect(score.score).toBe(10);
    expect(out.raise).toEqual([]);
  });
});
