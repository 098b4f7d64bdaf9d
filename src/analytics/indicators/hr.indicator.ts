/**
 * HR context: a departing employee moving data out, and any activity after termination.
 *
 * HR dates are calendar days (midnight UTC of the date). A day ends at the end of that date in
 * the user's own time zone (the profile's offset), so a London leaver's last afternoon is not
 * "after termination" in Tokyo's reckoning.
 *
 * Departing means: NOTICE_GIVEN in effect, or a last day (or a scheduled termination) within
 * windowDays ahead. Besides its own finding, a departing user's exfiltration-type findings
 * (volume and peer-volume indicators) are marked with the `departing-employee` amplifier by
 * evaluate.ts, for fusion to raise their weight.
 */
import {
  activityAt,
  binomialTail,
  type DaySummary,
  isWeekend,
  localHour,
  offPattern,
  outsideOwnHours,
  summariseDay,
  weekendIsOff,
} from '../profiles/activity.profile.ts';
import { isStart } from '../profiles/user-profile.ts';
import type { HrStatus, Resolved, SessionContext } from './context.ts';
import { formatBytes, formatDay, formatDuration, formatList, formatP } from './format.ts';
import { type Baseline, defineEventIndicator, defineSessionIndicator, type Evidence, param, pValueHolds, thresholdOf } from './indicator.ts';

export type HrEvidence = Evidence<Extract<Baseline, { kind: 'hr' }>>;

const DAY_MS = 86_400_000;

/** Default window ahead of the last day in which an employee counts as departing, days. */
export const DEFAULT_DEPARTING_WINDOW_DAYS = 30;

/** End of the calendar day `day` (midnight UTC of the date) in a time zone, epoch ms. */
export function endOfLocalDay(day: number, tzOffsetMinutes: number): number {
  return day + DAY_MS - tzOffsetMinutes * 60_000;
}

/** When a TERMINATED status takes hold: the end of the last day (or of the effective date). */
export function terminationCutoff(hr: HrStatus, tzOffsetMinutes: number): number | null {
  const day = hr.lastDay ?? hr.effectiveDate;
  return day === undefined ? null : endOfLocalDay(day, tzOffsetMinutes);
}

export interface DepartingStatus {
  why: 'notice-given' | 'last-day-near';
  /** End of the last working day, when known, epoch ms. */
  leavesAt: number | null;
}

/** Whether the user is a departing employee at `at` (see the header); null when not. */
export function departingStatus(
  hr: HrStatus | null | undefined,
  at: number,
  tzOffsetMinutes: number,
  windowDays: number = DEFAULT_DEPARTING_WINDOW_DAYS,
): DepartingStatus | null {
  if (hr === null || hr === undefined) return null;
  const leavesAt = hr.lastDay === undefined ? null : endOfLocalDay(hr.lastDay, tzOffsetMinutes);
  if (hr.status === 'NOTICE_GIVEN' && (hr.effectiveDate === undefined || hr.effectiveDate <= at)) {
    return { why: 'notice-given', leavesAt };
  }
  const end = hr.status === 'TERMINATED' ? terminationCutoff(hr, tzOffsetMinutes) : leavesAt;
  if (end !== null && at <= end && end - at <= windowDays * DAY_MS) return { why: 'last-day-near', leavesAt: end };
  return null;
}

function hrBaseline(hr: HrStatus): HrEvidence['baseline'] {
  return { kind: 'hr', status: hr.status, effectiveDate: hr.effectiveDate ?? null, lastDay: hr.lastDay ?? null };
}

function describeStatus(b: HrEvidence['baseline']): string {
  const since = b.effectiveDate === null ? '' : ` since ${formatDay(b.effectiveDate)}`;
  const last = b.lastDay === null ? '' : `, last day ${formatDay(b.lastDay)}`;
  return `${b.status}${since}${last}`;
}

/** What a session moved out of the organisation, by channel, or an empty list. */
function outflows(ctx: Resolved<SessionContext>, minUploadBytes: number): string[] {
  const f = ctx.features;
  const out: string[] = [];
  if (f.usbFiles > 0) out.push(`copied ${f.usbFiles} files to removable media`);
  if (f.externalAttachmentBytes > 0) out.push(`mailed ${formatBytes(f.externalAttachmentBytes)} of attachments to external addresses`);
  if (f.bytesOut >= minUploadBytes) out.push(`uploaded ${formatBytes(f.bytesOut)}`);
  return out;
}

