/**
 * A bounded map with least-recently-used eviction and a time to live per entry (times in ms
 * from the caller's clock). Map keeps insertion order, so re-inserting on every hit keeps the
 * least recently used entry first, where eviction takes it: O(1) per operation.
 */
export class TtlLru<K, V> {
  readonly #max: number;
  readonly #ttlMs: number;
  readonly #entries = new Map<K, { value: V; expires: number }>();

  constructor(max: number, ttlMs: number) {
    if (!(max >= 1)) throw new RangeError('max must be at least 1');
    this.#max = max;
    this.#ttlMs = ttlMs;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The live value, refreshed as most recently used; undefined when absent or expired. */
  get(key: K, now: number): V | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    this.#entries.delete(key);
    if (entry.expires <= now) return undefined;
    this.#entries.set(key, entry);
    return entry.value;
  }

  set(key: K, value: V, now: number): void {
    this.#entries.delete(key);
    while (this.#entries.size >= this.#max) {
      const oldest = this.#entries.keys().next();
      if (oldest.done) break;
      this.#entries.delete(oldest.value);
    }
    this.#entries.set(key, { value, expires: now + this.#ttlMs });
  }

  delete(key: K): void {
    this.#entries.delete(key);
  }
}
