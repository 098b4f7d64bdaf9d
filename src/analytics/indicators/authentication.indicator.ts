/**
 * Failed-logon bursts and a success right after one. The count is the failed logons in the
 * sliding window (default 60 min) ending at the event, from the profile's recent failure times
 * plus this event; it is tested against the user's dynamic histogram of failed logons per clock
 * hour (histogram.profile.ts). A burst is reported once, when it first crosses both the minimum
 * count and the p-value threshold, not again for every further failure.
 */
import { failuresBetween, isAuthentication, scaleAt } from '../profiles/user-profile.ts';
import { histogramView, tailProbability } from '../profiles/histogram.profile.ts';
import type { EventContext, Resolved } from './context.ts';
import { describeBins, formatNumber, formatP } from './format.ts';
import {
  type Baseline,
  defineEventIndicator,
  type Evidence,
  type IndicatorMeta,
  param,
  pValueHolds,
  thresholdOf,
} from './indicator.ts';

export type FailedLogonEvidence = Evidence<Extract<Baseline, { kind: 'failed-logons' }>>;

function burstEvidence(ctx: Resolved<EventContext>, self: IndicatorMeta, failures: number): FailedLogonEvidence {
  const e = ctx.event;
  const h = ctx.profile.numeric['failed-logons-per-hour'];
  const scale = scaleAt(ctx.profile, e.ts);
  const windowMinutes = param(self, 'windowMinutes');
  return {
    observed: { label: `failed logons within ${windowMinutes} min`, value: failures, display: `${failures} failed logons` },
    test: { kind: 'p-value', pValue: tailProbability(h, failures, scale), threshold: thresholdOf(self) },
    baseline: { kind: 'failed-logons', windowMinutes, failures, histogram: histogramView(h, scale) },
    eventIds: [e.id],
    at: e.ts,
    facts: {
      failures,
      minFailures: param(self, 'minFailures'),
      // The same test one failure earlier: a burst is reported when it first crosses.
      previousPValue: failures > 0 ? tailProbability(h, failures - 1, scale) : 1,
      sourceIp: e.ip ?? null,
    },
  };
}

export const failedLogonBurst = defineEventIndicator<FailedLogonEvidence>({
  id: 'failed-logon-burst',
  family: 'authentication',
  title: 'Burst of failed logons',
  description:
    "At least minFailures failed logons within windowMinutes, a count in the tail of the user's failed-logons-per-hour histogram; reported when the burst first crosses the thresholds.",
  dataSources: ['authentication'],
  anchorScore: 20,
  test: { kind: 'p-value', threshold: 0.01 },
  basis: 'user',
  exfiltration: false,
  params: { windowMinutes: 60, minFailures: 5 },
  collect(ctx, self) {
    const e = ctx.event;
    if (!isAuthentication(e) || e.outcome !== 'failure') return [];
    const window = param(self, 'windowMinutes') * 60_000;
    return [burstEvidence(ctx, self, failuresBetween(ctx.profile, e.ts - window, e.ts) + 1)];
  },
  holds(e, self) {
    const min = param(self, 'minFailures');
    const failures = e.facts['failures'] as number;
    const crossedBefore = failures - 1 >= min && (e.facts['previousPValue'] as number) <= thresholdOf(self);
    return failures >= min && pValueHolds(e) && !crossedBefore;
  },
  explain(e) {
    const b = e.baseline;
    const ip = e.facts['sourceIp'];
    const p = e.test.kind === 'p-value' ? e.test.pValue : Number.NaN;
    return `${e.observed.display} within ${b.windowMinutes} min${ip === null ? '' : ` (latest from ${ip})`}; this user's failed logons per hour cluster at ${describeBins(b.histogram, 'count')} (${formatNumber(b.histogram.total)} decayed hours); an hour with this many or more: ${formatP(p)}`;
  },
});

export const successAfterFailedBurst = defineEventIndicator<FailedLogonEvidence>({
  id: 'success-after-failed-burst',
  family: 'authentication',
  title: 'Successful logon after a burst of failures',
  description:
    "A successful logon preceded, within windowMinutes, by at least minFailures failed logons — a count in the tail of the user's failed-logons-per-hour histogram (password guessing that worked).",
  dataSources: ['authentication'],
  anchorScore: 40,
  test: { kind: 'p-value', threshold: 0.01 },
  basis: 'user',
  exfiltration: false,
  params: { windowMinutes: 60, minFailures: 5 },
  collect(ctx, self) {
    const e = ctx.event;
    if (!isAuthentication(e) || e.outcome !== 'success') return [];
    const window = param(self, 'windowMinutes') * 60_000;
    const failures = failuresBetween(ctx.profile, e.ts - window, e.ts);
    if (failures === 0) return [];
    return [burstEvidence(ctx, self, failures)];
  },
  holds: (e, self) => pValueHolds(e) && (e.facts['failures'] as number) >= param(self, 'minFailures'),
  explain(e) {
    const b = e.baseline;
    const ip = e.facts['sourceIp'];
    const p = e.test.kind === 'p-value' ? e.test.pValue : Number.NaN;
    return `successful logon${ip === null ? '' : ` from ${ip}`} after ${e.observed.display} within the previous ${b.windowMinutes} min; this user's failed logons per hour cluster at ${describeBins(b.histogram, 'count')}; an hour with this many or more: ${formatP(p)}`;
  },
});
