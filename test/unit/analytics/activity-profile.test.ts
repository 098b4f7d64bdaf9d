import { describe, expect, it } from 'vitest';
import {
  activityAt,
  bandPValue,
  binomialTail,
  createActivity,
  isWeekend,
  localDay,
  MAX_HISTORY_DAYS,
  observeActivity,
  outsideOwnHours,
  weekendPValue,
} from '../../../src/analytics/profiles/activity.profile.ts';
import { deserialize, serialize } from '../../../src/analytics/profiles/profile.codec.ts';
import { createUserProfile, observeEvent, scaleAt, setTimeZone } from '../../../src/analytics/profiles/user-profile.ts';
import { noveltyProbability } from '../../../src/analytics/profiles/categorical.profile.ts';
import { evaluateEvent } from '../../../src/analytics/indicators/evaluate.ts';
import { afterHoursOnset } from '../../../src/analytics/indicators/time.indicator.ts';
import { DAY, event, eventContext, HOUR, T0 } from './fixtures.ts';

const logon = (ts: number, host = 'WS-1') => event({ ts, category: 'authentication', action: 'logon', host });

describe('day-level activity', () => {
  it('counts days, not events, per start hour, and folds a day when the next one begins', () => {
    const a = createActivity();
    // Day 0: three logons in hour 9, one in hour 14; day 1: one in hour 9.
    for (const m of [0, 10, 20]) observeActivity(a, { ts: T0 + 9 * HOUR + m * 60_000, tzOffsetMinutes: 0, start: true, host: 'WS-1', usb: false });
    observeActivity(a, { ts: T0 + 14 * HOUR, tzOffsetMinutes: 0, start: true, host: 'WS-2', usb: true });
    expect(a.activeDays).toBe(0);
    observeActivity(a, { ts: T0 + DAY + 9 * HOUR, tzOffsetMinutes: 0, start: true, host: 'WS-1', usb: false });
    expect(a.activeDays).toBe(1);
    expect(a.hourDays[9]).toBe(1);
    expect(a.hourDays[14]).toBe(1);
    expect(a.history).toEqual([[localDay(T0, 0), 4, 0, 2, 1, 0]]);
    // The view folds the current day in without changing the profile.
    const view = activityAt(a, T0 + 2 * DAY, 0);
    expect(view.activeDays).toBe(2);
    expect(view.hourDays[9]).toBe(2);
    expect(a.activeDays).toBe(1);
  });

  it('judges own hours by (k + 0.1) / (n + 1) over the ±1 h band', () => {
    const days = new Array<number>(24).fill(0);
    days[9] = 40;
    days[22] = 1;
    expect(bandPValue(days, 40, 9)).toBeCloseTo(40.1 / 41, 12);
    expect(bandPValue(days, 40, 3)).toBeCloseTo(0.1 / 41, 12);
    expect(bandPValue(days, 40, 23)).toBeCloseTo(1.1 / 41, 12);
    expect(outsideOwnHours(days, 40, 3)).toBe(true);
    expect(outsideOwnHours(days, 40, 10)).toBe(false);
    // Too few days known: nothing is outside.
    expect(outsideOwnHours(days, 10, 3)).toBe(false);
    expect(weekendPValue(0, 49)).toBeCloseTo(0.002, 12);
  });

  it('computes exact binomial upper tails', () => {
    expect(binomialTail(0, 10, 0.3)).toBe(1);
    expect(binomialTail(11, 10, 0.3)).toBe(0);
    expect(binomialTail(1, 10, 0.1)).toBeCloseTo(1 - 0.9 ** 10, 12);
    // P(X ≥ 2), X ~ Bin(5, 0.5) = 1 − (1 + 5) / 32
    expect(binomialTail(2, 5, 0.5)).toBeCloseTo(26 / 32, 12);
    // Tiny tails keep their precision: P(X ≥ 3), X ~ Bin(3, 1e-4) = 1e-12
    expect(binomialTail(3, 3, 1e-4)).toBeCloseTo(1e-12, 20);
  });

  it('knows weekends (1970-01-03 was a Saturday)', () => {
    expect(isWeekend(2)).toBe(true);
    expect(isWeekend(3)).toBe(true);
    expect(isWeekend(4)).toBe(false);
  });

  it('keeps at most MAX_HISTORY_DAYS days and survives the codec, time zone moves included', () => {
    const p = createUserProfile('u');
    for (let d = 0; d < MAX_HISTORY_DAYS + 10; d++) observeEvent(p, logon(T0 + d * DAY + 9 * HOUR));
    expect(p.activity.history).toHaveLength(MAX_HISTORY_DAYS);
    setTimeZone(p, 120, 'hr');
    expect(p.activity.hourDays[11]).toBe(MAX_HISTORY_DAYS + 9);
    const back = deserialize(JSON.parse(JSON.stringify(serialize(p))));
    expect(back.activity).toEqual(p.activity);
    // An old checkpoint without the field reads as an empty activity.
    const old = serialize(p) as unknown as Record<string, unknown>;
    delete old['activity'];
    expect(deserialize(old).activity.activeDays).toBe(0);
  });
});

