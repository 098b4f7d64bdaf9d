/**
 * Lateral-movement burst: many distinct assets reached in one session, tested against the
 * user's dynamic histogram of distinct assets per session. Evaluated when the session closes.
 */
import { formatDuration, formatList, formatNumber, formatP, describeBins } from './format.ts';
import {
  type Baseline,
  defineEventIndicator,
  defineSessionIndicator,
  type Evidence,
  type IndicatorMeta,
  param,
  pValueHolds,
  thresholdOf,
} from './indicator.ts';
import { activityAt } from '../profiles/activity.profile.ts';
import { noveltyProbability } from '../profiles/categorical.profile.ts';
import { scaleAt } from '../profiles/user-profile.ts';
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

/** log Γ(x) for x > 0 (Lanczos, g = 7), for exact binomial tails. */
function logGamma(x: number): number {
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const y = x - 1;
  let a = c[0]!;
  const t = y + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (y + i);
  return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(a);
}

/** P(X ≥ k) for X ~ Binomial(n, p), summed in log space. */
export function binomialUpperTail(k: number, n: number, p: number): number {
  if (k <= 0) return 1;
  if (k > n) return 0;
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  const logChoose = (i: number) => logGamma(n + 1) - logGamma(i + 1) - logGamma(n - i + 1);
  let total = 0;
  for (let i = k; i <= n; i++) total += Math.exp(logChoose(i) + i * Math.log(p) + (n - i) * Math.log1p(-p));
  return Math.min(1, total);
}

/** The indicators whose findings mark an asset as new or rare to the user. */
const NOVEL_ASSET_INDICATORS = new Set(['first-asset-access', 'rare-asset-access', 'peer-unseen-asset', 'peer-rare-asset']);

/**
 * Novel-asset burst: one session reaches many assets that are new or rare to the user. Each
 * such access alone is a small, often down-weighted finding (and fusion scores only a few of
 * one indicator per session); together they are the shape of lateral movement. Tested as the
 * upper tail of Binomial(n, p₀): n distinct assets in the session, k of them new or rare, p₀ the
 * user's own novelty rate (their decayed share of accesses that reached a new asset, this
 * session included, or the highest a first-access finding of the session reported, floored at
 * floorRate), so a user who often explores needs a larger burst and a new hire, to whom
 * everything is new, none at all.
 */
export const novelAssetBurst = defineSessionIndicator<HistogramEvidence>({
  id: 'novel-asset-burst',
  family: 'lateral-movement',
  title: 'Burst of access to assets new or rare to the user',
  description:
    'A session reaches at least minNovel distinct assets that are new or rare to the user, more than their novelty rate explains (binomial tail p-value over the distinct assets of the session).',
  dataSources: ['network'],
  anchorScore: 40,
  test: { kind: 'p-value', threshold: 0.001 },
  basis: 'user',
  exfiltration: false,
  params: { minNovel: 5, floorRate: 0.02 },
  collect(ctx, self: IndicatorMeta) {
    // New to the user: reached for the first time in this session (the profile noted it before
    // learning it); rare: flagged by an access finding of the session.
    const novel = new Map<string, { eventIds: readonly string[] }>();
    const f = ctx.features;
    f.novelAssets.forEach((asset, i) => novel.set(asset, { eventIds: f.novelAssetEvents[i] === undefined ? [] : [f.novelAssetEvents[i]!] }));
    let reported = 0;
    for (const finding of ctx.sessionFindings ?? []) {
      if (!NOVEL_ASSET_INDICATORS.has(finding.indicatorId) || typeof finding.value !== 'string') continue;
      reported = Math.max(reported, finding.noveltyRate ?? 0);
      if (!novel.has(finding.value)) novel.set(finding.value, { eventIds: finding.eventIds });
    }
    if (novel.size === 0) return [];
    const k = novel.size;
    const n = Math.max(k, f.distinctAssets);
    // The user's own rate of new assets (this session included, so a burst raises its own bar).
    const own = noveltyProbability(ctx.profile.categorical.assets, scaleAt(ctx.profile, f.last));
    const rate = Math.min(1, Math.max(param(self, 'floorRate'), own, reported));
    const assets = [...novel.keys()];
    return [
      {
        observed: { label: 'assets new or rare to the user in session', value: k, display: `${k} of ${n} assets new or rare to this user` },
        test: { kind: 'p-value', pValue: binomialUpperTail(k, n, rate), threshold: thresholdOf(self) },
        baseline: histogramBaseline(ctx.profile, 'distinct-assets', f.last),
        eventIds: [...new Set([...novel.values()].flatMap((v) => v.eventIds))].slice(0, 20),
        at: f.last,
        facts: { novel: k, distinctAssets: n, noveltyRate: rate, minNovel: param(self, 'minNovel'), assets: formatList(assets, 6) },
      },
    ];
  },
  holds: (e, self) => pValueHolds(e) && (e.facts['novel'] as number) >= param(self, 'minNovel'),
  explain(e) {
    const p = e.test.kind === 'p-value' ? e.test.pValue : Number.NaN;
    return `${e.observed.display} in one session (${e.facts['assets']}); with this user's novelty rate ${formatNumber(e.facts['noveltyRate'] as number)} about ${formatNumber((e.facts['distinctAssets'] as number) * (e.facts['noveltyRate'] as number))} were expected; this many or more: ${formatP(p)}`;
  },
});

