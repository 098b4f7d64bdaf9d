/**
 * Evidence helpers shared by indicator families: how a categorical or histogram baseline is
 * shown, how session features are worded. Families import these, never each other, so each
 * family file stays independent (graphql-js keeps its rules the same way).
 */
import { DAY_MS } from '../profiles/forward-decay.ts';
import { categoryStats, topCategories } from '../profiles/categorical.profile.ts';
import { histogramMode, histogramView, tailProbability } from '../profiles/histogram.profile.ts';
import type { SessionFeature } from '../profiles/session-features.ts';
import { scaleAt, type UserProfile } from '../profiles/user-profile.ts';
import type { DataSource } from './context.ts';
import { formatNumber, formatValue } from './format.ts';
import type { Baseline, Evidence } from './indicator.ts';

export type AccessKind = 'assets' | 'applications' | 'devices';
export type CategoricalBaseline = Extract<Baseline, { kind: 'categorical' }>;
export type CategoricalEvidence = Evidence<CategoricalBaseline>;

export const ACCESS_FIELD = Object.freeze({ assets: 'asset', applications: 'app', devices: 'host' } as const);
export const ACCESS_NOUN = Object.freeze({
  assets: { one: 'asset', many: 'assets' },
  applications: { one: 'application', many: 'applications' },
  devices: { one: 'device', many: 'devices' },
} as const);

/** The categorical baseline of `key` in a profile part, as evidence shows it. */
export function categoricalBaseline(
  profile: UserProfile,
  part: CategoricalBaseline['part'],
  key: string,
  at: number,
  noveltyRate: number | null,
): CategoricalBaseline {
  const scale = scaleAt(profile, at);
  const cat = profile.categorical[part];
  return {
    kind: 'categorical',
    part,
    stats: categoryStats(cat, key, scale),
    top: topCategories(cat, 5, scale),
    noveltyRate,
    halfLifeDays: profile.clock.halfLifeMs / DAY_MS,
  };
}

export type HistogramBaseline = Extract<Baseline, { kind: 'histogram' }>;
export type HistogramEvidence = Evidence<HistogramBaseline>;

/** How reasons name each session feature: its value (`display`) and what the user did (`did`, containing it). */
export const FEATURE_WORDING: Readonly<Record<SessionFeature, { display: (x: number) => string; did: (display: string) => string }>> = {
  'bytes-in': { display: (x) => formatValue(x, 'bytes'), did: (d) => `downloaded ${d}` },
  'bytes-out': { display: (x) => formatValue(x, 'bytes'), did: (d) => `uploaded ${d}` },
  'usb-files': { display: (x) => `${formatNumber(x)} files`, did: (d) => `copied ${d} to removable media` },
  'external-attachment-bytes': {
    display: (x) => `${formatValue(x, 'bytes')} of attachments`,
    did: (d) => `mailed ${d} to external addresses`,
  },
  'distinct-assets': { display: (x) => `${formatNumber(x)} distinct assets`, did: (d) => `reached ${d}` },
};

export const FEATURE_SOURCES: Readonly<Record<SessionFeature, readonly DataSource[]>> = {
  'bytes-in': ['network'],
  'bytes-out': ['network'],
  'usb-files': ['usb'],
  'external-attachment-bytes': ['email'],
  'distinct-assets': ['network'],
};

export function histogramBaseline(profile: UserProfile, feature: SessionFeature | 'failed-logons-per-hour', at: number): HistogramBaseline {
  const h = profile.numeric[feature];
  return {
    kind: 'histogram',
    feature,
    histogram: histogramView(h, scaleAt(profile, at)),
    typical: Number(histogramMode(h).toPrecision(4)),
    halfLifeDays: profile.clock.halfLifeMs / DAY_MS,
  };
}

/** The user's own tail probability of a session feature value. */
export function userTail(profile: UserProfile, feature: SessionFeature, x: number, at: number): number {
  return tailProbability(profile.numeric[feature], x, scaleAt(profile, at));
}

