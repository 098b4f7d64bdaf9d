/**
 * Day-level activity: when a user starts work, on which days, how many devices they reach in a
 * day and whether they use removable media, kept as counts of *days* rather than of events, so
 * that one busy colleague-of-a-kind day weighs as much as one quiet day and a noisy burst of
 * events cannot dilute a rare hour.
 *
 * - `hourDays[h]`: active days on which the user was at work in local hour h — the hour of
 *   any event, and every hour between an event and the next one of the day unless the first
 *   was a logoff (so a 09:00 logon and a 17:00 logoff cover 09–17); `activeDays` and
 *   `weekendDays` count the days folded in. When `activeDays` exceeds MAX_ACTIVE_DAYS every
 *   count is halved (a step-wise forgetting with a memory of roughly 120–240 active days).
 * - `current`: the day in progress (local calendar day in the profile's time zone): its start
 *   hours (a 24-bit mask), the start hours that were outside the user's own hours when they
 *   happened, the distinct devices reached, the removable-media events.
 * - `history`: one summary per past active day, newest last, at most MAX_HISTORY_DAYS.
 *
 * A day is folded into the counts and the history when the first event of a later day arrives.
 * Indicators read the profile before it learns the event; `activityAt` gives the state as of
 * an event's day (the current day folded in when the event starts a new day), without changing
 * the profile.
 *
 * Own hours: an hour h is outside the user's own hours when its band (h − 1, h, h + 1) holds
 * few of their active days: (k + 0.1) / (n + 1) ≤ OWN_HOURS_ALPHA, judged only once
 * MIN_DAYS_FOR_HOURS active days are known (before, nothing is outside).
 */
import { DAY_MS, HOUR_MS } from './forward-decay.ts';

export const MAX_ACTIVE_DAYS = 240;
export const MAX_HISTORY_DAYS = 120;
export const MAX_DAY_HOSTS = 64;
export const OWN_HOURS_ALPHA = 0.05;
export const MIN_DAYS_FOR_HOURS = 15;
/** Pseudo-count in (k + 0.1) / (n + 1): a band never seen in n days has p = 0.1 / (n + 1). */
export const BAND_PRIOR = 0.1;

/** One past active day: [day number (local), starts, off-own-hours start hours, distinct devices, removable-media events, weekend (0/1)]. */
export type DaySummary = [day: number, starts: number, offHours: number, hosts: number, usb: number, weekend: number];

export interface ActivityDay {
  /** Local day number: ⌊(ts + offset) / day⌋. */
  day: number;
  starts: number;
  /** Bit h set when a session started in local hour h. */
  startMask: number;
  /** Bit h set when the user was at work in local hour h (see the header). */
  activeMask: number;
  /** The day's latest event, epoch ms, and whether it left a session open (was not a logoff). */
  lastTs: number;
  open: boolean;
  /** Bit h set when a start in hour h was outside the user's own hours at the time. */
  offMask: number;
  hosts: string[];
  usb: number;
}

export interface ActivityProfile {
  hourDays: number[];
  activeDays: number;
  weekendDays: number;
  current: ActivityDay | null;
  history: DaySummary[];
}

export function createActivity(): ActivityProfile {
  return { hourDays: new Array<number>(24).fill(0), activeDays: 0, weekendDays: 0, current: null, history: [] };
}

export function localDay(ts: number, tzOffsetMinutes: number): number {
  return Math.floor((ts + tzOffsetMinutes * 60_000) / DAY_MS);
}

