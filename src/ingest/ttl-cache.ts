/**
 * A bounded map whose entries are fresh for `ttlMs` of wall-clock time: the worker's copy of
 * graph context that changes rarely and out of band (HR status set through the API, watchlists,
 * asset ratings, malware on record, peer groups). A batch reads from the graph only the keys that
 * are missing or stale, so a change made elsewhere applies to batches computed at most `ttlMs`
 * after it. Beyond `maxEntries` the oldest entries are dropped (insertion order).
 */
export class TtlCache<K, V> {
  readonly #entries = new Map<K, { value: V; at: number }>();
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #now: () => number;

  constructor(options: { ttlMs: number; maxEntries: number; now?: () => number }) {
    this.#ttlMs = options.ttlMs;
    this.#maxEntries = Math.max(1, options.maxEntries);
    this.#now = options.now ?? Date.now;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The value when present and fresh. */
  get(key: K): V | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined || this.#now() - entry.at > this.#ttlMs) return undefined;
    return entry.value;
  }

  has(key: K): boolean {
    const entry = this.#entries.get(key);
    return entry !== undefined && this.#now() - entry.at <= this.#ttlMs;
  }

  /** Stores a value read at `at` (default now): a value learnt in a batch keeps its read time. */
  set(key: K, value: V, at = this.#now()): void {
    this.#entries.delete(key);
    this.#entries.set(key, { value, at });
    if (this.#entries.size > this.#maxEntries) {
      for (const oldest of this.#entries.keys()) {
        this.#entries.delete(oldest);
        if (this.#entries.size <= this.#maxEntries) break;
      }
    }
  }

  /** When the key's value was read (undefined: not held). */
  readAt(key: K): number | undefined {
    return this.#entries.get(key)?.at;
  }

  delete(key: K): void {
    this.#entries.delete(key);
  }

  clear(): void {
    this.#entries.clear();
  }

  /**
   * The values of `keys`: fresh ones from memory, the others from one call of `load` (given
   * only the missing keys); a key `load` does not answer for is stored as `absent`.
   */
  async getMany(keys: Iterable<K>, load: (missing: K[]) => Promise<ReadonlyMap<K, V>>, absent: V): Promise<Map<K, V>> {
    const out = new Map<K, V>();
    const missing: K[] = [];
    for (const key of keys) {
      if (out.has(key)) continue;
      const entry = this.#entries.get(key);
      if (entry !== undefined && this.#now() - entry.at <= this.#ttlMs) out.set(key, entry.value);
      else missing.push(key);
    }
    if (missing.length === 0) return out;
    const at = this.#now();
    const loaded = await load(missing);
    for (const key of missing) {
      const value = loaded.has(key) ? loaded.get(key)! : absent;
      this.set(key, value, at);
      out.set(key, value);
    }
    return out;
  }
}
