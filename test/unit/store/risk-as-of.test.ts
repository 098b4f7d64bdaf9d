import { describe, expect, it } from 'vitest';
import { RISK_AS_OF_SOURCE, resolveRiskAsOf } from '../../../src/store/risk-history.repository.ts';

/**
 * Which stored value stood at an instant (the rows as user-risk-as-of.cypher returns them):
 * the current risk when computed at or before the instant and after the snapshot in force;
 * else that snapshot; else the previous score of the first change after; else 0.
 */
const explanation = (score: number, at: number) => JSON.stringify({ score, level: 'LOW', raw: score, computedAt: at, contributions: [{ sessionId: 's1', sessionScore: score, ageMs: 0, decay: 1, decayedScore: score, value: score }] });
const snapshot = (at: number, score: number, extra: Record<string, unknown> = {}) => ({ at, score, level: 'LOW', previousScore: 1, reasons: ['r'], recordedAt: 5000 + at, explanation: explanation(score, at), ...extra });

describe('risk as of an instant', () => {
  it('takes the snapshot in force, with its stored explanation and reasons', () => {
    const r = resolveRiskAsOf({ userId: 'u', current: { score: 30, level: 'MODERATE', updatedAt: 300, explanation: explanation(30, 300) }, before: snapshot(100, 12), next: { at: 300, previousScore: 12.4 } }, 150);
    expect(r).toMatchObject({ source: RISK_AS_OF_SOURCE.Snapshot, score: 12, computedAt: 100, recordedAt: 5100, reasons: ['r'], nextChangeAt: 300 });
    expect(r.explanation).toMatchObject({ score: 12, computedAt: 100, contributions: [{ sessionId: 's1', value: 12 }] });
  });

  it('takes the current risk once computed by the instant and later than the last snapshot', () => {
    const current = { score: 12.6, level: 'LOW', updatedAt: 200, explanation: explanation(12.6, 200) };
    expect(resolveRiskAsOf({ userId: 'u', current, before: snapshot(100, 12), next: null }, 250)).toMatchObject({ source: 'CURRENT', score: 12.6, computedAt: 200, reasons: [] });
    // Before it was computed, the snapshot stood.
    expect(resolveRiskAsOf({ userId: 'u', current, before: snapshot(100, 12), next: null }, 199)).toMatchObject({ source: 'SNAPSHOT', score: 12 });
    // Same instant, same value: the snapshot (it has the reasons); a different value is a later re-scoring.
    expect(resolveRiskAsOf({ userId: 'u', current: { ...current, updatedAt: 100, score: 12 }, before: snapshot(100, 12), next: null }, 100).source).toBe('SNAPSHOT');
    expect(resolveRiskAsOf({ userId: 'u', current: { ...current, updatedAt: 100 }, before: snapshot(100, 12), next: null }, 100)).toMatchObject({ source: 'CURRENT', score: 12.6 });
  });

  it('before the first change, answers the score that stood until it, without an explanation', () => {
    const r = resolveRiskAsOf({ userId: 'u', current: { score: 30, level: 'MODERATE', updatedAt: 300, explanation: null }, before: null, next: { at: 120, previousScore: 0.6 } }, 50);
    expect(r).toMatchObject({ source: 'BEFORE_FIRST_CHANGE', score: 0.6, computedAt: null, explanation: null, nextChangeAt: 120 });
  });

  it('answers 0 for a user not scored by then, and keeps a snapshot without a stored explanation', () => {
    expect(resolveRiskAsOf({ userId: 'u', current: null, before: null, next: null }, 50)).toMatchObject({ source: 'NOT_SCORED', score: 0, explanation: null });
    expect(resolveRiskAsOf({ userId: 'u', current: { score: 0, level: null, updatedAt: null, explanation: null }, before: null, next: null }, 50).source).toBe('NOT_SCORED');
    const legacy = resolveRiskAsOf({ userId: 'u', current: null, before: snapshot(100, 40, { explanation: null, recordedAt: null }), next: null }, 100);
    expect(legacy).toMatchObject({ source: 'SNAPSHOT', score: 40, explanation: null, recordedAt: null });
  });
});
