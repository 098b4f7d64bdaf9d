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

  /** The value when present and fresh. */
  get(key: K): V | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined || this.#now() - entry.at > this.#ttlMs) return undefined;
    return entry.value;
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

  /** Drops every entry (what they copied changed everywhere at once, e.g. a peer-group rebuild). */
  clear(): void {
    this.#entries.clear();
  }

  /** When the key's value was read (undefined: not held). */
  readAt(key: K): number | undefined {
    return this.#entries.get(key)?.at;
  }

  /**
   * The fresh value, or the one `load` makes now, stored. A promise is stored as it is, so
   * callers that miss at the same time share one load; one that rejects is dropped, so the next
   * call loads again.
   */
  getOrLoad(key: K, load: () => V): V {
    const known = this.get(key);
    if (known !== undefined) return known;
    const value = load();
    if (value instanceof Promise) {
      value.catch(() => {
        if (this.#entries.get(key)?.value === value) this.#entries.delete(key);
      });
    }
    this.set(key, value);
    return value;
  }
}
