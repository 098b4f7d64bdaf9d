/**
 * Dynamic histograms of numeric behaviour (bytes per session, files copied, failed logons per
 * hour …): bins that come from clustering the values observed, not from fixed edges, so one
 * user's "normal" 2 MB and another's 2 GB each get bins where their data is.
 *
 * Values are profiled on the log scale v = log10(1 + x) (x ≥ 0): volumes span many orders of
 * magnitude and their spread grows with their size. Each bin is a weighted cluster (forward-
 * decayed weight, weighted mean and sum of squared deviations, updated by West's incremental
 * formulas, Comm. ACM 22(9), 1979). `recluster` (the periodic job) rebuilds the bins from a
 * bounded sample of the latest values with optimal 1-D k-means, k chosen by silhouette
 * (kmeans-1d.ts). Between re-clusterings a new value joins the nearest bin — unless it lies
 * far from every bin (more than NEW_BIN_SIGMAS standard deviations and NEW_BIN_MIN_DECADES) and
 * there is room for another bin: then it opens its own bin, so one outlier does not widen the
 * bin of normal behaviour it would otherwise be folded into. Bins and sample are bounded.
 *
 * The tail probability P(X ≥ x) treats each bin as a normal distribution in log space (its
 * standard deviation floored at SIGMA_FLOOR_DECADES, so a user who always sends exactly 3 MB is
 * not infinitely sure) and mixes in a smoothing prior: TAIL_PRIOR effective observations spread
 * uniformly over [0, range] decades. A brand-new histogram therefore answers with the prior's
 * tail (large: nothing is certain yet), and the prior's pull fades as evidence accumulates:
 *   p(x) = (Σ_b W_b · Q((v − μ_b)/σ_b) + α · max(0, 1 − v/range)) / (Σ_b W_b + α),
 * W_b the decayed bin weights, Q the standard normal upper tail. p is non-increasing in x.
 */
import { chooseClustering } from './kmeans-1d.ts';

export const NUMERIC_FEATURES = [
  'bytes-in',
  'bytes-out',
  'usb-files',
  'external-attachment-bytes',
  'distinct-assets',
  'failed-logons-per-hour',
] as const;
export type NumericFeature = (typeof NUMERIC_FEATURES)[number];

export interface FeatureSpec {
  unit: 'bytes' | 'count';
  /** log10(1 + x) of the largest plausible value: the prior's support. */
  range: number;
  description: string;
}

export const FEATURE_SPECS: Readonly<Record<NumericFeature, FeatureSpec>> = Object.freeze({
  'bytes-in': { unit: 'bytes', range: 13, description: 'bytes downloaded in a session' },
  'bytes-out': { unit: 'bytes', range: 13, description: 'bytes uploaded in a session' },
  'usb-files': { unit: 'count', range: 4, description: 'files copied to removable media in a session' },
  'external-attachment-bytes': {
    unit: 'bytes',
    range: 13,
    description: 'bytes of e-mail attachments sent to external domains in a session',
  },
  'distinct-assets': { unit: 'count', range: 4, description: 'distinct assets reached in a session' },
  'failed-logons-per-hour': { unit: 'count', range: 4, description: 'failed logons in one clock hour' },
});

/** Most bins per histogram. */
export const MAX_BINS = 8;
/** Latest values kept for re-clustering. */
export const SAMPLE_CAP = 64;
/** Fewer sampled values than this and `recluster` keeps the bins it has. */
export const MIN_RECLUSTER_SAMPLE = 8;
/** A k ≥ 2 must reach this mean silhouette, else one bin. */
export const MIN_SILHOUETTE = 0.5;
/** Smallest bin standard deviation, decades (0.1 ≈ ±26 %). */
export const SIGMA_FLOOR_DECADES = 0.1;
/** A value opens a new bin when this many bin standard deviations … */
export const NEW_BIN_SIGMAS = 4;
/** … and at least this many decades from the nearest bin. */
export const NEW_BIN_MIN_DECADES = 0.5;
/**
 * Effective observations of the smoothing prior: a fifth of one observation. The prior is
 * deliberately vague (uniform over every order of magnitude up to `range`), so its weight is
 * kept small: with W effective observations no tail probability drops below about
 * 0.2 · priorTail / W, and a profile with no observations answers with the prior's tail itself.
 */
