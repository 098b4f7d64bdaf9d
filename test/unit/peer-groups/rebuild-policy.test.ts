import { describe, expect, it } from 'vitest';
import { dataWindow, decideRebuild, type RebuildPolicy, type RebuildRecord, startRecord } from '../../../src/analytics/peer-groups/rebuild-policy.ts';

const DAY = 86_400_000;
const WEEK = 7 * DAY;
const POLICY: RebuildPolicy = { windowMs: WEEK, userGrowth: 0.2, minNewUsers: 10, growthGapMs: DAY };
/** Thursday 2026-03-05 00:00 UTC: a window boundary (the epoch was a Thursday). */
const W = Date.UTC(2026, 2, 5);

const record = (over: Partial<RebuildRecord> = {}): RebuildRecord => ({ seq: 3, firstDataTime: W - 20 * DAY, dataTime: W + DAY, users: 100, ...over });

describe('peer-group rebuilds that follow the data time', () => {
  it('cuts data time into epoch-aligned windows', () => {
    expect(W % WEEK).toBe(0);
    expect(dataWindow(W, WEEK)).toBe(dataWindow(W + WEEK - 1, WEEK));
    expect(dataWindow(W + WEEK, WEEK)).toBe(dataWindow(W, WEEK) + 1);
    expect(dataWindow(W - 1, WEEK)).toBe(dataWindow(W, WEEK) - 1);
    expect(dataWindow(W, 0)).toBe(0);
  });

  it('starts a record on the first batch, growth counted from the first rebuild', () => {
    expect(decideRebuild(null, { dataTime: W, users: 0 }, POLICY)).toEqual({ kind: 'start' });
    expect(startRecord({ dataTime: W + 5, users: 40 }, POLICY)).toEqual({ firstDataTime: W + 5, dataTime: null, users: null });
    // Growth only: the user count now is the baseline.
    expect(startRecord({ dataTime: W + 5, users: 40 }, { ...POLICY, windowMs: 0 })).toEqual({ firstDataTime: W + 5, dataTime: null, users: 40 });
  });

  it('first rebuilds at a window boundary with at least half a window of data behind it', () => {
    const fresh = record({ firstDataTime: W + 5 * DAY, dataTime: null, users: null });
    // Next boundary after 2 days of data: too little.
    expect(decideRebuild(fresh, { dataTime: W + WEEK, users: 500 }, POLICY)).toEqual({ kind: 'none' });
    expect(decideRebuild(fresh, { dataTime: W + WEEK + DAY, users: 500 }, POLICY)).toEqual({ kind: 'none' });
    // Half a window (3.5 days) of data reached in the later window (a batch cut by size starts mid-window).
    expect(decideRebuild(fresh, { dataTime: W + WEEK + 2 * DAY - 12 * 3_600_000, users: 500 }, POLICY)).toEqual({ kind: 'rebuild', reason: 'data-time' });
    expect(decideRebuild(fresh, { dataTime: W + 2 * WEEK, users: 500 }, POLICY)).toEqual({ kind: 'rebuild', reason: 'data-time' });
    const early = record({ firstDataTime: W + DAY, dataTime: null, users: null });
    expect(decideRebuild(early, { dataTime: W + WEEK - 1, users: 5 }, POLICY)).toEqual({ kind: 'none' });
    expect(decideRebuild(early, { dataTime: W + WEEK, users: 5 }, POLICY)).toEqual({ kind: 'rebuild', reason: 'data-time' });
  });

  it('rebuilds once the data is in a later window than the last rebuild, not before, not for older data', () => {
    const last = record({ dataTime: W + DAY });
    expect(decideRebuild(last, { dataTime: W + WEEK - 1, users: 100 }, POLICY)).toEqual({ kind: 'none' });
    expect(decideRebuild(last, { dataTime: W + WEEK, users: 100 }, POLICY)).toEqual({ kind: 'rebuild', reason: 'data-time' });
    expect(decideRebuild(last, { dataTime: W + 5 * WEEK, users: 100 }, POLICY)).toEqual({ kind: 'rebuild', reason: 'data-time' });
    expect(decideRebuild(last, { dataTime: W - 3 * WEEK, users: 100 }, POLICY)).toEqual({ kind: 'none' });
  });

  it('rebuilds when users grew by the share and by at least minNewUsers', () => {
    const last = record({ users: 100 });
    expect(decideRebuild(last, { dataTime: W + 2 * DAY, users: 119 }, POLICY)).toEqual({ kind: 'none' });
    expect(decideRebuild(last, { dataTime: W + 2 * DAY, users: 120 }, POLICY)).toEqual({ kind: 'rebuild', reason: 'user-growth' });
    // 20 % of 20 users is 4, below the absolute floor of 10.
    const small = record({ users: 20 });
    expect(decideRebuild(small, { dataTime: W + 2 * DAY, users: 29 }, POLICY)).toEqual({ kind: 'none' });
    expect(decideRebuild(small, { dataTime: W + 2 * DAY, users: 30 }, POLICY)).toEqual({ kind: 'rebuild', reason: 'user-growth' });
    // Not within a day of data time of the last rebuild (W + DAY).
    expect(decideRebuild(last, { dataTime: W + 2 * DAY - 1, users: 500 }, POLICY)).toEqual({ kind: 'none' });
    // No growth rule before the first rebuild (users null).
    expect(decideRebuild(record({ dataTime: null, users: null, firstDataTime: W + DAY }), { dataTime: W + 2 * DAY, users: 10_000 }, POLICY)).toEqual({ kind: 'none' });
  });

  it('does nothing with both rules off, and each rule alone', () => {
    const off = { windowMs: 0, userGrowth: 0, minNewUsers: 10, growthGapMs: DAY };
    expect(decideRebuild(null, { dataTime: W, users: 0 }, off)).toEqual({ kind: 'none' });
    expect(decideRebuild(record(), { dataTime: W + 9 * WEEK, users: 1000 }, off)).toEqual({ kind: 'none' });
    expect(decideRebuild(record(), { dataTime: W + 9 * WEEK, users: 100 }, { ...POLICY, windowMs: 0 })).toEqual({ kind: 'none' });
    expect(decideRebuild(record(), { dataTime: W + 2 * DAY, users: 1000 }, { ...POLICY, userGrowth: 0 })).toEqual({ kind: 'none' });
  });
});