export const departingEmployeeActivity = defineSessionIndicator<HrEvidence>({
  id: 'departing-employee-activity',
  family: 'hr',
  title: 'Departing employee moving data out',
  description:
    'A session of an employee who has given notice, or whose last day is within windowDays, moves data out: copies to removable media, attachments to external addresses, or uploads of at least minUploadBytes.',
  dataSources: ['hr'],
  anchorScore: 25,
  test: { kind: 'fact' },
  basis: 'none',
  exfiltration: true,
  params: { windowDays: DEFAULT_DEPARTING_WINDOW_DAYS, minUploadBytes: 10_000_000 },
  collect(ctx, self) {
    const hr = ctx.hr;
    if (hr === null || hr === undefined) return [];
    const at = ctx.features.last;
    const departing = departingStatus(hr, at, ctx.profile.tzOffsetMinutes, param(self, 'windowDays'));
    if (departing === null) return [];
    const moved = outflows(ctx, param(self, 'minUploadBytes'));
    const f = ctx.features;
    const eventIds = [
      ...f.contributors['usb-files'],
      ...f.contributors['external-attachment-bytes'],
      ...f.contributors['bytes-out'],
    ].map(([id]) => id);
    const display = moved.length === 0 ? 'no data moved out' : formatList(moved, 3);
    return [
      {
        observed: { label: 'data moved out in session', value: display, display },
        test: { kind: 'fact', fact: `departing (${departing.why}) and moved data out`, holds: moved.length > 0 },
        baseline: hrBaseline(hr),
        eventIds: [...new Set(eventIds)],
        at,
        facts: {
          why: departing.why,
          leavesAt: departing.leavesAt,
          channels: moved.length,
          usbFiles: f.usbFiles,
          externalAttachmentBytes: f.externalAttachmentBytes,
          bytesOut: f.bytesOut,
        },
      },
    ];
  },
  holds: (e) => (e.facts['channels'] as number) > 0 && e.facts['why'] !== null,
  explain(e) {
    const leavesAt = e.facts['leavesAt'];
    const left = typeof leavesAt === 'number' && leavesAt >= e.at ? ` (${formatDuration(leavesAt - e.at)} before leaving)` : '';
    return `departing employee (${describeStatus(e.baseline)})${left}; in this session they ${e.observed.display}`;
  },
});

