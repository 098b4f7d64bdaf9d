import type { ApiContext } from '../context.ts';
import { badInput } from '../errors.ts';
import { parseEntityId } from '../global-id.ts';
import type { BoundedQueue } from '../pubsub/bounded-queue.ts';
import type { ScopeLease } from '../pubsub/scope-registry.ts';
import type { Topic } from '../pubsub/topics.ts';
import type { ScopeHops } from '../../store/scope.repository.ts';

/** `filter.near` of Subscription.alertRaised and riskScoreChanged. */
export interface NearInput {
  entity: string;
  maxHops?: number | null;
}

const DEFAULT_HOPS = 2;

/**
 * A subscription to `topic`, filtered by `accept` and, with `near`, by the graph scope: only
 * events about users within `near.maxHops` of `near.entity` (see ScopeRegistry). The scope is
 * read before the subscription goes live, so an unknown entity or an oversized scope is refused
 * with a client error; its lease is released when the subscriber goes.
 */
export async function subscribeNear<T>(
  ctx: ApiContext,
  topic: Topic,
  options: { accept: (event: T) => boolean; userOf: (event: T) => string; near: NearInput | null | undefined },
): Promise<BoundedQueue<T>> {
  const base = {
    capacity: ctx.services.subscriberBuffer,
    ...(ctx.onSlowConsumer ? { onOverflow: ctx.onSlowConsumer } : {}),
  };
  if (options.near === null || options.near === undefined) {
    return ctx.services.pubsub.subscribe<T>(topic, { ...base, accept: options.accept });
  }
  const { entity, maxHops } = parseNear(options.near);
  const lease: ScopeLease = await ctx.services.scopes.acquire(entity, maxHops);
  try {
    return await ctx.services.pubsub.subscribe<T>(topic, {
      ...base,
      accept: (event, queue) => options.accept(event) && lease.gate(options.userOf(event), () => queue.admit(event)),
      onClose: () => lease.release(),
    });
  } catch (error) {
    lease.release();
    throw error;
  }
}

export function parseNear(near: NearInput): { entity: ReturnType<typeof parseEntityId>; maxHops: ScopeHops } {
  const entity = parseEntityId(near.entity, 'filter.near.entity');
  const hops = near.maxHops ?? DEFAULT_HOPS;
  if (!Number.isInteger(hops) || hops < 1 || hops > 3) throw badInput('filter.near.maxHops', `must be 1, 2 or 3, got ${hops}`);
  return { entity, maxHops: hops as ScopeHops };
}