describe('after-hours onset, known answer', () => {
  it('gives the binomial tail of the window against the earlier days', () => {
    const p = createUserProfile('alice');
    // 50 weekdays at 09:00 (days −30 … 41 from T0; −30 and −29 are a weekend), then nights at 22:00 on days 38 and 39.
    const all = [];
    for (let d = -30; d <= 41; d++) if ((((d % 7) + 7) % 7) < 5) all.push(logon(T0 + d * DAY + 9 * HOUR));
    all.push(logon(T0 + 38 * DAY + 22 * HOUR), logon(T0 + 39 * DAY + 22 * HOUR));
    all.sort((a, b) => a.ts - b.ts);
    for (const e of all) observeEvent(p, e);
    const at = T0 + 42 * DAY + 3 * HOUR; // Monday 03:00
    const findings = evaluateEvent(eventContext(logon(at), { profile: p }), [afterHoursOnset]);
    expect(findings).toHaveLength(1);
    const b = findings[0]!.evidence.baseline as { activeDays: number; baselineDays: number; windowDays: number; windowHits: number };
    // The window is days 29 … 42: 9 weekdays before today, today included 10; earlier 50 − 9 = 41 weekdays.
    expect(b).toMatchObject({ windowDays: 10, windowHits: 3, activeDays: 41, baselineDays: 0 });
    expect(findings[0]!.evidence.test).toMatchObject({ kind: 'p-value' });
    const expected = binomialTail(3, 10, 0.5 / 42);
    expect((findings[0]!.evidence.test as { pValue: number }).pValue).toBeCloseTo(expected, 6);
    expect(findings[0]!.reason).toContain('outside their own hours');
  });
});

