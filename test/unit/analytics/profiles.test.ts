import { seededRandom } from '../../../src/analytics/peer-groups/random.ts';
import { describe, expect, it } from 'vitest';
import {
  categoryStats,
  createCategorical,
  noveltyProbability,
  observeCategory,
  rarityPValue,
} from '../../../src/analytics/profiles/categorical.profile.ts';
import { decayScale, forwardWeight, REBASE_EXPONENT } from '../../../src/analytics/profiles/forward-decay.ts';
import { greatCircleKm, sourceNetwork } from '../../../src/analytics/profiles/geo.ts';
import {
  createHistogram,
  erfc,
  MAX_BINS,
  observeValue,
  reclusterHistogram,
  SAMPLE_CAP,
  tailProbability,
  toLog,
} from '../../../src/analytics/profiles/histogram.profile.ts';
import {
  deserialize,
  deserializeFromString,
  ProfileFormatError,
  serialize,
  serializeToString,
} from '../../../src/analytics/profiles/profile.codec.ts';
import { isExternalAddress } from '../../../src/analytics/profiles/session-features.ts';
import { dayDistribution, hourDistribution, outcomePValue } from '../../../src/analytics/profiles/temporal.profile.ts';
import {
  createUserProfile,
  failuresBetween,
  MAX_OPEN_SESSIONS,
  observeEvent,
  observeSession,
  recluster,
  scaleAt,
  setTimeZone,
  takeSessionFeatures,
  typicalSessionValue,
} from '../../../src/analytics/profiles/user-profile.ts';
import { summarisePeerFeature } from '../../../src/analytics/indicators/context.ts';
import { DAY, event, HOUR, INTERNAL_DOMAINS, MIN, routineProfile, T0, usual } from './fixtures.ts';

const H = 30 * DAY;

/** A deterministic pseudo-random stream (mulberry32), for samples of known shape. */
const rng: (seed: number) => () => number = seededRandom;

/** A normal variate by Box–Muller. */
function gauss(r: () => number, mean: number, sd: number): number {
  return mean + sd * Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}

describe('forward decay', () => {
  it('halves a weight exactly every half-life', () => {
    const clock = { anchor: T0, halfLifeMs: H };
    const w = forwardWeight(clock, T0);
    expect(w * decayScale(clock, T0 + H)).toBe(0.5);
    expect(w * decayScale(clock, T0 + 2 * H)).toBe(0.25);
    expect(w * decayScale(clock, T0 + 3 * H)).toBe(0.125);
  });

  it('decays a profile by its half-life whatever the landmark, across a rebase', () => {
    const p = createUserProfile('u', { halfLifeDays: 30 });
    observeEvent(p, event({ user: 'u', ts: T0, asset: 'A' }));
    expect(categoryStats(p.categorical.assets, 'A', scaleAt(p, T0 + H)).count).toBe(0.5);
    // An event far in the future moves the landmark; the old weight keeps decaying exactly.
    const far = T0 + (REBASE_EXPONENT + 5) * H;
    observeEvent(p, event({ user: 'u', ts: far, asset: 'B' }));
    expect(p.clock.anchor).toBe(far);
    const a = p.categorical.assets.entries.get('A')!.w * scaleAt(p, far);
    expect(a / 2 ** -(REBASE_EXPONENT + 5)).toBeCloseTo(1, 12);
    expect(categoryStats(p.categorical.assets, 'B', scaleAt(p, far + H)).count).toBe(0.5);
  });

  it('takes an out-of-order event at its own time', () => {
    const p = createUserProfile('u');
    observeEvent(p, event({ user: 'u', ts: T0 + H, asset: 'A' }));
    observeEvent(p, event({ user: 'u', ts: T0, asset: 'A' }));
    expect(categoryStats(p.categorical.assets, 'A', scaleAt(p, T0 + H)).count).toBeCloseTo(1.5, 12);
    expect(p.categorical.assets.entries.get('A')).toMatchObject({ first: T0, last: T0 + H });
  });
});

