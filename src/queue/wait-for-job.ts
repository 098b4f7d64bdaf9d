import type { Queue } from 'bullmq';

/**
 * Waits until a job finishes, by asking Redis for its state with a growing interval.
 *
 * Not `job.waitUntilFinished(queueEvents)`: a QueueEvents reads its stream from `$`, and
 * both its first read and every read after a quiet blocking timeout start "from now", so a job
 * finishing in those gaps is never reported and the waiter hangs (seen in CI: a CLI import
 * waiting forever on a sweep that had long completed). Polling the job's state cannot miss it.
 */
export async function waitForJob<R>(
  queue: Queue,
  jobId: string,
  options: { timeoutMs?: number; minIntervalMs?: number; maxIntervalMs?: number } = {},
): Promise<R> {
  const minInterval = options.minIntervalMs ?? 10;
  const maxInterval = options.maxIntervalMs ?? 250;
  const deadline = options.timeoutMs === undefined ? Infinity : Date.now() + options.timeoutMs;
  for (let interval = minInterval; ; interval = Math.min(maxInterval, interval * 2)) {
    const state = await queue.getJobState(jobId);
    if (state === 'completed') {
      // Read after the state, so the value is the finished run's.
      const job = await queue.getJob(jobId);
      if (job === undefined) throw new Error(`job ${queue.name}/${jobId} was removed before its result was read`);
      return job.returnvalue as R;
    }
    if (state === 'failed') {
      const job = await queue.getJob(jobId);
      throw new Error(job?.failedReason || `job ${queue.name}/${jobId} failed`);
    }
    if (state === 'unknown') throw new Error(`job ${queue.name}/${jobId} no longer exists (removed before its result was read)`);
    if (Date.now() + interval > deadline) {
      throw new Error(`job ${queue.name}/${jobId} did not finish within ${options.timeoutMs} ms (state ${state})`);
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}
