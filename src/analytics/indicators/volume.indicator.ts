/**
 * Volume and direction outliers per session: downloads, uploads, files copied to removable
 * media, attachments mailed to external domains. Each is tested against the user's dynamic
 * histogram of the same per-session feature (histogram.profile.ts): the p-value is the tail
 * probability P(X ≥ observed) under the clustered bins with the smoothing prior. All four are
 * exfiltration-type, so a departing employee's findings are marked for amplification.
 */
import { FEATURE_SPECS } from '../profiles/histogram.profile.ts';
import { type SessionFeature, sessionFeatureValues } from '../profiles/session-features.ts';
import type { Resolved, SessionContext } from './context.ts';
import { FEATURE_SOURCES, FEATURE_WORDING, histogramBaseline, type HistogramEvidence, userTail } from './evidence.ts';
import { describeBins, formatNumber, formatP } from './format.ts';
import {
  defineSessionIndicator,
  type IndicatorMeta,
  param,
  pValueHolds,
  type SessionIndicator,
  thresholdOf,
} from './indicator.ts';

function volumeOutlier(
  id: string,
  feature: Exclude<SessionFeature, 'distinct-assets'>,
  title: string,
  anchorScore: number,
  minValue: number,
): SessionIndicator<HistogramEvidence> {
  const wording = FEATURE_WORDING[feature];
  return defineSessionIndicator<HistogramEvidence>({
    id,
    family: 'volume',
    title,
    description: `The session's ${FEATURE_SPECS[feature].description} lies in the far tail of the user's own dynamic histogram of that feature (P(X ≥ observed) under clustered bins with a smoothing prior), and is at least minValue.`,
    dataSources: FEATURE_SOURCES[feature],
    anchorScore,
    test: { kind: 'p-value', threshold: 0.01 },
    basis: 'user',
    exfiltration: true,
    params: { minValue },
    collect(ctx: Resolved<SessionContext>, self: IndicatorMeta) {
      const x = sessionFeatureValues(ctx.features)[feature];
      if (x <= 0) return [];
      const at = ctx.features.last;
      return [
        {
          observed: { label: FEATURE_SPECS[feature].description, value: x, display: wording.display(x) },
          test: { kind: 'p-value', pValue: userTail(ctx.profile, feature, x, at), threshold: thresholdOf(self) },
          baseline: histogramBaseline(ctx.profile, feature, at),
          eventIds: ctx.features.contributors[feature].map(([eventId]) => eventId),
          at,
          facts: { value: x, minValue: param(self, 'minValue') },
        },
      ];
    },
    holds: (e, self) => pValueHolds(e) && (e.facts['value'] as number) >= param(self, 'minValue'),
    explain(e) {
      const h = e.baseline.histogram;
      const unit = FEATURE_SPECS[feature].unit;
      const p = e.test.kind === 'p-value' ? e.test.pValue : Number.NaN;
      return `${wording.did(e.observed.display)} in one session; this user's sessions cluster at ${describeBins(h, unit)} (${formatNumber(h.total)} decayed sessions, half-life ${e.baseline.halfLifeDays} days); a session this large or larger: ${formatP(p)}`;
    },
  });
}

export const downloadVolumeOutlier = volumeOutlier('download-volume-outlier', 'bytes-in', 'Unusual download volume', 15, 1_000_000);
export const uploadVolumeOutlier = volumeOutlier('upload-volume-outlier', 'bytes-out', 'Unusual upload volume', 20, 1_000_000);
export const usbCopyOutlier = volumeOutlier('usb-copy-outlier', 'usb-files', 'Unusual copying to removable media', 25, 3);
export const externalEmailAttachmentOutlier = volumeOutlier(
  'external-email-attachment-outlier',
  'external-attachment-bytes',
  'Unusual attachment volume to external domains',
  25,
  100_000,
);