describe('categorical profiles', () => {
  it('keep at most `cap` keys, folding the lightest into the other mass', () => {
    const c = createCategorical(3);
    const weights: Array<[string, number]> = [['a', 5], ['b', 1], ['c', 3], ['d', 2], ['e', 4]];
    for (const [key, n] of weights) for (let i = 0; i < n; i++) observeCategory(c, key, 1, T0);
    expect([...c.entries.keys()].sort()).toEqual(['a', 'c', 'e']);
    expect(c.other).toBe(3); // b (1) was folded when d came, d (2) when e came
    expect(c.folded).toBe(2);
    expect(c.total).toBe(15);
  });

  it('give a brand-new profile a novelty probability of one half', () => {
    expect(noveltyProbability(createCategorical(8), 1)).toBe(0.5);
  });

  it('rate a rarer key with a smaller p-value', () => {
    const c = createCategorical(16);
    for (const [key, n] of [['common', 200], ['mid', 20], ['rare', 1]] as const) for (let i = 0; i < n; i++) observeCategory(c, key, 1, T0);
    const p = (key: string): number => rarityPValue(c, key, 1);
    expect(p('rare')).toBeCloseTo(2 / 222, 12);
    expect(p('mid')).toBeCloseTo(22 / 222, 12);
    expect(p('common')).toBe(1);
  });
});

describe('dynamic histograms', () => {
  it('re-cluster a clear bimodal sample into two bins (k by silhouette)', () => {
    const r = rng(1);
    const h = createHistogram(13);
    for (let i = 0; i < SAMPLE_CAP; i++) observeValue(h, i % 2 === 0 ? gauss(r, 2e6, 2e5) : gauss(r, 8e8, 8e7), 1, T0 + i);
    expect(reclusterHistogram(h, () => 1, T0 + DAY)).toBe(true);
    expect(h.bins).toHaveLength(2);
    expect(h.silhouette).toBeGreaterThan(0.9);
    expect(10 ** h.bins[0]!.mean).toBeGreaterThan(1.5e6);
    expect(10 ** h.bins[0]!.mean).toBeLessThan(2.5e6);
    expect(10 ** h.bins[1]!.mean).toBeGreaterThan(6e8);
    expect(h.total).toBe(SAMPLE_CAP);
  });

  it('re-cluster three well-separated modes into three bins, and a constant into one', () => {
    const r = rng(2);
    const h = createHistogram(13);
    for (let i = 0; i < 60; i++) observeValue(h, [1e3, 1e6, 1e9][i % 3]! * (1 + 0.1 * gauss(r, 0, 1)), 1, T0 + i);
    reclusterHistogram(h, () => 1, T0);
    expect(h.bins).toHaveLength(3);
    const flat = createHistogram(4);
    for (let i = 0; i < 20; i++) observeValue(flat, 3, 1, T0 + i);
    reclusterHistogram(flat, () => 1, T0);
    expect(flat.bins).toHaveLength(1);
    expect(flat.silhouette).toBeNull();
  });

  it('keep bins and sample bounded however many values arrive', () => {
    const r = rng(3);
    const h = createHistogram(13);
    for (let i = 0; i < 5000; i++) observeValue(h, 10 ** (r() * 12), 1, T0 + i);
    expect(h.bins.length).toBeLessThanOrEqual(MAX_BINS);
    expect(h.sample).toHaveLength(SAMPLE_CAP);
    reclusterHistogram(h, () => 1, T0);
    expect(h.bins.length).toBeLessThanOrEqual(MAX_BINS);
    expect(h.total).toBeCloseTo(5000, 6);
  });

  it('put a far-away value in a bin of its own between re-clusterings', () => {
    const h = createHistogram(13);
    for (let i = 0; i < 30; i++) observeValue(h, 1e6 * (1 + (i % 5) / 10), 1, T0 + i);
    expect(h.bins).toHaveLength(1);
    observeValue(h, 5e9, 1, T0 + 31);
    expect(h.bins).toHaveLength(2);
    observeValue(h, 1.3e6, 1, T0 + 32);
    expect(h.bins).toHaveLength(2);
  });

  it('give tail probabilities that never rise with the value', () => {
    const r = rng(4);
    const h = createHistogram(13);
    for (let i = 0; i < 64; i++) observeValue(h, i % 4 === 0 ? gauss(r, 5e8, 5e7) : gauss(r, 3e6, 1e6), 1, T0 + i);
    reclusterHistogram(h, () => 1, T0);
    let previous = 1;
    for (let v = 0; v <= 13; v += 0.05) {
      const p = tailProbability(h, 10 ** v - 1, 1);
      expect(p).toBeLessThanOrEqual(previous + 1e-12);
      expect(p).toBeGreaterThan(0);
      previous = p;
    }
    expect(tailProbability(h, 0, 1)).toBeCloseTo(1, 6);
    expect(tailProbability(h, 1e6, 1)).toBeGreaterThan(0.5);
    expect(tailProbability(h, 1e11, 1)).toBeLessThan(0.01);
  });

  it('are not certain of anything when brand new: the prior answers', () => {
    const h = createHistogram(13);
    expect(tailProbability(h, 1e9, 1)).toBeCloseTo(1 - 9 / 13, 6);
    observeValue(h, 1e6, 1, T0);
    // One observation of 1 MB: a 1 GB session is unusual but far from impossible.
    expect(tailProbability(h, 1e9, 1)).toBeGreaterThan(0.04);
  });

  it('compute erfc to the published precision', () => {
    expect(erfc(0)).toBeCloseTo(1, 7);
    expect(erfc(1)).toBeCloseTo(0.157299207, 7);
    expect(erfc(2)).toBeCloseTo(0.004677735, 8);
    expect(erfc(-1)).toBeCloseTo(1.842700793, 7);
    expect(toLog(9)).toBe(1);
  });
});

