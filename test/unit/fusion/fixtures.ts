import { seededRandom } from '../../../src/analytics/peer-groups/random.ts';
import type { FusionFinding } from '../../../src/analytics/fusion/fusion-finding.ts';

export const T0 = Date.UTC(2024, 5, 3, 12);
export const DAY = 86_400_000;

export function finding(overrides: Partial<FusionFinding> = {}): FusionFinding {
  return {
    indicatorId: 'first-access-asset',
    anchorScore: 40,
    learning: false,
    reason: 'first access to FIN-DB-02',
    evidence: {
      observed: { label: 'asset', value: 'FIN-DB-02', display: 'FIN-DB-02' },
      baseline: { kind: 'categorical', distinct: 14 },
      test: { kind: 'p-value', pValue: 0.002, threshold: 0.01 },
    },
    eventIds: ['e1'],
    userId: 'alice',
    sessionId: 's1',
    ts: T0,
    ...overrides,
  };
}

/** Mulberry32: a seeded PRNG for property tests (never Math.random). */
export const prng: (seed: number) => () => number = seededRandom;
