/**
 * Seeded randomness for the synthetic organisation. Nothing under `seeds/` calls Math.random:
 * every draw comes from an `Rng` whose seed is derived from the dataset seed and the
 * coordinates of what is being generated (user, day, scenario instance), so one user-day
 * does not depend on how many other users or days were drawn before it. That keeps the
 * normal events of a user byte-identical whether or not a scenario is injected elsewhere.
 */

/** murmur3's 32-bit finaliser: spreads every input bit over the whole word. */
function fmix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A 32-bit seed for the stream identified by `parts` (FNV-style combine, murmur3 finaliser). */
export function seedFor(...parts: readonly number[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    h = fmix32(Math.imul(h ^ (part | 0), 0x01000193) + 0x9e3779b9);
  }
  return h;
}

/** Stream tags, so that streams for different purposes never share a seed. */
export const STREAM = {
  organisation: 1,
  userPlan: 2,
  userDay: 3,
  scenario: 4,
  pilot: 5,
} as const;

/**
 * mulberry32 (Tommy Ettinger, public domain): one 32-bit word of state, period 2^32, passes
 * PractRand to 8 GB — ample for simulation, and a few nanoseconds per draw.
 */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Integer in [lo, hi] inclusive. */
  between(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** Uniform real in [lo, hi). */
  range(lo: number, hi: number): number {
    return lo + this.next() * (hi - lo);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('Rng.pick: empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /**
   * Picks with a preference for the front of the list: index = ⌊u²·n⌋, so the first item is
   * drawn about √n times more often than the last — a cheap Zipf-like popularity curve.
   */
  skewed<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('Rng.skewed: empty list');
    const u = this.next();
    return items[Math.floor(u * u * items.length)] as T;
  }

  /** Index drawn with probability proportional to `weights[i]`. */
  weighted(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    let x = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      x -= weights[i] as number;
      if (x < 0) return i;
    }
    return weights.length - 1;
  }

  /** Standard normal, Box–Muller (one of the pair is discarded to keep the state simple). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Log-normal with the given median and σ of the underlying normal. */
  lognormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  /** Exponential with the given mean. */
  exponential(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }

  /** Poisson count: Knuth's product method below λ = 30, a rounded normal above. */
  poisson(lambda: number): number {
    if (lambda <= 0) return 0;
    if (lambda >= 30) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * this.normal()));
    const limit = Math.exp(-lambda);
    let k = 0;
    let p = this.next();
    while (p > limit) {
      k++;
      p *= this.next();
    }
    return k;
  }

  /** Fisher–Yates shuffle of a copy. */
  shuffled<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const tmp = out[i] as T;
      out[i] = out[j] as T;
      out[j] = tmp;
    }
    return out;
  }

  /** `k` distinct items (fewer if the list is shorter), in random order. */
  sample<T>(items: readonly T[], k: number): T[] {
    return this.shuffled(items).slice(0, Math.max(0, k));
  }
}
