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
import type { HrStatus, Resolved, SessionContext } from './context.ts';
import { formatBytes, formatDay, formatDuration, formatList } from './format.ts';
import { type Baseline, defineEventIndicator, defineSessionIndicator, type Evidence, param } from './indicator.ts';

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
