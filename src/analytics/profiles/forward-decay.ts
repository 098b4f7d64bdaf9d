/**
 * Exponential time decay by *forward decay* (Cormode, Shkapenyuk, Srivastava and Xu, "Forward
 * Decay: A Practical Time Decay Model for Streaming Systems", ICDE 2009).
 *
 * An observation at time t is stored with weight g(t) = 2^((t − L) / H), where L is a landmark
 * (the profile's `anchor`) and H the half-life. Seen from time `at`, its weight is
 * g(t) / g(at) = 2^(−(at − t) / H): exactly halved every half-life. Why this form:
 * - adding an observation is O(1) and no stored weight is rewritten as time passes (the
 *   decay is applied lazily, by one multiplication, when a value is read);
 * - observations may arrive out of order: an old event simply adds a smaller weight;
 * - every probability is a ratio of stored weights, in which the decay cancels.
 * g grows without bound, so the landmark moves forward (`rebase`) once g would pass
 * 2^REBASE_EXPONENT, keeping doubles far from overflow and with full relative precision.
 */

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** Default half-life of every decayed profile part: behaviour 30 days old counts half. */
export const DEFAULT_HALF_LIFE_DAYS = 30;

/** Rebase the landmark once stored weights would exceed 2^40 (≈ 1.1e12). */
export const REBASE_EXPONENT = 40;

export interface DecayClock {
  /** Landmark L, epoch ms. */
  anchor: number;
  /** Half-life H, ms. */
  halfLifeMs: number;
}

/** The stored weight of one observation at `ts` (g(ts) above). */
export function forwardWeight(clock: DecayClock, ts: number): number {
  return 2 ** ((ts - clock.anchor) / clock.halfLifeMs);
}

/** Multiplier turning stored weights into effective, decayed counts as seen at `at`: 1 / g(at). */
export function decayScale(clock: DecayClock, at: number): number {
  return 2 ** ((clock.anchor - at) / clock.halfLifeMs);
}

/** Whether an observation at `ts` calls for moving the landmark forward first. */
export function needsRebase(clock: DecayClock, ts: number): boolean {
  return (ts - clock.anchor) / clock.halfLifeMs > REBASE_EXPONENT;
}
