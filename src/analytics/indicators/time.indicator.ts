/**
 * Unusual hour of day and day of week, in the user's own time zone (the profile's offset).
 * Tested when a session starts — a logon, a VPN connection, or the event that opened a session
 * — against the decayed activity of every past event (temporal.profile.ts): the exact p-value
 * of the hour (smoothed over neighbouring hours) or the day under that distribution.
 */
import {
  type ActivityView,
  activityAt,
  bandDays,
  bandPValue,
  binomialTail,
  type DaySummary,
  isWeekend,
  localHour,
  offPattern,
  outsideOwnHours,
  weekendIsOff,
  weekendPValue,
} from '../profiles/activity.profile.ts';
import { DAY_MS } from '../profiles/forward-decay.ts';
import { dayDistribution, hourDistribution, localTime, outcomePValue } from '../profiles/temporal.profile.ts';
import { scaleAt } from '../profiles/user-profile.ts';
import type { EventContext, Resolved } from './context.ts';
import { DAY_NAMES, formatList, formatNumber, formatOffset, formatP } from './format.ts';
import {
  type Baseline,
  defineEventIndicator,
  type Evidence,
  type IndicatorMeta,
  param,
  pValueHolds,
  thresholdOf,
} from './indicator.ts';

export type TemporalEvidence = Evidence<Extract<Baseline, { kind: 'temporal' }>>;

const START_ACTIONS = new Set(['logon', 'remote_logon', 'vpn_connect']);

