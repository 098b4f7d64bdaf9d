/**
 * A decayed categorical profile with a bounded number of keys: how often a user touched each
 * asset, application, device, domain, country, city or source network.
 *
 * Weights are forward-decayed (forward-decay.ts): the caller passes each observation's stored
 * weight `unit` and, when reading, the `scale` that turns stored weights into effective counts.
 *
 * Memory bound: at most `cap` keys are kept. When a new key would exceed the cap, the key with
 * the smallest decayed weight (all stored weights share one landmark, so they compare directly)
 * is folded into the `other` mass: its weight still counts in the total, its identity is
 * forgotten. A folded key that comes back is therefore new again; with the caps in
 * user-profile.ts that happens only to keys not touched for many half-lives.
 */

export interface CategoryEntry {
  /** Stored (forward-decayed) weight. */
  w: number;
  /** First and latest observation, epoch ms. */
  first: number;
  last: number;
}

export interface CategoricalProfile {
  /** Most keys kept. */
  cap: number;
  entries: Map<string, CategoryEntry>;
  /** Stored weight of every observation, folded keys included. */
  total: number;
  /** Stored weight folded from evicted keys. */
  other: number;
  /** Stored weight of the observations that introduced a key the profile did not hold. */
  novel: number;
  /** How many keys have been folded so far. */
  folded: number;
}

export function createCategorical(cap: number): CategoricalProfile {
  if (!Number.isInteger(cap) || cap < 1) throw new RangeError(`categorical cap must be a positive integer, got ${cap}`);
  return { cap, entries: new Map(), total: 0, other: 0, novel: 0, folded: 0 };
}

/** Adds one observation of `key` with stored weight `unit`; true when the key was new. */
export function observeCategory(p: CategoricalProfile, key: string, unit: number, ts: number): boolean {
  p.total += unit;
  const entry = p.entries.get(key);
  if (entry !== undefined) {
    entry.w += unit;
    if (ts < entry.first) entry.first = ts;
    if (ts > entry.last) entry.last = ts;
    return false;
  }
  p.novel += unit;
  p.entries.set(key, { w: unit, first: ts, last: ts });
  if (p.entries.size > p.cap) foldSmallest(p, key);
  return true;
}

/** Folds the lightest key other than `keep` into `other` (a linear scan: caps are small). */
function foldSmallest(p: CategoricalProfile, keep: string): void {
  let victim: string | null = null;
  let least = Number.POSITIVE_INFINITY;
  for (const [key, entry] of p.entries) {
    // Ties break on the key so that folding is deterministic whatever the insertion order.
    if (key !== keep && (entry.w < least || (entry.w === least && victim !== null && key < victim))) {
      victim = key;
      least = entry.w;
    }
  }
  if (victim === null) return;
  p.entries.delete(victim);
  p.other += least;
  p.folded += 1;
}

/** Multiplies every stored weight by `factor` (landmark rebase). */
export function scaleCategorical(p: CategoricalProfile, factor: number): void {
  p.total *= factor;
  p.other *= factor;
  p.novel *= factor;
  for (const entry of p.entries.values()) entry.w *= factor;
}

/** Pseudo-counts of the Beta prior on the novelty rate: a brand-new profile gives p = 1/2. */
export const NOVELTY_PRIOR = { novel: 1, familiar: 1 } as const;

/**
 * Probability that an observation brings a key the profile has not seen: the decayed share of
 * past observations that did, under a Beta(1, 1) prior, (novel + 1) / (total + 2) in effective
 * counts. A user who keeps touching new things is not surprised by one more.
 */
export function noveltyProbability(p: CategoricalProfile, scale: number): number {
  return (p.novel * scale + NOVELTY_PRIOR.novel) / (p.total * scale + NOVELTY_PRIOR.novel + NOVELTY_PRIOR.familiar);
}

/** Effective weight given to keys never seen when testing rarity (one pseudo-observation). */
export const RARITY_PRIOR = 1;

/**
 * Tail probability of a key under the profile's categorical distribution: the total
 * probability of every outcome at most as likely as this one, Σ_{k : w_k ≤ w_key} w_k, plus the
 * folded `other` mass and the prior's unseen mass, over the total (the usual exact p-value of a
 * multinomial outcome). Small when the key is rare next to what the user mostly does.
 */
export function rarityPValue(p: CategoricalProfile, key: string, scale: number): number {
  const w = p.entries.get(key)?.w ?? 0;
  let below = p.other;
  for (const entry of p.entries.values()) if (entry.w <= w) below += entry.w;
  return (below * scale + RARITY_PRIOR) / (p.total * scale + RARITY_PRIOR);
}

/** What evidence reports about one key, in effective (decayed) counts. */
export interface CategoryStats {
  key: string;
  seen: boolean;
  /** Decayed count of this key. */
  count: number;
  /** Decayed count of all observations. */
  total: number;
  distinct: number;
  /** Decayed count folded from forgotten keys. */
  other: number;
  first: number | null;
  last: number | null;
}

export function categoryStats(p: CategoricalProfile, key: string, scale: number): CategoryStats {
  const entry = p.entries.get(key);
  return {
    key,
    seen: entry !== undefined,
    count: round((entry?.w ?? 0) * scale),
    total: round(p.total * scale),
    distinct: p.entries.size,
    other: round(p.other * scale),
    first: entry?.first ?? null,
    last: entry?.last ?? null,
  };
}

/** The `n` heaviest keys with decayed counts, heaviest first (ties by key). */
export function topCategories(p: CategoricalProfile, n: number, scale: number): Array<{ key: string; count: number }> {
  return [...p.entries]
    .sort((a, b) => b[1].w - a[1].w || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, n)
    .map(([key, e]) => ({ key, count: round(e.w * scale) }));
}

/** Evidence numbers to 4 significant digits: enough to read, stable to compare. */
export function round(x: number): number {
  return x === 0 || !Number.isFinite(x) ? x : Number(x.toPrecision(4));
}