export const TAIL_PRIOR = 0.2;

export interface HistogramBin {
  /** Weighted mean of log10(1 + x). */
  mean: number;
  /** Weighted sum of squared deviations from the mean (stored-weight units). */
  m2: number;
  /** Stored (forward-decayed) weight. */
  w: number;
}

export interface DynamicHistogram {
  /** The prior's support, decades (FEATURE_SPECS). */
  range: number;
  /** Sorted by mean. */
  bins: HistogramBin[];
  /** Stored weight of all observations (= Σ bin weights). */
  total: number;
  /** Observations ever (not decayed). */
  count: number;
  /**
   * Ring of the latest log-values (rounded to 1e-4 decades, 0.02 %) and their times in whole
   * minutes since the epoch, for re-clustering. Rounded so that checkpoints stay small.
   */
  sample: number[];
  sampleMinutes: number[];
  /** Next ring slot to overwrite once the ring is full. */
  next: number;
  /** When the bins last came from clustering, epoch ms. */
  clusteredAt: number | null;
  /** Mean silhouette of that clustering (null for one bin). */
  silhouette: number | null;
}

export function createHistogram(range: number): DynamicHistogram {
  return { range, bins: [], total: 0, count: 0, sample: [], sampleMinutes: [], next: 0, clusteredAt: null, silhouette: null };
}

export function toLog(x: number): number {
  return Math.log10(1 + Math.max(0, x));
}

export function fromLog(v: number): number {
  return 10 ** v - 1;
}

function sigma(bin: HistogramBin): number {
  const variance = bin.w > 0 ? bin.m2 / bin.w : 0;
  return Math.max(Math.sqrt(Math.max(0, variance)), SIGMA_FLOOR_DECADES);
}

/** Index of the bin whose mean is nearest to v (bins non-empty). */
function nearest(bins: readonly HistogramBin[], v: number): number {
  let best = 0;
  let d = Number.POSITIVE_INFINITY;
  for (let i = 0; i < bins.length; i++) {
    const di = Math.abs(bins[i]!.mean - v);
    if (di < d) {
      d = di;
      best = i;
    }
  }
  return best;
}

/** Adds one observed value x with stored weight `unit`. */
export function observeValue(h: DynamicHistogram, x: number, unit: number, ts: number): void {
  const v = toLog(x);
  const sampled = Math.round(v * 1e4) / 1e4;
  const minute = Math.floor(ts / 60_000);
  if (h.sample.length < SAMPLE_CAP) {
    h.sample.push(sampled);
    h.sampleMinutes.push(minute);
  } else {
    h.sample[h.next] = sampled;
    h.sampleMinutes[h.next] = minute;
    h.next = (h.next + 1) % SAMPLE_CAP;
  }
  h.total += unit;
  h.count += 1;
  if (h.bins.length === 0) {
    h.bins.push({ mean: v, m2: 0, w: unit });
    return;
  }
  const i = nearest(h.bins, v);
  const bin = h.bins[i]!;
  const distance = Math.abs(v - bin.mean);
  if (h.bins.length < MAX_BINS && distance > NEW_BIN_MIN_DECADES && distance > NEW_BIN_SIGMAS * sigma(bin)) {
    h.bins.push({ mean: v, m2: 0, w: unit });
    h.bins.sort((a, b) => a.mean - b.mean);
    return;
  }
  const w = bin.w + unit;
  const delta = v - bin.mean;
  bin.mean += (delta * unit) / w;
  bin.m2 += unit * delta * (v - bin.mean);
  bin.w = w;
}

export function scaleHistogram(h: DynamicHistogram, factor: number): void {
  h.total *= factor;
  for (const bin of h.bins) {
    bin.w *= factor;
    bin.m2 *= factor;
  }
}

/**
 * Rebuilds the bins from the sample: optimal 1-D k-means on the sampled log-values, k by
 * silhouette; each sampled value weighs `unitOf(its time)` (so recent values count more), and
 * the bins' weights are scaled to keep the histogram's total decayed mass. Returns false (and
 * changes nothing) when the sample is too small.
 */
