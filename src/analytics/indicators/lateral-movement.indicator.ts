/**
 * Lateral-movement burst: many distinct assets reached in one session, tested against the
 * user's dynamic histogram of distinct assets per session. Evaluated when the session closes.
 */
import { formatDuration, formatList, formatNumber, formatP, describeBins } from './format.ts';
import {
  defineSessionIndicator,
  type IndicatorMeta,
  param,
  pValueHolds,
  thresholdOf,
} from './indicator.ts';
import { histogramBaseline, type HistogramEvidence, userTail } from './evidence.ts';

export const lateralMovementBurst = defineSessionIndicator<HistogramEvidence>({
  id: 'lateral-movement-burst',
  family: 'lateral-movement',
  title: 'Burst of access to many assets',
  description:
    "A session reaches at least minAssets distinct assets, a count in the tail of the user's histogram of distinct assets per session.",
  dataSources: ['network'],
  anchorScore: 40,
  test: { kind: 'p-value', threshold: 0.01 },
  basis: 'user',
  exfiltration: false,
  params: { minAssets: 10 },
  collect(ctx, self: IndicatorMeta) {
    const f = ctx.features;
    if (f.distinctAssets === 0) return [];
    return [
      {
        observed: { label: 'distinct assets in session', value: f.distinctAssets, display: `${f.distinctAssets} distinct assets` },
        test: { kind: 'p-value', pValue: userTail(ctx.profile, 'distinct-assets', f.distinctAssets, f.last), threshold: thresholdOf(self) },
        baseline: histogramBaseline(ctx.profile, 'distinct-assets', f.last),
        eventIds: f.contributors['distinct-assets'].map(([id]) => id),
        at: f.last,
        facts: {
          distinctAssets: f.distinctAssets,
          minAssets: param(self, 'minAssets'),
          assets: formatList(f.assets, 6),
          durationMs: f.last - f.start,
          failures: f.failures,
        },
      },
    ];
  },
  holds: (e, self) => pValueHolds(e) && (e.facts['distinctAssets'] as number) >= param(self, 'minAssets'),
  explain(e) {
    const h = e.baseline.histogram;
    const failures = e.facts['failures'] as number;
    const p = e.test.kind === 'p-value' ? e.test.pValue : Number.NaN;
    return `${e.observed.display} reached in one session (${e.facts['assets']}) over ${formatDuration(e.facts['durationMs'] as number)}${failures > 0 ? `, ${failures} attempts refused` : ''}; this user's sessions cluster at ${describeBins(h, 'count')} (${formatNumber(h.total)} decayed sessions); this many or more: ${formatP(p)}`;
  },
});