describe('temporal profiles', () => {
  it('rate hours and days of the routine: working hours usual, nights and weekends not', () => {
    const p = routineProfile();
    const scale = scaleAt(p, T0 + 42 * DAY);
    const hours = hourDistribution(p.temporal, scale);
    const days = dayDistribution(p.temporal, scale);
    expect(hours.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(outcomePValue(hours, 10)).toBeGreaterThan(0.1);
    expect(outcomePValue(hours, 3)).toBeLessThan(0.01);
    // 08:00 borders the 08:58 logons and the 09:00 start: smoothing keeps it ordinary.
    expect(outcomePValue(hours, 8)).toBeGreaterThan(0.01);
    expect(outcomePValue(days, 1)).toBeGreaterThan(0.1);
    expect(outcomePValue(days, 6)).toBeLessThan(0.01);
  });

  it('bin in the user’s own time zone, and move the bins when it changes', () => {
    const p = createUserProfile('u');
    setTimeZone(p, 9 * 60, 'hr');
    observeEvent(p, event({ user: 'u', ts: T0 + 1 * HOUR })); // 10:00 in Tokyo
    expect(p.temporal.hours[10]).toBeGreaterThan(0);
    setTimeZone(p, 60, 'hr');
    expect(p.temporal.hours[2]).toBeGreaterThan(0);
    expect(p.temporal.hours[10]).toBe(0);
    expect(() => setTimeZone(p, 15 * 60, 'hr')).toThrow(RangeError);
  });
});

describe('user profiles', () => {
  it('learn every categorical part, the last location and the session features', () => {
    const p = routineProfile({ weeks: 1 });
    expect([...p.categorical.assets.entries.keys()].sort()).toEqual(['ARCHIVE-01', 'CRM-DB-01', 'FILES-01', 'WIKI-01']);
    expect([...p.categorical.networks.entries.keys()]).toEqual(['81.2.69.0/24']);
    expect([...p.categorical.cities.entries.keys()]).toEqual(['GB/London']);
    expect(p.location).toMatchObject({ country: 'GB', city: 'London' });
    expect(p.sessions).toBe(5);
    expect(p.open).toEqual([]);
    expect(p.numeric['distinct-assets'].count).toBe(5);
  });

  it('count failed logons per clock hour and keep the recent failures', () => {
    const p = createUserProfile('u');
    for (let i = 0; i < 3; i++) observeEvent(p, usual({ user: 'u', ts: T0 + 10 * HOUR + i * MIN, category: 'authentication', action: 'logon', outcome: 'failure' }));
    observeEvent(p, usual({ user: 'u', ts: T0 + 10 * HOUR + 5 * MIN, category: 'authentication', action: 'logon' }));
    expect(failuresBetween(p, T0 + 9 * HOUR, T0 + 11 * HOUR)).toBe(3);
    expect(p.numeric['failed-logons-per-hour'].count).toBe(0);
    observeEvent(p, usual({ user: 'u', ts: T0 + 12 * HOUR, category: 'authentication', action: 'logon' }));
    expect(p.numeric['failed-logons-per-hour'].count).toBe(1);
    expect(p.numeric['failed-logons-per-hour'].sample[0]).toBeCloseTo(toLog(3), 4);
  });

  it('count every hour of activity as an observation of failed logons per hour, quiet ones as 0', () => {
    const p = createUserProfile('u');
    observeEvent(p, usual({ user: 'u', ts: T0 + 9 * HOUR, category: 'authentication', action: 'logon' }));
    for (let h = 10; h < 14; h++) observeEvent(p, usual({ user: 'u', ts: T0 + h * HOUR + 5 * MIN, asset: 'CRM-DB-01' }));
    // Hours 9–12 are finished (13 is still open): four observations, all without failures.
    expect(p.numeric['failed-logons-per-hour'].count).toBe(4);
    expect(p.numeric['failed-logons-per-hour'].sample).toEqual([0, 0, 0, 0]);
  });

  it('accumulate session features, with external mail and the largest contributors', () => {
    const p = createUserProfile('u');
    const opts = { sessionId: 's1', internalDomains: INTERNAL_DOMAINS };
    observeEvent(p, usual({ user: 'u', ts: T0, category: 'email', action: 'email_send', emailTo: ['x@corp.example'], attachmentBytes: 5e6 }), opts);
    observeEvent(p, usual({ id: 'big', user: 'u', ts: T0 + 1, category: 'email', action: 'email_send', emailTo: ['x@corp.example', 'me@gmail.com'], attachmentBytes: 7e6 }), opts);
    observeEvent(p, usual({ user: 'u', ts: T0 + 2, category: 'file', action: 'file_copy', fileSize: 100 }), opts);
    observeEvent(p, usual({ user: 'u', ts: T0 + 3, asset: 'A' }), opts);
    observeEvent(p, usual({ user: 'u', ts: T0 + 4, asset: 'A' }), opts);
    const f = takeSessionFeatures(p, 's1')!;
    expect(f).toMatchObject({ externalAttachmentBytes: 7e6, externalEmails: 1, usbFiles: 1, distinctAssets: 1, events: 5 });
    expect(f.contributors['external-attachment-bytes']).toEqual([['big', 7e6]]);
    expect(takeSessionFeatures(p, 's1')).toBeNull();
    observeSession(p, f);
    expect(p.numeric['usb-files'].count).toBe(1);
    expect(isExternalAddress('a@mail.corp.example', INTERNAL_DOMAINS)).toBe(false);
    expect(isExternalAddress('a@corp.example.evil.net', INTERNAL_DOMAINS)).toBe(true);
  });

  it('bound the open sessions it accumulates', () => {
    const p = createUserProfile('u');
    for (let i = 0; i < 10; i++) observeEvent(p, usual({ user: 'u', ts: T0 + i * HOUR }), { sessionId: `s${i}` });
    expect(p.open.map((f) => f.sessionId)).toEqual(['s6', 's7', 's8', 's9']);
    expect(p.open).toHaveLength(MAX_OPEN_SESSIONS);
  });

  it('ignore HR records and host facts', () => {
    const p = createUserProfile('u');
    expect(observeEvent(p, event({ user: 'u', ts: T0, category: 'iam', action: 'hr_update' }))).toBe(false);
    expect(observeEvent(p, event({ user: undefined, ts: T0, category: 'malware', action: 'malware_detected', host: 'WS-1' }))).toBe(false);
    expect(p.events).toBe(0);
  });

  it('report the typical session value the peer-group job summarises', () => {
    const p = routineProfile();
    // Sessions download 8 accesses × 5–8 MB plus 3 MB of web: about 55 MB.
    expect(typicalSessionValue(p, 'bytes-in')).toBeGreaterThan(45e6);
    expect(typicalSessionValue(p, 'bytes-in')).toBeLessThan(65e6);
    expect(typicalSessionValue(p, 'usb-files')).toBe(0);
    expect(typicalSessionValue(createUserProfile('new'), 'bytes-in')).toBe(0);
    expect(summarisePeerFeature([1, 2, 3, 4, 100])).toEqual({ median: 3, mad: 1, peers: 5 });
  });

  it('re-cluster every histogram with enough data when the periodic job asks', () => {
    const p = routineProfile();
    expect(recluster(p, T0 + 43 * DAY)).toBe(6);
    expect(p.reclusteredAt).toBe(T0 + 43 * DAY);
    expect(p.numeric['bytes-in'].clusteredAt).toBe(T0 + 43 * DAY);
    expect(p.numeric['failed-logons-per-hour'].bins.length).toBeGreaterThanOrEqual(1);
    expect(recluster(createUserProfile('new'), T0)).toBe(0);
  });
});

describe('checkpoints', () => {
  it('round-trip a profile through JSON unchanged', () => {
    const p = routineProfile({ weeks: 3 });
    recluster(p, T0 + 21 * DAY);
    observeEvent(p, usual({ ts: T0 + 21 * DAY, asset: 'CRM-DB-01' }), { sessionId: 'open-1' });
    const back = deserializeFromString(serializeToString(p));
    expect(back).toEqual(p);
    expect(serialize(back)).toEqual(serialize(p));
    // The copy is independent: learning on it leaves the original alone.
    observeEvent(back, usual({ ts: T0 + 22 * DAY, asset: 'NEW-01' }));
    expect(p.categorical.assets.entries.has('NEW-01')).toBe(false);
  });

  it('refuse another version or a malformed field, naming it', () => {
    const json = serialize(createUserProfile('u')) as unknown as Record<string, unknown>;
    expect(() => deserialize({ ...json, v: 2 })).toThrow('profile.v: version 2 is not 1');
    const bad = JSON.parse(JSON.stringify(json)) as { categorical: { assets: { total: unknown } } };
    bad.categorical.assets.total = 'x';
    expect(() => deserialize(bad)).toThrow(ProfileFormatError);
    expect(() => deserialize(bad)).toThrow('categorical.assets.total: expected a finite number');
  });
});

describe('geography', () => {
  it('measure great-circle distances', () => {
    expect(greatCircleKm({ lat: 51.5074, lon: -0.1278 }, { lat: 35.6762, lon: 139.6503 })).toBeCloseTo(9559, -1);
    expect(greatCircleKm({ lat: 0, lon: 0 }, { lat: 0, lon: 180 })).toBeCloseTo(Math.PI * 6371.0088, 3);
  });

  it('key public networks and skip private ones', () => {
    expect(sourceNetwork('81.2.69.160')).toBe('81.2.69.0/24');
    expect(sourceNetwork('10.4.5.6')).toBeNull();
    expect(sourceNetwork('172.20.1.1')).toBeNull();
    expect(sourceNetwork('192.168.1.1')).toBeNull();
    expect(sourceNetwork('300.1.1.1')).toBeNull();
    expect(sourceNetwork('2001:db8:abcd:12::1')).toBe('2001:db8:abcd::/48');
    expect(sourceNetwork('fe80::1')).toBeNull();
  });
});
