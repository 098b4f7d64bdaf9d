/**
 * Seeded pseudo-randomness for the peer-group build: the same data, options and seed give the
 * same groups, run after run and machine after machine.
 */

/** FNV-1a, 32 bits: a stable hash of a string, used to derive per-entity random streams. */
export function hashString(text: string, seed = 0x811c9dc5): number {
  let hash = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * Mulberry32 (Tommy Ettinger's 32-bit generator): uniform numbers in [0, 1). Small, fast and
 * good enough for sampling and projections; not for anything security-related.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * `size` distinct indices of 0..n-1 drawn uniformly without replacement (a partial
 * Fisher–Yates shuffle), in increasing order. All of them when size ≥ n.
 */
export function sampleIndices(n: number, size: number, seed: number): Int32Array {
  if (size >= n) return Int32Array.from({ length: n }, (_, i) => i);
  const pool = Int32Array.from({ length: n }, (_, i) => i);
  const random = seededRandom(seed);
  for (let i = 0; i < size; i++) {
    const j = i + Math.floor(random() * (n - i));
    const swap = pool[i]!;
    pool[i] = pool[j]!;
    pool[j] = swap;
  }
  return pool.slice(0, size).sort();
}
