import type { NormalizedEvent } from '../events/event.ts';

/**
 * Events are partitioned by user (FNV-1a 32-bit hash of the user id) so that one user's events
 * are processed in order by one worker at a time. Host facts without a user go by host.
 * Changing the number of partitions moves users between queues: drain the queues first.
 */
export function partitionOf(key: string, partitions: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % partitions;
}

export function partitionOfEvent(event: NormalizedEvent, partitions: number): number {
  return partitionOf(event.user ?? event.host ?? event.id, partitions);
}
