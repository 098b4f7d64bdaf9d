import { randomBytes } from 'node:crypto';
import { Queue, Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { waitForJob } from '../../src/queue/wait-for-job.ts';

/**
 * Waiting for a job on real Redis: a job that finished long before anyone waited, a job still
 * to run, a failed job and a removed one. (A QueueEvents-based wait misses a completion that
 * lands between its reads; this wait reads the job's state, so none of these can hang.)
 */
describe('waitForJob on real Redis', () => {
  const connection = { url: inject('redisUrl') };
  const prefix = `rgtest-${randomBytes(4).toString('hex')}`;
  let queue: Queue;
  let worker: Worker;

  beforeAll(async () => {
    queue = new Queue('wait', { connection, prefix });
    worker = new Worker(
      'wait',
      async (job) => {
        if (job.data.fail) throw new Error(`refused ${job.data.n}`);
        return { doubled: job.data.n * 2 };
      },
      { connection: { ...connection, maxRetriesPerRequest: null }, prefix },
    );
  });
  afterAll(async () => {
    await worker.close();
    await queue.obliterate({ force: true });
    await queue.close();
  });

  it('returns the result of a job that completed before the wait began', async () => {
    const job = await queue.add('double', { n: 21 }, { jobId: 'early' });
    while ((await queue.getJobState(job.id!)) !== 'completed') await new Promise((r) => setTimeout(r, 20));
    await expect(waitForJob(queue, job.id!)).resolves.toEqual({ doubled: 42 });
  });

  it('waits for jobs still to run, many at once', async () => {
    const jobs = await Promise.all(Array.from({ length: 50 }, (_, n) => queue.add('double', { n })));
    const results = await Promise.all(jobs.map((job) => waitForJob<{ doubled: number }>(queue, job.id!)));
    expect(results.map((r) => r.doubled)).toEqual(Array.from({ length: 50 }, (_, n) => n * 2));
  });

  it('rejects with the failure reason of a failed job, and names a job that does not exist', async () => {
    const job = await queue.add('double', { n: 7, fail: true });
    await expect(waitForJob(queue, job.id!)).rejects.toThrow('refused 7');
    await expect(waitForJob(queue, 'no-such-job')).rejects.toThrow(/no-such-job.*no longer exists/);
  });

  it('gives up after its timeout while the job is still waiting', async () => {
    await worker.pause();
    try {
      const job = await queue.add('double', { n: 1 });
      await expect(waitForJob(queue, job.id!, { timeoutMs: 200 })).rejects.toThrow(/did not finish within 200 ms/);
    } finally {
      worker.resume();
    }
  });
});
