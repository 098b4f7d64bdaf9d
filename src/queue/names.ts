/**
 * Queue and job names. Frozen objects rather than TypeScript enums: the project runs on Node's
 * type stripping, which takes only erasable syntax.
 */
export const JobName = Object.freeze({
  /** A batch of normalized events for one partition. */
  EVENTS: 'events',
  /** Close idle sessions of one partition. */
  SWEEP: 'sweep',
  /** Re-score some users' open sessions and risk (their HR status changed). */
  RESCORE: 'rescore',
});
export type JobName = (typeof JobName)[keyof typeof JobName];

/** The ordered queue of one user partition. */
export function partitionQueueName(partition: number): string {
  return `ingest-p${partition}`;
}