export const activityAfterTermination = defineEventIndicator<HrEvidence>({
  id: 'activity-after-termination',
  family: 'hr',
  title: 'Activity after termination',
  description:
    "Any activity by a user whose HR status is TERMINATED, after the end of their last day (or of the termination's effective date) in their own time zone.",
  dataSources: ['hr'],
  anchorScore: 60,
  test: { kind: 'fact' },
  basis: 'none',
  exfiltration: false,
  params: {},
  collect(ctx) {
    const hr = ctx.hr;
    if (hr === null || hr === undefined || hr.status !== 'TERMINATED') return [];
    const cutoff = terminationCutoff(hr, ctx.profile.tzOffsetMinutes);
    if (cutoff === null) return [];
    const e = ctx.event;
    const after = e.ts - cutoff;
    const display = `${e.action} at ${new Date(e.ts).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
    return [
      {
        observed: { label: 'activity', value: e.action, display },
        test: { kind: 'fact', fact: after > 0 ? `${formatDuration(after)} after termination` : 'before termination took hold', holds: after > 0 },
        baseline: hrBaseline(hr),
        eventIds: [e.id],
        at: e.ts,
        facts: { cutoff, afterMs: after },
      },
    ];
  },
  holds: (e) => (e.facts['afterMs'] as number) > 0,
  explain(e) {
    const after = e.facts['afterMs'] as number;
    return `${e.observed.display}, ${formatDuration(after)} after the account's termination took hold (${describeStatus(e.baseline)}; days end in the user's own time zone)`;
  },
});

export type DepartureRiseEvidence = Evidence<Extract<Baseline, { kind: 'day-activity' }>>;

/**
 * The weeks before a departure. HR often learns of a departure after the fact — CERT's LDAP
 * snapshots reveal it only when a later month lacks the user — so the activity that matters
 * has already been scored by then. This indicator runs when the HR record arrives (and at the
 * first start of each day while the user is departing) and tests the user's last windowDays
 * against their earlier days: a finding on the user that summarises the rise, with the counts.
 */
export const preDepartureRise = defineEventIndicator<DepartureRiseEvidence>({
  id: 'pre-departure-rise',
  family: 'hr',
  title: 'Rise in after-hours work or removable media before a departure',
  description:
    "When HR shows the user departing (notice given, a last day within windowDays ahead, or terminated — as CERT's LDAP snapshots reveal a departure), their last windowDays are tested against their earlier active days on two channels: days outside their own pattern (a start outside their own hours, or on a weekend they do not work) and days with removable-media use. Each is a binomial upper tail, Bin(recent active days, (earlier days with it + 0.5) / (earlier active days + 1)); the smaller p-value, doubled for the two channels, is the test. Tested when the HR record arrives and, while departing, at the first start of each day and at its first start outside the user's own hours; needs minDays earlier active days and minRiseDays recent days on the channel.",
  dataSources: ['hr'],
  anchorScore: 40,
  test: { kind: 'p-value', threshold: 0.01 },
  basis: 'user',
  exfiltration: false,
  params: { windowDays: 28, minDays: 20, minRiseDays: 2, departingWindowDays: DEFAULT_DEPARTING_WINDOW_DAYS },
  onHrRecord: true,
  collect(ctx, self) {
    const e = ctx.event;
    const hr = ctx.hr;
    if (hr === null || hr === undefined) return [];
    const tz = ctx.profile.tzOffsetMinutes;
    const departing = departingStatus(hr, e.ts, tz, param(self, 'departingWindowDays'));
    const hrRecord = e.category === 'iam' && e.hr !== undefined;
    if (hrRecord) {
      if (departing === null && hr.status !== 'TERMINATED') return [];
    } else if (departing === null || !isStart(e, ctx.opensSession)) return [];
    const view = activityAt(ctx.profile.activity, e.ts, tz);
    const hourNow = localHour(e.ts, tz);
    const offNow = outsideOwnHours(view.hourDays, view.activeDays, hourNow);
    // At most twice a day: at its first start, and at its first start outside the user's own hours.
    if (!hrRecord && view.today.starts > 0 && (view.today.offMask !== 0 || !offNow)) return [];
    const windowLength = param(self, 'windowDays');
    const from = view.today.day - windowLength + 1;
    const recent: DaySummary[] = [];
    const before: DaySummary[] = [];
    for (const d of view.history) (d[0] >= from ? recent : before).push(d);
    const t = view.today;
    const weekendOff = weekendIsOff(view);
    if (!hrRecord) {
      // Today so far, with this start: off-pattern when it is outside the user's own hours.
      recent.push([t.day, t.starts + 1, offNow ? 1 : 0, t.hosts.length, t.usb, isWeekend(t.day) ? 1 : 0]);
    } else if (t.starts > 0 || t.usb > 0) {
      recent.push(summariseDay(t));
    }
    const offBase = before.filter((d) => offPattern(d, weekendOff)).length;
    const offRecent = recent.filter((d) => offPattern(d, weekendOff)).length;
    const usbBase = before.filter((d) => d[4] > 0).length;
    const usbRecent = recent.filter((d) => d[4] > 0).length;
    const n = recent.length;
    const pOff = binomialTail(offRecent, n, (offBase + 0.5) / (before.length + 1));
    const pUsb = binomialTail(usbRecent, n, (usbBase + 0.5) / (before.length + 1));
    const channel = pOff <= pUsb ? 'off-pattern' : 'removable-media';
    const p = Math.min(1, 2 * Math.min(pOff, pUsb));
    const display = `${offRecent} of ${n} recent active days outside their pattern, ${usbRecent} with removable media`;
    return [
      {
        observed: { label: 'recent days outside the pattern / with removable media', value: display, display },
        test: { kind: 'p-value', pValue: Number(p.toPrecision(4)), threshold: thresholdOf(self) },
        baseline: {
          kind: 'day-activity',
          measure: 'departure-rise',
          tzOffsetMinutes: tz,
          activeDays: before.length,
          baselineDays: offBase,
          counts: [],
          windowDays: n,
          windowHits: offRecent,
        },
        eventIds: [e.id],
        at: e.ts,
        facts: {
          trigger: hrRecord ? 'hr-record' : 'departing',
          status: hr.status,
          leavesAt: departing?.leavesAt ?? (hr.effectiveDate ?? null),
          channel,
          usbBase,
          usbRecent,
          riseDays: channel === 'off-pattern' ? offRecent : usbRecent,
          windowLength,
          minDays: param(self, 'minDays'),
          minRiseDays: param(self, 'minRiseDays'),
        },
      },
    ];
  },
  holds: (e) =>
    pValueHolds(e) && e.baseline.activeDays >= (e.facts['minDays'] as number) && (e.facts['riseDays'] as number) >= (e.facts['minRiseDays'] as number),
  explain(e) {
    const b = e.baseline;
    const leavesAt = e.facts['leavesAt'];
    const when = typeof leavesAt === 'number' ? `, leaving ${formatDay(leavesAt)}` : '';
    const trigger = e.facts['trigger'] === 'hr-record' ? 'HR now shows' : 'still';
    return `${trigger} departing (${e.facts['status']}${when}); in the last ${e.facts['windowLength']} days: ${e.observed.display}, against ${b.baselineDays} and ${e.facts['usbBase']} of ${b.activeDays} active days before; ${formatP(e.test.kind === 'p-value' ? e.test.pValue : Number.NaN)}`;
  },
});

/**
 * A departure as a risk prior. Every employee who leaves is, for the weeks around it, more
 * likely than a stayer to take data (the "departing employee" watchlists of commercial
 * insider-risk products). This indicator turns an HR record that reveals a departure into one
 * small finding on the user, so that among users with nothing else against them a leaver ranks
 * above a stayer, and so that whatever else the user did in their last weeks adds to it through
 * the normal fusion. Its anchor is far below any alert threshold: on its own it never alerts.
 *
 * It fires once per HR record that shows a departure (notice given, a scheduled last day, or
 * terminated) whose departure date is not long past, and only when the user was active on at
 * least minActiveDays of the windowDays before the record: a stale record for a long-gone
 * account says nothing about the user's behaviour.
 */
export const departureWindow = defineEventIndicator<HrEvidence>({
  id: 'departure-window',
  family: 'hr',
  title: 'Departing employee (a low-weight prior)',
  description:
    'An HR record shows the user leaving (notice given, a last day set, or terminated) with a departure date no more than windowDays in the past, and the user was active on at least minActiveDays of the windowDays before the record. One small finding per such record, below any alert threshold on its own; it adds to the user\'s other findings of their last weeks through the normal fusion.',
  dataSources: ['hr'],
  anchorScore: 10,
  test: { kind: 'fact' },
  basis: 'none',
  exfiltration: false,
  params: { windowDays: 30, minActiveDays: 1 },
  onHrRecord: true,
  collect(ctx, self) {
    const e = ctx.event;
    const hr = ctx.hr;
    if (hr === null || hr === undefined || e.category !== 'iam' || e.hr === undefined) return [];
    const leaving = hr.status === 'TERMINATED' || hr.status === 'NOTICE_GIVEN' || hr.lastDay !== undefined;
    if (!leaving) return [];
    const windowDays = param(self, 'windowDays');
    const tz = ctx.profile.tzOffsetMinutes;
    // The departure date: the last day if HR gives one, else the change's effective date, else the record's own time.
    const departure = hr.lastDay ?? hr.effectiveDate ?? e.ts;
    const view = activityAt(ctx.profile.activity, e.ts, tz);
    const from = view.today.day - windowDays;
    let activeDays = view.history.filter((d) => d[0] >= from).length;
    if (view.today.starts > 0 || view.today.usb > 0) activeDays += 1;
    const stale = e.ts - endOfLocalDay(departure, tz) > windowDays * DAY_MS;
    const minActiveDays = param(self, 'minActiveDays');
    const display = `${activeDays} active days in the last ${windowDays} before the record`;
    return [
      {
        observed: { label: 'active days before the departure record', value: activeDays, display },
        test: {
          kind: 'fact',
          fact: stale ? 'departure long past' : `departing (${hr.status}), active on ${activeDays} of the last ${windowDays} days`,
          holds: !stale && activeDays >= minActiveDays,
        },
        baseline: hrBaseline(hr),
        eventIds: [e.id],
        at: e.ts,
        facts: { departure, activeDays, windowDays, stale, minActiveDays },
      },
    ];
  },
  holds: (e) => e.facts['stale'] === false && (e.facts['activeDays'] as number) >= (e.facts['minActiveDays'] as number),
  explain(e) {
    const departure = e.facts['departure'] as number;
    return `HR shows the user departing (${describeStatus(e.baseline)}; departure ${formatDay(departure)}), ${e.observed.display}: a departing employee is a known insider-risk prior, weighed low so that it counts only with other findings`;
  },
});
