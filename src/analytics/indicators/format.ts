/** How reasons write numbers, sizes, times and probabilities: one place, so reasons read alike. */
import type { HistogramView } from '../profiles/histogram.profile.ts';

const BYTE_UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'] as const;

/** Decimal (SI) byte sizes: 1.2 GB, 340 kB, 12 B. */
export function formatBytes(bytes: number): string {
  let v = bytes;
  let u = 0;
  while (Math.abs(v) >= 1000 && u < BYTE_UNITS.length - 1) {
    v /= 1000;
    u++;
  }
  return `${u === 0 ? Math.round(v) : formatNumber(v)} ${BYTE_UNITS[u]}`;
}

/** A count or measure with thousands separators and at most 3 significant decimals. */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const abs = Math.abs(x);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  const rounded = Number(x.toFixed(digits));
  return rounded.toLocaleString('en-US', { maximumFractionDigits: digits });
}

/** A value in a feature's unit. */
export function formatValue(x: number, unit: 'bytes' | 'count'): string {
  return unit === 'bytes' ? formatBytes(x) : formatNumber(x);
}

/** p-values to two significant digits: p = 0.0021. */
export function formatP(p: number): string {
  if (p === 0) return 'p = 0';
  if (p < 1e-6) return `p = ${p.toExponential(1)}`;
  return `p = ${Number(p.toPrecision(2))}`;
}

/** A share as a percentage: 3.2 %. */
export function formatPercent(share: number): string {
  return `${formatNumber(share * 100)} %`;
}

/** UTC date and minute: 2024-03-05 14:02 UTC. */
export function formatTime(ts: number): string {
  return `${new Date(ts).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** A calendar day: 2024-03-05. */
export function formatDay(ts: number): string {
  return new Date(ts).toISOString().slice(0, 10);
}

/** UTC±hh:mm. */
export function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `UTC${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** Duration in hours or minutes: 45 min, 3.5 h, 2.1 days. */
export function formatDuration(ms: number): string {
  const minutes = ms / 60_000;
  if (minutes < 90) return `${formatNumber(minutes)} min`;
  const hours = minutes / 60;
  if (hours < 48) return `${formatNumber(hours)} h`;
  return `${formatNumber(hours / 24)} days`;
}

export const DAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;

/** A list cut to `n` items: a, b, c and 4 more. */
export function formatList(items: readonly string[], n = 5): string {
  if (items.length <= n) return items.join(', ');
  return `${items.slice(0, n).join(', ')} and ${items.length - n} more`;
}


/** A histogram's bins as a reason writes them: "2.1 MB (62 %), 48 MB (38 %)". */
export function describeBins(view: HistogramView, unit: 'bytes' | 'count'): string {
  if (view.bins.length === 0 || view.total <= 0) return 'nothing yet';
  const parts = [...view.bins]
    .sort((a, b) => b.count - a.count)
    .map((b) => `${formatValue(b.center, unit)} (${formatPercent(b.count / view.total)})`);
  return formatList(parts, 4);
}
