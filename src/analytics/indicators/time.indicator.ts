/**
 * Unusual hour of day and day of week, in the user's own time zone (the profile's offset).
 * Tested when a session starts — a logon, a VPN connection, or the event that opened a session
 * — against the decayed activity of every past event (temporal.profile.ts): the exact p-value
 * of the hour (smoothed over neighbouring hours) or the day under that distribution.
 */
import { DAY_MS } from '../profiles/forward-decay.ts';
import { dayDistribution, hourDistribution, localTime, outcomePValue } from '../profiles/temporal.profile.ts';
import { scaleAt } from '../profiles/user-profile.ts';
import type { EventContext, Resolved } from './context.ts';
import { DAY_NAMES, formatNumber, formatOffset, formatP } from './format.ts';
import {
  type Baseline,
  defineEventIndicator,
  type Evidence,
  type IndicatorMeta,
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
