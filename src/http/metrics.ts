/**
 * Moved to src/metrics.ts: the workers record metrics too, and the queue layer must not depend
 * on the HTTP edge. Kept only until queue/pipeline.worker.ts imports '../metrics.ts' (see the
 * temporary exception in .dependency-cruiser.cjs); then delete this file.
 */
export { Metrics } from '../metrics.ts';
