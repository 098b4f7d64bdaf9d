import type { Redis } from 'ioredis';
import type { Logger } from '../../logger.ts';
import { BoundedQueue } from './bounded-queue.ts';
import { channelOf, type Topic } from './topics.ts';

/**
 * Cross-instance events over Redis pub/sub: every API instance publishes to the channel and
 * every instance's subscriber connection receives, so a subscriber gets an alert whichever
 * instance raised it. A subscribed Redis connection can do nothing else, hence a dedicated
 * one. A message is parsed once per instance and offered to each local subscriber's bounded
 * queue; offering never waits, so a slow subscriber cannot hold up the rest.
 *
 * Redis pub/sub is at-most-once: a subscriber disconnected at that moment misses the event;
 * alerts are also recorded in the graph, where `Query.alerts` reads them back.
 */
export interface SubscribeOptions<T> {
  /** Events buffered for this subscriber before it counts as too slow. */
  capacity: number;
  /** See BoundedQueueOptions.accept. */
  accept?: (event: T, queue: BoundedQueue<T>) => boolean;
  onOverflow?: () => void;
  /** Called once when the subscriber goes (unsubscribed, cut off or closed). */
  onClose?: () => void;
}

export interface PubSub {
  publish(topic: Topic, event: unknown): Promise<void>;
  /** Resolves once the subscription is live (Redis acknowledged it). */
  subscribe<T>(topic: Topic, options: SubscribeOptions<T>): Promise<BoundedQueue<T>>;
  /**
   * An in-process listener (a cache kept fresh by the stream), called synchronously with each
   * event in arrival order; resolves, once the subscription is live, to a function that stops
   * it. Not a client subscriber: no buffer, and not counted by `subscriberCount`. A listener
   * that throws is logged and keeps listening.
   */
  listen<T>(topic: Topic, listener: (event: T) => void): Promise<() => void>;
  /** Local client subscribers to a topic (tests wait on this). */
  subscriberCount(topic: Topic): number;
  close(): Promise<void>;
}

export class RedisPubSub implements PubSub {
  readonly #publisher: Redis;
  /** Opened on the first subscribe: a publish-only instance (a worker) needs no second connection. */
  #subscriber: Redis | null = null;
  readonly #prefix: string;
  readonly #log: Logger;
  readonly #queues = new Map<string, Set<BoundedQueue<unknown>>>();
  readonly #listeners = new Map<string, Set<(event: unknown) => void>>();
  /** Pending or done SUBSCRIBE per channel, so concurrent first subscribers share one. */
  readonly #subscribed = new Map<string, Promise<unknown>>();

  constructor(deps: { redis: Redis; prefix: string; log: Logger }) {
    this.#publisher = deps.redis;
    this.#prefix = deps.prefix;
    this.#log = deps.log;
  }

  #subscriberConnection(): Redis {
    if (this.#subscriber === null) {
      this.#subscriber = this.#publisher.duplicate();
      this.#subscriber.on('message', (channel: string, message: string) => this.#deliver(channel, message));
      this.#subscriber.on('error', (error: unknown) => this.#log.warn({ err: error }, 'pub/sub connection error'));
    }
    return this.#subscriber;
  }

  async publish(topic: Topic, event: unknown): Promise<void> {
    await this.#publisher.publish(channelOf(this.#prefix, topic), JSON.stringify(event));
  }

  async subscribe<T>(topic: Topic, options: SubscribeOptions<T>): Promise<BoundedQueue<T>> {
    const channel = channelOf(this.#prefix, topic);
    let queues = this.#queues.get(channel);
    if (queues === undefined) {
      queues = new Set();
      this.#queues.set(channel, queues);
    }
    const set = queues;
    const queue: BoundedQueue<T> = new BoundedQueue<T>({
      ...options,
      onClose: () => {
        set.delete(queue as BoundedQueue<unknown>);
        options.onClose?.();
        // The Redis subscription stays: subscribers come and go, and an idle channel costs nothing.
      },
    });
    set.add(queue as BoundedQueue<unknown>);
    try {
      await this.#subscribeChannel(channel);
    } catch (error) {
      await queue.return();
      throw error;
    }
    return queue;
  }

  async listen<T>(topic: Topic, listener: (event: T) => void): Promise<() => void> {
    const channel = channelOf(this.#prefix, topic);
    let listeners = this.#listeners.get(channel);
    if (listeners === undefined) {
      listeners = new Set();
      this.#listeners.set(channel, listeners);
    }
    const set = listeners;
    const entry = listener as (event: unknown) => void;
    set.add(entry);
    try {
      await this.#subscribeChannel(channel);
    } catch (error) {
      set.delete(entry);
      throw error;
    }
    return () => void set.delete(entry);
  }

  /** SUBSCRIBE once per channel, shared by concurrent first subscribers. */
  #subscribeChannel(channel: string): Promise<unknown> {
    let subscribed = this.#subscribed.get(channel);
    if (subscribed === undefined) {
      subscribed = this.#subscriberConnection().subscribe(channel);
      this.#subscribed.set(channel, subscribed);
      subscribed.catch(() => this.#subscribed.delete(channel));
    }
    return subscribed;
  }

  subscriberCount(topic: Topic): number {
    return this.#queues.get(channelOf(this.#prefix, topic))?.size ?? 0;
  }

  async close(): Promise<void> {
    for (const queues of this.#queues.values()) for (const queue of [...queues]) await queue.return();
    this.#queues.clear();
    this.#listeners.clear();
    this.#subscribed.clear();
    this.#subscriber?.disconnect();
    this.#subscriber = null;
  }

  #deliver(channel: string, message: string): void {
    const queues = this.#queues.get(channel);
    const listeners = this.#listeners.get(channel);
    if ((queues === undefined || queues.size === 0) && (listeners === undefined || listeners.size === 0)) return;
    let event: unknown;
    try {
      event = JSON.parse(message);
    } catch (error) {
      this.#log.warn({ err: error, channel }, 'ignoring a malformed pub/sub message');
      return;
    }
    for (const listener of listeners ?? []) {
      try {
        listener(event);
      } catch (error) {
        this.#log.warn({ err: error, channel }, 'a pub/sub listener failed');
      }
    }
    for (const queue of [...(queues ?? [])]) queue.push(event);
  }
}
