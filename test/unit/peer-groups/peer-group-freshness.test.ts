import { describe, expect, it } from 'vitest';
import { PeerGroupFreshness } from '../../../src/jobs/peer-group-freshness.ts';
import type { RecomputeResult } from '../../../src/jobs/peer-groups.job.ts';
import { createLogger } from '../../../src/logger.ts';
import type { PeerGroupTriggerRecord, PeerGroupTriggerRepository, PeerGroupTriggerState } from '../../../src/store/peer-group-trigger.repository.ts';

/**
 * The coordination around the rebuild policy, with an in-memory record standing in for the
 * graph's (the compare-and-set and the job queue are exercised for real in
 * test/e2e/peer-group-backfill.test.ts): one claim per boundary among concurrent workers,
 * backfill batches wait for the rebuild and live ones do not, and a change of the active build
 * drops the cached context.
 */
const DAY = 86_400_000;
const WEEK = 7 * DAY;
const W = Date.UTC(2026, 2, 5); // a Thursday: a window boundary
const NOW = Date.UTC(2026, 11, 1);

class MemoryTriggers implements PeerGroupTriggerRepository {
  record: PeerGroupTriggerRecord | null = null;
  users = 30;
  activeBuild: string | null = null;
  claims = 0;
  async read(): Promise<PeerGroupTriggerState> {
    await Promise.resolve();
    return { record: this.record === null ? null : { ...this.record }, users: this.users, activeBuild: this.activeBuild };
  }
  async claim(seq: number, next: Omit<PeerGroupTriggerRecord, 'seq'>): Promise<number | null> {
    await Promise.resolve();
    if ((this.record?.seq ?? 0) !== seq) return null;
    this.claims += 1;
    this.record = { ...next, seq: seq + 1 };
    return seq + 1;
  }
}

class FakeJobs {
  readonly requested: string[] = [];
  readonly #finish = new Map<string, (r: RecomputeResult) => void>();
  readonly #done = new Map<string, Promise<RecomputeResult>>();
  readonly triggers: MemoryTriggers;
  constructor(triggers: MemoryTriggers) {
    this.triggers = triggers;
  }
  async requestDataBuild(jobId: string): Promise<void> {
    this.requested.push(jobId);
    this.#done.set(jobId, new Promise((resolve) => this.#finish.set(jobId, resolve)));
  }
  async waitFor(jobId: string): Promise<RecomputeResult> {
    return this.#done.get(jobId)!;
  }
  finish(jobId: string, buildId: string): void {
    this.triggers.activeBuild = buildId;
    this.#finish.get(jobId)!({ buildId, activated: true, users: this.triggers.users, clustered: this.triggers.users } as RecomputeResult);
  }
}

function setup(now = NOW) {
  const triggers = new MemoryTriggers();
  const jobs = new FakeJobs(triggers);
  let changed = 0;
  const freshness = new PeerGroupFreshness({
    repository: triggers,
    jobs,
    policy: { windowMs: WEEK, userGrowth: 0.2, minNewUsers: 10, growthGapMs: DAY },
    onGroupsChanged: () => void (changed += 1),
    log: createLogger('silent'),
    now: () => now,
  });
  return { triggers, jobs, freshness, changes: () => changed };
}

const batch = (ts: number) => [{ ts: ts + 3_600_000 }, { ts }];

describe('peer-group freshness before each batch', () => {
  it('starts the record on the first batch, then claims one rebuild per boundary however many workers see it', async () => {
    const { triggers, jobs, freshness } = setup();
    await freshness.beforeBatch(batch(W - 4 * DAY));
    expect(triggers.record).toMatchObject({ seq: 1, firstDataTime: W - 4 * DAY, dataTime: null, users: null, jobId: null });
    expect(jobs.requested).toEqual([]);

    // Four partitions reach the boundary at once: one claim, one job; all four wait for it.
    let resumed = 0;
    const waits = [0, 1, 2, 3].map((p) => freshness.beforeBatch(batch(W + p * 1000)).then(() => void (resumed += 1)));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(jobs.requested).toHaveLength(1);
    expect(triggers.record).toMatchObject({ seq: 2, reason: 'data-time', users: 30, jobId: jobs.requested[0] });
    expect(resumed).toBe(0);
    jobs.finish(jobs.requested[0]!, 'build-1');
    await Promise.all(waits);
    expect(resumed).toBe(4);

    // The rest of the window: no new rebuild, no wait.
    await freshness.beforeBatch(batch(W + 3 * DAY));
    expect(jobs.requested).toHaveLength(1);
    // The next window: the next rebuild.
    const next = freshness.beforeBatch(batch(W + WEEK));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(jobs.requested).toHaveLength(2);
    jobs.finish(jobs.requested[1]!, 'build-2');
    await next;
  });

  it('lets a batch behind the rebuild point pass while others wait', async () => {
    const { jobs, freshness } = setup();
    await freshness.beforeBatch(batch(W - 4 * DAY));
    let waiting = true;
    const ahead = freshness.beforeBatch(batch(W)).then(() => void (waiting = false));
    await new Promise((resolve) => setTimeout(resolve, 20));
    // A partition still in the earlier window is not held up.
    await freshness.beforeBatch(batch(W - DAY));
    expect(waiting).toBe(true);
    jobs.finish(jobs.requested[0]!, 'build-1');
    await ahead;
    expect(waiting).toBe(false);
  });

  it('does not hold up live traffic, and drops cached context when the active build changes', async () => {
    const liveNow = W + 10 * 60_000;
    const { triggers, jobs, freshness, changes } = setup(liveNow);
    triggers.record = { seq: 4, firstDataTime: W - 30 * DAY, dataTime: W - 6 * DAY, users: 30, jobId: 'old', reason: 'data-time', requestedAt: W - 6 * DAY };
    // Data of a minute ago crossing the boundary: the rebuild is asked for, the batch goes on.
    await freshness.beforeBatch([{ ts: liveNow - 60_000 }]);
    expect(jobs.requested).toHaveLength(1);
    expect(changes()).toBe(0);
    // The build is swapped in (by this or another process): the next batch sees it and drops the caches, once.
    triggers.activeBuild = 'build-9';
    await freshness.beforeBatch([{ ts: liveNow }]);
    await freshness.beforeBatch([{ ts: liveNow + 1 }]);
    expect(changes()).toBe(1);
  });

  it('never fails a batch: a store that is away is logged and the batch goes on', async () => {
    const { triggers, freshness } = setup();
    triggers.read = async () => {
      throw new Error('graph away');
    };
    await expect(freshness.beforeBatch(batch(W))).resolves.toBeUndefined();
  });
});
