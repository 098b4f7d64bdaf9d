import { describe, expect, it } from 'vitest';
import { aggregateBatch, dayOfWeek, hourOfDay } from '../../src/analytics/access-aggregator.ts';
import type { NormalizedEvent } from '../../src/events/event.ts';

const MON_0930 = Date.UTC(2026, 0, 5, 9, 30); // Monday
const SUN_2300 = Date.UTC(2026, 0, 11, 23, 0); // Sunday

function ev(id: string, ts: number, extra: Partial<NormalizedEvent>): NormalizedEvent {
  return { id, ts, category: 'network', action: 'app_access', outcome: 'success', user: 'alice', ...extra };
}

describe('time bins', () => {
  it('bins UTC hour of day and Monday-first day of week', () => {
    expect([hourOfDay(MON_0930), dayOfWeek(MON_0930)]).toEqual([9, 0]);
    expect([hourOfDay(SUN_2300), dayOfWeek(SUN_2300)]).toEqual([23, 6]);
    expect(dayOfWeek(0)).toBe(3); // 1970-01-01 was a Thursday
  });
});

describe('aggregateBatch', () => {
  it('lists the distinct countries and cities (CC/City) each user was seen in', () => {
    const agg = aggregateBatch([
      ev('1', MON_0930, { country: 'GB', city: 'London' }),
      ev('2', MON_0930, { country: 'GB', city: 'London' }),
      ev('3', SUN_2300, { country: 'JP', city: 'Tokyo' }),
      ev('4', SUN_2300, { city: 'Springfield' }),
    ]);
    expect(agg.users).toEqual([
      { id: 'alice', first: MON_0930, last: SUN_2300, events: 4, countries: ['GB', 'JP'], cities: ['GB/London', 'JP/Tokyo', '?/Springfield'] },
    ]);
  });

  it('folds events into one ACCESSED increment per user and entity', () => {
    const agg = aggregateBatch([
      ev('1', MON_0930, { asset: 'FIN-DB-02', bytesIn: 100 }),
      ev('2', SUN_2300, { asset: 'FIN-DB-02', bytesOut: 7, outcome: 'failure' }),
      ev('3', MON_0930, { asset: 'FIN-DB-02', user: 'bob' }),
      ev('4', MON_0930, { host: 'PC-1', app: 'sap', domain: 'example.com' }),
    ]);
    expect(agg.users).toEqual([
      { id: 'alice', first: MON_0930, last: SUN_2300, events: 3, countries: [], cities: [] },
      { id: 'bob', first: MON_0930, last: MON_0930, events: 1, countries: [], cities: [] },
    ]);
    const fin = agg.access.find((a) => a.id === 'FIN-DB-02' && a.user === 'alice')!;
    expect(fin).toMatchObject({ type: 'Asset', kind: 'host', count: 2, failures: 1, first: MON_0930, last: SUN_2300, bytesIn: 100, bytesOut: 7 });
    expect(fin.hourHist[9]).toBe(1);
    expect(fin.hourHist[23]).toBe(1);
    expect(fin.hourHist.reduce((a, b) => a + b)).toBe(2);
    expect(fin.dowHist).toEqual([1, 0, 0, 0, 0, 0, 1]);
    expect(agg.access.map((a) => [a.type, a.id, a.user])).toEqual([
      ['Application', 'sap', 'alice'],
      ['Asset', 'FIN-DB-02', 'alice'],
      ['Asset', 'FIN-DB-02', 'bob'],
      ['Asset', 'example.com', 'alice'], // code-unit order: upper case sorts first
      ['Device', 'PC-1', 'alice'],
    ]);
    expect(agg.access.find((a) => a.id === 'example.com')!.kind).toBe('domain');
  });

  it('keeps HR records and device facts without a user', () => {
    const agg = aggregateBatch([
      { id: 'm1', ts: MON_0930, category: 'malware', action: 'malware_detected', outcome: 'unknown', host: 'PC-9' },
      { id: 'm2', ts: SUN_2300, category: 'malware', action: 'trojan', outcome: 'unknown', host: 'PC-9' },
      { id: 'h1', ts: MON_0930, category: 'iam', action: 'hr_update', outcome: 'success', user: 'alice', hr: { userId: 'alice', department: 'finance' } },
    ]);
    expect(agg.deviceFacts).toEqual([{ host: 'PC-9', malwareAt: SUN_2300, signature: 'trojan' }]);
    expect(agg.hr).toEqual([{ userId: 'alice', department: 'finance' }]);
    expect(agg.users.map((u) => u.id)).toEqual(['alice']);
  });
});