describe("other-users-device outside the user's own hours", () => {
  it("combines the device's and the hour's p-values by Fisher's method", async () => {
    const { fisher, otherUsersDevice } = await import('../../../src/analytics/indicators/access.indicator.ts');
    expect(fisher(0.2, 0.001)).toBeCloseTo(0.0002 * (1 - Math.log(0.0002)), 12);
    expect(fisher(1, 1)).toBe(1);
    // An administrator reaching a new machine every weekday at 11:00, at work 09–17: a new
    // device is no surprise for them (novelty ≈ 0.3), but one at 21:00, a band none of their
    // days holds, is.
    const p = createUserProfile('alice');
    for (let d = -10; d <= 41; d++) {
      if ((((d % 7) + 7) % 7) >= 5) continue;
      observeEvent(p, logon(T0 + d * DAY + 9 * HOUR));
      if (d >= 6) observeEvent(p, logon(T0 + d * DAY + 11 * HOUR, `SRV-${d}`));
      observeEvent(p, event({ ts: T0 + d * DAY + 17 * HOUR, category: 'authentication', action: 'logoff', host: 'WS-1' }));
    }
    const owners = new Map([['WS-BOB', { owner: 'bob', ownerCount: 380, total: 400, users: 3 }]]);
    const at = (h: number) => evaluateEvent(eventContext(logon(T0 + 42 * DAY + h * HOUR, 'WS-BOB'), { profile: p, deviceOwners: owners }), [otherUsersDevice]);
    expect(at(14)).toEqual([]);
    const [night] = at(21);
    expect(night).toBeDefined();
    const facts = night!.evidence.facts;
    expect(facts['offHours']).toBe(true);
    // Monday's view folds Friday in: n = activeDays + 1 days, none at work 20:00–22:59.
    expect(facts['hourP']).toBeCloseTo(0.1 / (p.activity.activeDays + 2), 6);
    expect((night!.evidence.test as { pValue: number }).pValue).toBeCloseTo(fisher(facts['deviceP'] as number, facts['hourP'] as number), 3);
    expect(night!.reason).toContain("Fisher's method");
    // Their own manager's workstation, in hours: the administrator's novelty rate does not excuse it.
    const [manager] = evaluateEvent(
      eventContext(logon(T0 + 42 * DAY + 14 * HOUR, 'WS-BOB'), { profile: p, deviceOwners: owners, hr: { status: 'ACTIVE', manager: 'bob' } }),
      [otherUsersDevice],
    );
    expect(manager).toBeDefined();
    expect(manager!.evidence.facts['ownersRole']).toBe('manager');
    expect(manager!.reason).toContain('belongs to bob — their own manager —');
  });
});

describe('hours at work', () => {
  it('covers the hours between a logon and the next event, not those after a logoff', () => {
    const a = createActivity();
    const at = (h: number, m = 0) => T0 + h * HOUR + m * 60_000;
    observeActivity(a, { ts: at(9, 5), tzOffsetMinutes: 0, start: true, usb: false });
    observeActivity(a, { ts: at(12, 30), tzOffsetMinutes: 0, start: false, usb: false, logoff: true });
    observeActivity(a, { ts: at(20, 10), tzOffsetMinutes: 0, start: true, usb: false });
    observeActivity(a, { ts: at(21, 0), tzOffsetMinutes: 0, start: false, usb: false, logoff: true });
    const hours = [...Array(24).keys()].filter((h) => (a.current!.activeMask & (1 << h)) !== 0);
    expect(hours).toEqual([9, 10, 11, 12, 20, 21]);
  });
});

describe('population-informed place prior', () => {
  it("scales the user's novelty rate by how common the place is", async () => {
    const { newCountry } = await import('../../../src/analytics/indicators/location.indicator.ts');
    const p = createUserProfile('alice');
    for (let i = 0; i < 3; i++) observeEvent(p, event({ ts: T0 + i * HOUR, category: 'authentication', action: 'logon', country: 'GB' }));
    const population = { users: 200, countries: new Map([['GB', 195], ['FR', 60]]), cities: new Map() };
    const from = (country: string, placePopulation: typeof population | null) =>
      evaluateEvent(eventContext(event({ ts: T0 + DAY, category: 'authentication', action: 'logon', country }), { profile: p, placePopulation }), [newCountry]);
    // Beta(1,1): (1 + 1) / (3 + 2) = 0.4 — a new-ish user's new country never fires.
    expect(from('JP', null)).toEqual([]);
    const [jp] = from('JP', population);
    expect(jp).toBeDefined();
    const userP = noveltyProbability(p.categorical.countries, scaleAt(p, T0 + DAY));
    expect(userP).toBeCloseTo(0.4, 2);
    expect((jp!.evidence.test as { pValue: number }).pValue).toBeCloseTo(userP / 201, 12);
    expect(jp!.evidence.facts).toMatchObject({ populationUsers: 200, placeUsers: 0 });
    expect(jp!.reason).toContain('0 of 200 users have been seen in JP');
    // A country 60 of 200 colleagues work from: 0.4 × 61 / 201 = 0.12, no finding.
    expect(from('FR', population)).toEqual([]);
    // Too small a population to inform the prior (under minPopulation = 20 users).
    expect(from('JP', { users: 10, countries: new Map([['GB', 10]]), cities: new Map() })).toEqual([]);
  });
});