export type DeviceVelocityEvidence = Evidence<Extract<Baseline, { kind: 'day-activity' }>>;

/**
 * Velocity of distinct hosts: the devices a user reaches in a local day, against their own
 * history of devices per day, so someone who routinely reaches many hosts is judged by their
 * own rate and someone who uses one workstation is not.
 */
export const deviceVelocity = defineEventIndicator<DeviceVelocityEvidence>({
  id: 'device-velocity',
  family: 'lateral-movement',
  title: 'Many devices in a day',
  description:
    "The user reaches a device that makes today's distinct devices (local day) at least minDevices, a count few of their past active days reached: p = (m + 0.1) / (n + 1), m of their last n active days (at most 120) with as many devices or more. Judged from minDays active days on; tested as each new device of the day appears.",
  dataSources: ['authentication'],
  anchorScore: 25,
  test: { kind: 'p-value', threshold: 0.01 },
  basis: 'user',
  exfiltration: false,
  params: { minDevices: 3, minDays: 20 },
  collect(ctx, self) {
    const host = ctx.event.host;
    if (host === undefined) return [];
    const tz = ctx.profile.tzOffsetMinutes;
    const view = activityAt(ctx.profile.activity, ctx.event.ts, tz);
    if (view.today.hosts.includes(host)) return [];
    const devices = view.today.hosts.length + 1;
    if (devices < 2) return [];
    const n = view.history.length;
    const m = view.history.filter((d) => d[3] >= devices).length;
    const typical = [...view.history.map((d) => d[3])].sort((a, b) => a - b)[Math.floor(n / 2)] ?? 0;
    const most = view.history.reduce((a, d) => Math.max(a, d[3]), 0);
    return [
      {
        observed: { label: 'distinct devices today', value: devices, display: `${devices} devices` },
        test: { kind: 'p-value', pValue: Number(((m + 0.1) / (n + 1)).toPrecision(4)), threshold: thresholdOf(self) },
        baseline: {
          kind: 'day-activity',
          measure: 'daily-devices',
          tzOffsetMinutes: tz,
          activeDays: n,
          baselineDays: m,
          counts: [],
          windowDays: null,
          windowHits: null,
        },
        eventIds: [ctx.event.id],
        at: ctx.event.ts,
        facts: {
          devices: formatList([...view.today.hosts, host], 6),
          typical,
          most,
          minDevices: param(self, 'minDevices'),
          minDays: param(self, 'minDays'),
        },
      },
    ];
  },
  holds: (e) =>
    pValueHolds(e) && (e.observed.value as number) >= (e.facts['minDevices'] as number) && e.baseline.activeDays >= (e.facts['minDays'] as number),
  explain(e) {
    const b = e.baseline;
    return `${e.observed.display} reached today (${e.facts['devices']}); ${b.baselineDays} of this user's last ${b.activeDays} active days reached as many (typically ${e.facts['typical']} a day, at most ${e.facts['most']}); ${formatP(e.test.kind === 'p-value' ? e.test.pValue : Number.NaN)}`;
  },
});
