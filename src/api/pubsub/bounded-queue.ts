/**
 * One subscriber's buffer: an async iterator over pushed events, bounded. A consumer that
 * falls `capacity` events behind (a dashboard on a stalled network, a client that stopped
 * reading) is cut off through `onOverflow` instead of buffering without end, so one slow
 * client can neither exhaust memory nor hold up the others: the publisher only ever pushes,
 * never waits. Dropping events silently instead would leave a dashboard believing it saw
 * every alert; cutting it off makes it reconnect and re-read `Query.alerts`.
 *
 * `return()` ends the iterator at once, also while a `next()` is pending (an async generator
 * could not: it would wait for the next event first), which is what graphql-ws calls when a
 * client completes a subscription.
 */
export interface BoundedQueueOptions<T> {
  capacity: number;
  /**
   * Only events it accepts are buffered. A filter that cannot decide yet (a graph scope being
   * refreshed) returns false and hands the event over later with `queue.admit(event)`.
   */
  accept?: (event: T, queue: BoundedQueue<T>) => boolean;
  onOverflow?: () => void;
  /** Called once when the iterator ends (unsubscribe). */
  onClose?: () => void;
}

export class BoundedQueue<T> implements AsyncIterableIterator<T> {
  readonly #buffer: T[] = [];
  readonly #waiting: Array<(result: IteratorResult<T>) => void> = [];
  readonly #options: BoundedQueueOptions<T>;
  #closed = false;
  #overflowed = false;

  constructor(options: BoundedQueueOptions<T>) {
    this.#options = options;
  }

  get size(): number {
    return this.#buffer.length;
  }

  get closed(): boolean {
    return this.#closed;
  }

  get overflowed(): boolean {
    return this.#overflowed;
  }

  /** Offers an event; never blocks. */
  push(event: T): void {
    if (this.#closed) return;
    if (this.#options.accept !== undefined && !this.#options.accept(event, this)) return;
    this.admit(event);
  }

  /** Buffers an event without asking `accept` (one it deferred); never blocks. */
  admit(event: T): void {
    if (this.#closed) return;
    const waiter = this.#waiting.shift();
    if (waiter !== undefined) {
      waiter({ value: event, done: false });
      return;
    }
    if (this.#buffer.length >= this.#options.capacity) {
      this.#overflowed = true;
      this.#close();
      this.#options.onOverflow?.();
      return;
    }
    this.#buffer.push(event);
  }

  next(): Promise<IteratorResult<T>> {
    const event = this.#buffer.shift();
    if (event !== undefined) return Promise.resolve({ value: event, done: false });
    if (this.#closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  return(): Promise<IteratorResult<T>> {
    this.#buffer.length = 0;
    this.#close();
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(error?: unknown): Promise<IteratorResult<T>> {
    this.#buffer.length = 0;
    this.#close();
    return Promise.reject(error);
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }

  #close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const waiter of this.#waiting.splice(0)) waiter({ value: undefined, done: true });
    this.#options.onClose?.();
  }
}