export function reclusterHistogram(h: DynamicHistogram, unitOf: (ts: number) => number, now: number): boolean {
  const n = h.sample.length;
  if (n < MIN_RECLUSTER_SAMPLE) return false;
  const order = h.sample.map((_, i) => i).sort((a, b) => h.sample[a]! - h.sample[b]! || h.sampleMinutes[a]! - h.sampleMinutes[b]!);
  const values = order.map((i) => h.sample[i]!);
  const clustering = chooseClustering(values, MAX_BINS, MIN_SILHOUETTE);
  const bins: HistogramBin[] = [];
  let sampleMass = 0;
  for (let c = 0; c < clustering.k; c++) bins.push({ mean: 0, m2: 0, w: 0 });
  for (let r = 0; r < n; r++) {
    const i = order[r]!;
    const bin = bins[clustering.labels[r]!]!;
    const u = unitOf(h.sampleMinutes[i]! * 60_000);
    const v = h.sample[i]!;
    const w = bin.w + u;
    const delta = v - bin.mean;
    bin.mean += (delta * u) / w;
    bin.m2 += u * delta * (v - bin.mean);
    bin.w = w;
    sampleMass += u;
  }
  const factor = sampleMass > 0 && h.total > 0 ? h.total / sampleMass : 1;
  for (const bin of bins) {
    bin.w *= factor;
    bin.m2 *= factor;
  }
  if (h.total === 0) h.total = sampleMass;
  h.bins = bins.filter((b) => b.w > 0);
  h.clusteredAt = now;
  h.silhouette = clustering.silhouette;
  return true;
}

/** Standard normal upper tail Q(z) = erfc(z/√2)/2. */
export function normalTail(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

/**
 * Complementary error function, Chebyshev fit with fractional error below 1.2e-7
 * (Press et al., Numerical Recipes, 2nd ed., §6.2, `erfcc`).
 */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** P(X ≥ x) under the histogram with the smoothing prior (see the header). */
export function tailProbability(h: DynamicHistogram, x: number, scale: number, prior: number = TAIL_PRIOR): number {
  const v = toLog(x);
  let mass = 0;
  for (const bin of h.bins) mass += bin.w * normalTail((v - bin.mean) / sigma(bin));
  const priorTail = Math.min(1, Math.max(0, 1 - v / h.range));
  const p = (mass * scale + prior * priorTail) / (h.total * scale + prior);
  return Math.min(1, Math.max(0, p));
}

/** A bin as evidence shows it: raw units, decayed count. */
export interface BinView {
  /** Lower and upper edges (midpoints between neighbouring bins on the log scale); null = open. */
  lo: number;
  hi: number | null;
  /** The bin's centre, raw units. */
  center: number;
  /** Decayed count. */
  count: number;
}

export interface HistogramView {
  bins: BinView[];
  /** Decayed count of all observations. */
  total: number;
  /** Observations ever. */
  observations: number;
  clusteredAt: number | null;
  silhouette: number | null;
}

export function histogramView(h: DynamicHistogram, scale: number): HistogramView {
  const bins = h.bins.map((bin, i): BinView => {
    const prev = h.bins[i - 1];
    const next = h.bins[i + 1];
    return {
      lo: prev === undefined ? 0 : sig(fromLog((prev.mean + bin.mean) / 2)),
      hi: next === undefined ? null : sig(fromLog((bin.mean + next.mean) / 2)),
      center: sig(fromLog(bin.mean)),
      count: sig(bin.w * scale),
    };
  });
  return { bins, total: sig(h.total * scale), observations: h.count, clusteredAt: h.clusteredAt, silhouette: h.silhouette === null ? null : sig(h.silhouette) };
}

/** The typical value: centre of the heaviest bin (0 when empty). */
export function histogramMode(h: DynamicHistogram): number {
  let best: HistogramBin | undefined;
  for (const bin of h.bins) if (best === undefined || bin.w > best.w) best = bin;
  return best === undefined ? 0 : fromLog(best.mean);
}

function sig(x: number): number {
  return x === 0 || !Number.isFinite(x) ? x : Number(x.toPrecision(4));
}
