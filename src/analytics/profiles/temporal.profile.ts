/**
 * When a user is active: decayed counts per hour of day (24 bins) and per ISO day of week
 * (7 bins, Monday first), in the user's own time zone (the profile's `tzOffsetMinutes`).
 *
 * Tests are exact p-values of a categorical outcome (as in categorical.profile.ts) over a
 * smoothed distribution:
 * - hours are smoothed circularly with the kernel (¼, ½, ¼) over the neighbouring hours, so a
 *   logon at 07:50 by someone who always starts at 08:00 is not a surprise;
 * - a Dirichlet prior of TEMPORAL_PRIOR effective observations is spread evenly over the bins,
 *   so a brand-new profile finds nothing unusual.
 * p(bin) = Σ over bins b' with P(b') ≤ P(bin) of P(b').
 */
import { dayOfWeek, hourOfDay } from '../access-aggregator.ts';

export const TEMPORAL_PRIOR = 1;

export interface TemporalProfile {
  /** Stored weights per local hour 0–23. */
  hours: number[];
  /** Stored weights per local ISO day of week, 0 = Monday … 6 = Sunday. */
  days: number[];
  total: number;
}

export function createTemporal(): TemporalProfile {
  return { hours: new Array<number>(24).fill(0), days: new Array<number>(7).fill(0), total: 0 };
}

/** Local hour and ISO day of week of `ts` at a fixed UTC offset (minutes east of UTC). */
export function localTime(ts: number, tzOffsetMinutes: number): { hour: number; day: number } {
  const local = ts + tzOffsetMinutes * 60_000;
  return { hour: hourOfDay(local), day: dayOfWeek(local) };
}

export function observeTime(t: TemporalProfile, ts: number, tzOffsetMinutes: number, unit: number): void {
  const { hour, day } = localTime(ts, tzOffsetMinutes);
  t.hours[hour]! += unit;
  t.days[day]! += unit;
  t.total += unit;
}

export function scaleTemporal(t: TemporalProfile, factor: number): void {
  for (let i = 0; i < 24; i++) t.hours[i]! *= factor;
  for (let i = 0; i < 7; i++) t.days[i]! *= factor;
  t.total *= factor;
}

/**
 * Moves the hour bins when the user's time zone changes by `deltaMinutes` (rounded to whole
 * hours; the day bins stay, since a shift of a few hours moves only the edges of days).
 */
export function shiftTemporal(t: TemporalProfile, deltaMinutes: number): void {
  const shift = Math.round(deltaMinutes / 60);
  if (shift % 24 === 0) return;
  const old = [...t.hours];
  for (let h = 0; h < 24; h++) t.hours[(((h + shift) % 24) + 24) % 24] = old[h]!;
}

/** Smoothed probabilities of every hour (kernel, then prior); effective counts via `scale`. */
export function hourDistribution(t: TemporalProfile, scale: number): number[] {
  const denominator = t.total * scale + TEMPORAL_PRIOR;
  return t.hours.map((_, h) => {
    const k = 0.25 * t.hours[(h + 23) % 24]! + 0.5 * t.hours[h]! + 0.25 * t.hours[(h + 1) % 24]!;
    return (k * scale + TEMPORAL_PRIOR / 24) / denominator;
  });
}

export function dayDistribution(t: TemporalProfile, scale: number): number[] {
  const denominator = t.total * scale + TEMPORAL_PRIOR;
  return t.days.map((w) => (w * scale + TEMPORAL_PRIOR / 7) / denominator);
}

/** Exact p-value of outcome `i` under distribution `p` (see the header). */
export function outcomePValue(p: readonly number[], i: number): number {
  const pi = p[i]!;
  let sum = 0;
  // A relative tolerance so that bins equal up to rounding count as equal.
  for (const q of p) if (q <= pi * (1 + 1e-9)) sum += q;
  return Math.min(1, sum);
}