export function localHour(ts: number, tzOffsetMinutes: number): number {
  const local = ts + tzOffsetMinutes * 60_000;
  return Math.floor((((local % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS);
}

/** Saturday or Sunday (day 0 = 1970-01-01, a Thursday). */
export function isWeekend(day: number): boolean {
  const dow = (((day + 3) % 7) + 7) % 7; // 0 = Monday
  return dow >= 5;
}

function popcount(mask: number): number {
  let n = 0;
  for (let m = mask; m !== 0; m &= m - 1) n++;
  return n;
}

/** Days in the band h − 1 … h + 1 (circular). */
export function bandDays(hourDays: readonly number[], hour: number): number {
  return hourDays[(hour + 23) % 24]! + hourDays[hour]! + hourDays[(hour + 1) % 24]!;
}

/** The p-value of a start in `hour`: (k + 0.1) / (n + 1) over the start-hour band. */
export function bandPValue(hourDays: readonly number[], activeDays: number, hour: number): number {
  return (bandDays(hourDays, hour) + BAND_PRIOR) / (activeDays + 1);
}

/** Whether `hour` is outside the user's own hours (see the header). */
export function outsideOwnHours(hourDays: readonly number[], activeDays: number, hour: number): boolean {
  return activeDays >= MIN_DAYS_FOR_HOURS && bandPValue(hourDays, activeDays, hour) <= OWN_HOURS_ALPHA;
}

/** The p-value of a weekend day: (w + 0.1) / (n + 1). */
export function weekendPValue(weekendDays: number, activeDays: number): number {
  return (weekendDays + BAND_PRIOR) / (activeDays + 1);
}

/** Whether the user rarely works weekends, so that a weekend day is outside their pattern. */
export function weekendIsOff(view: { activeDays: number; weekendDays: number }): boolean {
  return view.activeDays >= MIN_DAYS_FOR_HOURS && weekendPValue(view.weekendDays, view.activeDays) <= OWN_HOURS_ALPHA;
}

/** A day as the history keeps it. */
export function summariseDay(d: ActivityDay): DaySummary {
  return [d.day, d.starts, popcount(d.offMask), d.hosts.length, d.usb, isWeekend(d.day) ? 1 : 0];
}

/** The state as of `day`: the counts and history with the current day folded in when it is older. */
export interface ActivityView {
  hourDays: readonly number[];
  activeDays: number;
  weekendDays: number;
  history: readonly DaySummary[];
  /** Today so far (empty when nothing happened yet today). */
  today: ActivityDay;
}

export function activityAt(a: ActivityProfile, ts: number, tzOffsetMinutes: number): ActivityView {
  const day = localDay(ts, tzOffsetMinutes);
  const c = a.current;
  if (c !== null && c.day === day) return { hourDays: a.hourDays, activeDays: a.activeDays, weekendDays: a.weekendDays, history: a.history, today: c };
  const empty: ActivityDay = { day, starts: 0, startMask: 0, activeMask: 0, lastTs: ts, open: false, offMask: 0, hosts: [], usb: 0 };
  if (c === null || c.day > day) return { hourDays: a.hourDays, activeDays: a.activeDays, weekendDays: a.weekendDays, history: a.history, today: empty };
  const folded = createActivity();
  folded.hourDays = [...a.hourDays];
  folded.activeDays = a.activeDays;
  folded.weekendDays = a.weekendDays;
  folded.history = [...a.history];
  folded.current = c;
  fold(folded);
  return { hourDays: folded.hourDays, activeDays: folded.activeDays, weekendDays: folded.weekendDays, history: folded.history, today: empty };
}

function fold(a: ActivityProfile): void {
  const c = a.current;
  if (c === null) return;
  for (let h = 0; h < 24; h++) if ((c.activeMask & (1 << h)) !== 0) a.hourDays[h]! += 1;
  a.activeDays += 1;
  if (isWeekend(c.day)) a.weekendDays += 1;
  if (a.activeDays > MAX_ACTIVE_DAYS) {
    for (let h = 0; h < 24; h++) a.hourDays[h]! /= 2;
    a.activeDays /= 2;
    a.weekendDays /= 2;
  }
  a.history.push(summariseDay(c));
  if (a.history.length > MAX_HISTORY_DAYS) a.history.shift();
  a.current = null;
}

export interface ActivityObservation {
  ts: number;
  tzOffsetMinutes: number;
  /** The event starts a session (a logon, or a session's first event). */
  start: boolean;
  host?: string | undefined;
  /** A removable-media event (device connect, copy to removable media). */
  usb: boolean;
  /** The event ends a session (a logoff): the hours after it are not at work. */
  logoff?: boolean;
}

/** Learns one behaviour event. Events older than the current day change only nothing (late data). */
export function observeActivity(a: ActivityProfile, o: ActivityObservation): void {
  const day = localDay(o.ts, o.tzOffsetMinutes);
  if (a.current !== null && a.current.day > day) return;
  if (a.current !== null && a.current.day < day) fold(a);
  if (a.current === null) a.current = { day, starts: 0, startMask: 0, activeMask: 0, lastTs: o.ts, open: false, offMask: 0, hosts: [], usb: 0 };
  const c = a.current;
  const hourNow = localHour(o.ts, o.tzOffsetMinutes);
  if (c.open && o.ts >= c.lastTs) for (let h = localHour(c.lastTs, o.tzOffsetMinutes); h < hourNow; h++) c.activeMask |= 1 << h;
  c.activeMask |= 1 << hourNow;
  if (o.ts >= c.lastTs) {
    c.lastTs = o.ts;
    c.open = o.logoff !== true;
  }
  if (o.start) {
    const hour = localHour(o.ts, o.tzOffsetMinutes);
    c.starts += 1;
    c.startMask |= 1 << hour;
    if (outsideOwnHours(a.hourDays, a.activeDays, hour)) c.offMask |= 1 << hour;
    c.open = true;
  }
  if (o.host !== undefined && !c.hosts.includes(o.host) && c.hosts.length < MAX_DAY_HOSTS) c.hosts.push(o.host);
  if (o.usb) c.usb += 1;
}

/** Moves the start-hour bins when the time zone changes (whole hours), as shiftTemporal does. */
export function shiftActivity(a: ActivityProfile, deltaMinutes: number): void {
  const shift = Math.round(deltaMinutes / 60);
  if (shift % 24 === 0) return;
  const old = [...a.hourDays];
  for (let h = 0; h < 24; h++) a.hourDays[(((h + shift) % 24) + 24) % 24] = old[h]!;
}

/** Whether a day of the history was outside the user's pattern: an off-own-hours start, or (when flagged) a weekend. */
export function offPattern(d: DaySummary, weekendIsOff: boolean): boolean {
  return d[2] > 0 || (weekendIsOff && d[5] === 1);
}

/** Upper tail of a binomial: P(X ≥ x) for X ~ Bin(n, p), summed over the upper terms (exact for small p). */
export function binomialTail(x: number, n: number, p: number): number {
  if (x <= 0) return 1;
  if (x > n || p <= 0) return 0;
  if (p >= 1) return 1;
  let logC = 0; // ln C(n, k)
  let sum = 0;
  for (let k = 0; k <= n; k++) {
    if (k > 0) logC += Math.log((n - k + 1) / k);
    if (k >= x) sum += Math.exp(logC + k * Math.log(p) + (n - k) * Math.log(1 - p));
  }
  return Math.min(1, sum);
}
