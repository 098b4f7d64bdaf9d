import { describe, expect, it } from 'vitest';
import { CALIBRATION_FACTOR, calibrationFactors, calibrationProduct, isDeparting } from '../../../src/analytics/fusion/calibration.ts';
import { DAY, finding, T0 } from './fixtures.ts';

describe('calibration by context', () => {
  it('applies no factor without context', () => {
    const factors = calibrationFactors(finding(), {});
    expect(factors).toEqual([]);
    expect(calibrationProduct(factors)).toBe(1);
  });

  it('records every factor that applies and multiplies them', () => {
    const f = finding({ peerDegree: 0.4, assets: ['a', 'b', 'c'], exfiltration: true });
    const factors = calibrationFactors(f, {
      assetCriticality: new Map([['a', 1.5], ['b', 3]]),
      privilegedUsers: new Set(['alice']),
      watchlist: new Set(['alice']),
      hr: new Map([['alice', { status: 'NOTICE_GIVEN' as const }]]),
    });
    expect(factors.map((x) => [x.name, x.value])).toEqual([
      [CALIBRATION_FACTOR.PeerMembership, 0.4],
      [CALIBRATION_FACTOR.AssetCriticality, 3],
      [CALIBRATION_FACTOR.PrivilegedAccount, 1.5],
      [CALIBRATION_FACTOR.Watchlist, 1.5],
      [CALIBRATION_FACTOR.DepartingEmployee, 2],
    ]);
    expect(factors[1]!.detail).toContain('asset b');
    expect(calibrationProduct(factors)).toBeCloseTo(0.4 * 3 * 1.5 * 1.5 * 2, 12);
  });

  it('clamps the membership degree to 0–1', () => {
    expect(calibrationFactors(finding({ peerDegree: 1.7 }), {})[0]!.value).toBe(1);
    expect(calibrationFactors(finding({ peerDegree: -0.2 }), {})[0]!.value).toBe(0);
  });

  it('amplifies only exfiltration-type findings of departing employees', () => {
    const hr = new Map([['alice', { status: 'NOTICE_GIVEN' as const }]]);
    expect(calibrationFactors(finding({ exfiltration: false }), { hr })).toEqual([]);
    expect(calibrationFactors(finding({ exfiltration: true, userId: 'bob' }), { hr })).toEqual([]);
  });

  it('reads departing from notice, a near last day, or termination', () => {
    expect(isDeparting({ status: 'NOTICE_GIVEN' }, T0, 30)).toBe(true);
    expect(isDeparting({ status: 'NOTICE_GIVEN', effectiveDate: T0 + DAY }, T0, 30)).toBe(false);
    expect(isDeparting({ status: 'ACTIVE', lastDay: T0 + 10 * DAY }, T0, 30)).toBe(true);
    expect(isDeparting({ status: 'ACTIVE', lastDay: T0 + 60 * DAY }, T0, 30)).toBe(false);
    expect(isDeparting({ status: 'TERMINATED' }, T0, 30)).toBe(true);
    expect(isDeparting({ status: 'ACTIVE' }, T0, 30)).toBe(false);
    expect(isDeparting(undefined, T0, 30)).toBe(false);
  });
});