/** Whether the event starts activity: a successful logon or VPN connection, or a session's first event. */
export function startsActivity(ctx: Resolved<EventContext>): boolean {
  if (ctx.opensSession === true) return true;
  return START_ACTIONS.has(ctx.event.action) && ctx.event.outcome === 'success';
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

export const unusualHour = defineEventIndicator<TemporalEvidence>({
  id: 'unusual-hour',
  family: 'time',
  title: 'Activity at an unusual hour',
  description:
    "A session starts in a local hour of day in which the user is rarely active: exact p-value of the hour under their decayed hour-of-day distribution, smoothed over neighbouring hours (¼, ½, ¼) with a one-observation Dirichlet prior.",
  dataSources: [],
  anchorScore: 10,
  test: { kind: 'p-value', threshold: 0.01 },
  basis: 'user',
  exfiltration: false,
  params: {},
  collect(ctx, self: IndicatorMeta) {
    if (!startsActivity(ctx)) return [];
    const t = ctx.profile.temporal;
    const scale = scaleAt(ctx.profile, ctx.event.ts);
    const { hour } = localTime(ctx.event.ts, ctx.profile.tzOffsetMinutes);
    const dist = hourDistribution(t, scale);
    const local = new Date(ctx.event.ts + ctx.profile.tzOffsetMinutes * 60_000);
    const display = `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}`;
    return [
      {
        observed: { label: 'local time of day', value: hour, display },
        test: { kind: 'p-value', pValue: outcomePValue(dist, hour), threshold: thresholdOf(self) },
        baseline: {
          kind: 'temporal',
          part: 'hour',
          tzOffsetMinutes: ctx.profile.tzOffsetMinutes,
          counts: t.hours.map((w) => round(w * scale)),
          probability: round(dist[hour]!),
          total: round(t.total * scale),
          halfLifeDays: ctx.profile.clock.halfLifeMs / DAY_MS,
        },
        eventIds: [ctx.event.id],
        at: ctx.event.ts,
        facts: { hour },
      },
    ];
  },
  holds: (e) => pValueHolds(e),
  explain(e) {
    const b = e.baseline;
    const hour = e.facts['hour'] as number;
    const p = e.test.kind === 'p-value' ? e.test.pValue : Number.NaN;
    return `activity starting at ${e.observed.display} local time (${formatOffset(b.tzOffsetMinutes)}): ${formatNumber(b.counts[hour] ?? 0)} of ${formatNumber(b.total)} decayed events fell in ${pad(hour)}:00–${pad(hour)}:59; hours this quiet or quieter hold ${formatP(p)} of this user's activity`;
  },
});

export const unusualDay = defineEventIndicator<TemporalEvidence>({
  id: 'unusual-day',
  family: 'time',
  title: 'Activity on an unusual day of the week',
  description:
    'A session starts on a local day of the week on which the user is rarely active: exact p-value of the day under their decayed day-of-week distribution with a one-observation Dirichlet prior.',
  dataSources: [],
  anchorScore: 10,
  test: { kind: 'p-value', threshold: 0.01 },
  basis: 'user',
  exfiltration: false,
  params: {},
  collect(ctx, self: IndicatorMeta) {
    if (!startsActivity(ctx)) return [];
    const t = ctx.profile.temporal;
    const scale = scaleAt(ctx.profile, ctx.event.ts);
    const { day } = localTime(ctx.event.ts, ctx.profile.tzOffsetMinutes);
    const dist = dayDistribution(t, scale);
    return [
      {
        observed: { label: 'local day of week', value: day, display: DAY_NAMES[day]! },
        test: { kind: 'p-value', pValue: outcomePValue(dist, day), threshold: thresholdOf(self) },
        baseline: {
          kind: 'temporal',
          part: 'day',
          tzOffsetMinutes: ctx.profile.tzOffsetMinutes,
          counts: t.days.map((w) => round(w * scale)),
          probability: round(dist[day]!),
          total: round(t.total * scale),
          halfLifeDays: ctx.profile.clock.halfLifeMs / DAY_MS,
        },
        eventIds: [ctx.event.id],
        at: ctx.event.ts,
        facts: { day },
      },
    ];
  },
  holds: (e) => pValueHolds(e),
  explain(e) {
    const b = e.baseline;
    const day = e.facts['day'] as number;
    const p = e.test.kind === 'p-value' ? e.test.pValue : Number.NaN;
    return `activity on a ${e.observed.display} (local, ${formatOffset(b.tzOffsetMinutes)}): ${formatNumber(b.counts[day] ?? 0)} of ${formatNumber(b.total)} decayed events fell on ${e.observed.display}s; days this quiet or quieter hold ${formatP(p)} of this user's activity`;
  },
});

function round(x: number): number {
  return x === 0 ? 0 : Number(x.toPrecision(4));
}

export type DayActivityEvidence = Evidence<Extract<Baseline, { kind: 'day-activity' }>>;

/** Active days in the recent window ending today (history days newer than today − windowDays). */
function splitHistory(history: readonly DaySummary[], today: number, windowDays: number): { window: DaySummary[]; before: DaySummary[] } {
  const from = today - windowDays + 1;
  const window: DaySummary[] = [];
  const before: DaySummary[] = [];
  for (const d of history) (d[0] >= from ? window : before).push(d);
  return { window, before };
}

export const newStartHourBand = defineEventIndicator<DayActivityEvidence>({
  id: 'new-start-hour-band',
  family: 'time',
  title: 'Work in an hour band never worked before',
  description:
    "A session starts in a local hour whose band (the hour before, the hour, the hour after) holds none of the user's active days: p = (k + 0.1) / (n + 1) over their n active days, k the days on which they were at work in the band (an event in it, or a session spanning it; k = 0 here). Once a day per band; judged from minDays active days on.",
  dataSources: [],
  anchorScore: 15,
  test: { kind: 'p-value', threshold: 0.05 },
  basis: 'user',
  exfiltration: false,
  params: { minDays: 20 },
  collect(ctx, self) {
    if (!startsActivity(ctx)) return [];
    const tz = ctx.profile.tzOffsetMinutes;
    const view = activityAt(ctx.profile.activity, ctx.event.ts, tz);
    const hour = localHour(ctx.event.ts, tz);
    const bandMask = (1 << ((hour + 23) % 24)) | (1 << hour) | (1 << ((hour + 1) % 24));
    if ((view.today.startMask & bandMask) !== 0) return [];
    const k = bandDays(view.hourDays, hour);
    const local = new Date(ctx.event.ts + tz * 60_000);
    return [
      {
        observed: { label: 'local start of work', value: hour, display: `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}` },
        test: { kind: 'p-value', pValue: round(bandPValue(view.hourDays, view.activeDays, hour)), threshold: thresholdOf(self) },
        baseline: {
          kind: 'day-activity',
          measure: 'work-hours',
          tzOffsetMinutes: tz,
          activeDays: round(view.activeDays),
          baselineDays: round(k),
          counts: view.hourDays.map(round),
          windowDays: null,
          windowHits: null,
        },
        eventIds: [ctx.event.id],
        at: ctx.event.ts,
        facts: { hour, minDays: param(self, 'minDays') },
      },
    ];
  },
  holds: (e) => pValueHolds(e) && e.baseline.baselineDays < 1 && e.baseline.activeDays >= (e.facts['minDays'] as number),
  explain(e) {
    const b = e.baseline;
    const h = e.facts['hour'] as number;
    const usual = usualHours(b.counts);
    return `work started at ${e.observed.display} local time (${formatOffset(b.tzOffsetMinutes)}): on none of this user's ${formatNumber(b.activeDays)} active days were they at work between ${pad((h + 23) % 24)}:00 and ${pad((h + 1) % 24)}:59 (they usually work ${usual}); ${formatP(e.test.kind === 'p-value' ? e.test.pValue : Number.NaN)}`;
  },
});

export const weekendWork = defineEventIndicator<DayActivityEvidence>({
  id: 'weekend-work',
  family: 'time',
  title: 'Work on a weekend by someone who does not',
  description:
    "The first session of a Saturday or Sunday (local) of a user who rarely works weekends: p = (w + 0.1) / (n + 1), w of their n active days on a weekend. Judged from minDays active days on.",
  dataSources: [],
  anchorScore: 10,
  test: { kind: 'p-value', threshold: 0.05 },
  basis: 'user',
  exfiltration: false,
  params: { minDays: 20 },
  collect(ctx, self) {
    if (!startsActivity(ctx)) return [];
    const tz = ctx.profile.tzOffsetMinutes;
    const view = activityAt(ctx.profile.activity, ctx.event.ts, tz);
    if (!isWeekend(view.today.day) || view.today.starts > 0) return [];
    const { day } = localTime(ctx.event.ts, tz);
    return [
      {
        observed: { label: 'local day of week', value: day, display: DAY_NAMES[day]! },
        test: { kind: 'p-value', pValue: round(weekendPValue(view.weekendDays, view.activeDays)), threshold: thresholdOf(self) },
        baseline: {
          kind: 'day-activity',
          measure: 'weekend-days',
          tzOffsetMinutes: tz,
          activeDays: round(view.activeDays),
          baselineDays: round(view.weekendDays),
          counts: [],
          windowDays: null,
          windowHits: null,
        },
        eventIds: [ctx.event.id],
        at: ctx.event.ts,
        facts: { day, minDays: param(self, 'minDays') },
      },
    ];
  },
  holds: (e) => pValueHolds(e) && e.baseline.activeDays >= (e.facts['minDays'] as number),
  explain(e) {
    const b = e.baseline;
    return `work on a ${e.observed.display} (local, ${formatOffset(b.tzOffsetMinutes)}): ${formatNumber(b.baselineDays)} of this user's ${formatNumber(b.activeDays)} active days were on a weekend; ${formatP(e.test.kind === 'p-value' ? e.test.pValue : Number.NaN)}`;
  },
});

/**
 * Whether the event's day is outside the user's pattern: the start is outside their own hours,
 * or it is a weekend and they rarely work weekends.
 */
function offPatternStart(view: ActivityView, hour: number): { offHours: boolean; weekend: boolean; weekendIsOff: boolean } {
  return { offHours: outsideOwnHours(view.hourDays, view.activeDays, hour), weekend: isWeekend(view.today.day), weekendIsOff: weekendIsOff(view) };
}

export const afterHoursOnset = defineEventIndicator<DayActivityEvidence>({
  id: 'after-hours-onset',
  family: 'time',
  title: 'Onset of after-hours or weekend work',
  description:
    "A user who rarely works outside their own hours starts doing it repeatedly: the days with a start outside their own hours (an hour band in which they were at work on at most 5 % of their active days) or on a weekend they do not work, counted over the last windowDays, against their rate on the earlier days — binomial upper tail, Bin(window active days, (earlier off-pattern days + 0.5) / (earlier active days + 1)). Tested at the first off-pattern start of a day; needs minDays earlier active days and at least minOffDays off-pattern days in the window.",
  dataSources: [],
  anchorScore: 30,
  test: { kind: 'p-value', threshold: 0.01 },
  basis: 'user',
  exfiltration: false,
  params: { windowDays: 14, minDays: 20, minOffDays: 2 },
  collect(ctx, self) {
    if (!startsActivity(ctx)) return [];
    const tz = ctx.profile.tzOffsetMinutes;
    const view = activityAt(ctx.profile.activity, ctx.event.ts, tz);
    const hour = localHour(ctx.event.ts, tz);
    const off = offPatternStart(view, hour);
    const todayOff = off.offHours || (off.weekend && off.weekendIsOff);
    // Once a day: at its first off-pattern start.
    const alreadyOff = view.today.offMask !== 0 || (off.weekend && off.weekendIsOff && view.today.starts > 0);
    if (!todayOff || alreadyOff) return [];
    const { window, before } = splitHistory(view.history, view.today.day, param(self, 'windowDays'));
    const baseHits = before.filter((d) => offPattern(d, off.weekendIsOff)).length;
    const windowHits = window.filter((d) => offPattern(d, off.weekendIsOff)).length + 1;
    const windowDays = window.length + 1;
    const rate = (baseHits + 0.5) / (before.length + 1);
    const local = new Date(ctx.event.ts + tz * 60_000);
    const display = `${DAY_NAMES[localTime(ctx.event.ts, tz).day]} ${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}`;
    return [
      {
        observed: { label: 'off-pattern days in the window', value: windowHits, display: `${windowHits} of ${windowDays} active days` },
        test: { kind: 'p-value', pValue: round(binomialTail(windowHits, windowDays, rate)), threshold: thresholdOf(self) },
        baseline: {
          kind: 'day-activity',
          measure: 'off-pattern-days',
          tzOffsetMinutes: tz,
          activeDays: before.length,
          baselineDays: baseHits,
          counts: view.hourDays.map(round),
          windowDays,
          windowHits,
        },
        eventIds: [ctx.event.id],
        at: ctx.event.ts,
        facts: {
          start: display,
          offHours: off.offHours,
          weekend: off.weekend && off.weekendIsOff,
          windowLength: param(self, 'windowDays'),
          minDays: param(self, 'minDays'),
          minOffDays: param(self, 'minOffDays'),
        },
      },
    ];
  },
  holds: (e) =>
    pValueHolds(e) && e.baseline.activeDays >= (e.facts['minDays'] as number) && (e.baseline.windowHits ?? 0) >= (e.facts['minOffDays'] as number),
  explain(e) {
    const b = e.baseline;
    const why = e.facts['offHours'] === true ? 'outside their own hours' : 'on a weekend they do not work';
    return `work started ${e.facts['start']} local time (${formatOffset(b.tzOffsetMinutes)}), ${why} (they usually work ${usualHours(b.counts)}); ${e.observed.display} of the last ${e.facts['windowLength']} days were outside their pattern, against ${b.baselineDays} of ${b.activeDays} active days before; ${formatP(e.test.kind === 'p-value' ? e.test.pValue : Number.NaN)}`;
  },
});

/** The hours the user is at work on at least half their active days, as ranges: "09:00–17:59". */
function usualHours(counts: readonly number[]): string {
  const most = Math.max(0, ...counts);
  if (most <= 0) return 'at no known hour yet';
  const usual = counts.map((c) => c >= 0.5 * most);
  const ranges: string[] = [];
  for (let h = 0; h < 24; h++) {
    if (!usual[h] || (h > 0 && usual[h - 1])) continue;
    let end = h;
    while (end + 1 < 24 && usual[end + 1]) end++;
    ranges.push(`${pad(h)}:00–${pad(end)}:59`);
  }
  return formatList(ranges, 4);
}
