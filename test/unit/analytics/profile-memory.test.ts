import { seededRandom } from '../../../src/analytics/peer-groups/random.ts';
/**
 * Memory per user at 10k users: builds 10,000 synthetic user profiles in a steady state (more
 * than a month of behaviour: full numeric sample rings, 25–110 entity pairs each), measures heap
 * bytes per user and per user–entity pair and serialized bytes, prints the figures and checks
 * them against the documented bounds. Also builds the worst case: every cap full.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import type { NormalizedEvent } from '../../../src/events/event.ts';
import { NUMERIC_FEATURES, SAMPLE_CAP } from '../../../src/analytics/profiles/histogram.profile.ts';
import { serialize } from '../../../src/analytics/profiles/profile.codec.ts';
import {
  estimateHeapBytes,
  estimateSerializedBytes,
  measureSerializedBytes,
} from '../../../src/analytics/profiles/profile.size.ts';
import { observeCategory } from '../../../src/analytics/profiles/categorical.profile.ts';
import { createSessionFeatures, MAX_SESSION_ASSETS } from '../../../src/analytics/profiles/session-features.ts';
import {
  CATEGORICAL_KINDS,
  createUserProfile,
  entityPairCount,
  MAX_OPEN_SESSIONS,
  observeEvent,
  observeSession,
  takeSessionFeatures,
  type UserProfile,
} from '../../../src/analytics/profiles/user-profile.ts';

const USERS = 10_000;
/** Serialized bytes are measured exactly on this many users (JSON of every double is slow) and estimated for all. */
const MEASURED_SAMPLE = 1_000;
/** Users built again without entities, to measure what the user–entity pairs cost. */
const BARE_USERS = 2_000;
const DAY = 86_400_000;
const T0 = Date.UTC(2024, 2, 4);

/** Documented bounds (user-profile.ts repeats them). */
const BOUNDS = {
  /** Typical user, mean over 10k: serialized checkpoint. */
  typicalSerializedBytes: 16 * 1024,
  /** Typical user, mean over 10k: measured V8 heap. */
  typicalHeapBytes: 32 * 1024,
  /** Every cap full, 32-character keys. */
  worstSerializedBytes: 64 * 1024,
  worstHeapBytes: 128 * 1024,
  perPairHeapBytes: 250,
  perPairSerializedBytes: 100,
};

function gcFunction(): (() => void) | null {
  try {
    v8.setFlagsFromString('--expose-gc');
    return vm.runInNewContext('gc') as () => void;
  } catch {
    return null;
  }
}

function heapUsed(gc: () => void): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** mulberry32: a small deterministic generator. */
const rng: (seed: number) => () => number = seededRandom;

const DEPARTMENTS = ['ENG', 'SAL', 'FIN', 'ITO', 'MKT', 'HR', 'LEG', 'SUP', 'EXE'];

/** Fresh, flat strings, as keys arrive in the pipeline (parsed from NDJSON), not cons-strings. */
function flat(strings: string[]): string[] {
  return JSON.parse(JSON.stringify(strings)) as string[];
}

/**
 * One user's steady state: SAMPLE_CAP closed sessions (so every numeric sample ring is full),
 * one event each, cycling through pools of assets, applications, devices, domains, cities and
 * networks whose sizes are drawn per user in the ranges the synthetic organisation shows (by
 * the end every pool has been used whole). The sessions' features are set directly rather than
 * accumulated from events: the memory is the same and the test stays fast. Without
 * `entities`, the same user has no asset, application, device or domain: the difference is
 * what the user–entity pairs cost.
 */
function steadyUser(u: number, entities = true): UserProfile {
  const r = rng(u + 1);
  const between = (lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
  const dept = DEPARTMENTS[u % DEPARTMENTS.length]!;
  const user = `${dept.toLowerCase()}.user${String(u).padStart(5, '0')}`;
  const pool = (n: number, make: (i: number) => string): string[] => flat(Array.from({ length: n }, (_, i) => make(i)));
  const assets = pool(between(5, 30), (i) => `${DEPARTMENTS[(u + (i % 4 === 3 ? i : 0)) % 9]}-SRV-${String(i).padStart(2, '0')}`);
  const apps = pool(between(4, 15), (i) => `app-${dept.toLowerCase()}-${i}`);
  const devices = pool(between(1, 3), (i) => `WS-${String(u * 3 + i).padStart(5, '0')}`);
  const domains = pool(between(15, 60), (i) => `site${(u * 7 + i * 13) % 997}.example.com`);
  const cities = pool(between(1, 3), (i) => ['London', 'Leeds', 'Paris'][i]!);
  const networks = pool(between(1, 4), (i) => `81.${(u >> 8) & 255}.${(u + i) & 255}.${i + 1}`);
  const profile = createUserProfile(user);
  const features = createSessionFeatures('s', T0);
  for (let s = 0; s < SAMPLE_CAP; s++) {
    const ts = T0 + Math.floor((s * 40 * DAY) / SAMPLE_CAP) + 9 * 3_600_000;
    const e: NormalizedEvent = {
      id: `${user}-${s}`,
      ts,
      category: s % 2 === 0 ? 'authentication' : 'network',
      action: s % 2 === 0 ? 'logon' : 'app_access',
      outcome: s % 17 === 0 ? 'failure' : 'success',
      user,
      ip: networks[s % networks.length]!,
      country: s % 23 === 0 ? 'FR' : 'GB',
      city: cities[s % cities.length]!,
      lat: 51.5,
      lon: -0.12,
    };
    if (entities) {
      // Two passes over the pools per session keep every pool (up to 60 keys) fully used.
      e.host = devices[s % devices.length]!;
      e.asset = assets[s % assets.length]!;
      e.app = apps[s % apps.length]!;
      e.domain = domains[s % domains.length]!;
    }
    observeEvent(profile, e);
    features.last = ts + 600_000;
    features.bytesIn = Math.round(1e6 * (1 + 20 * r()));
    features.bytesOut = Math.round(1e5 * (1 + 5 * r()));
    features.usbFiles = s % 29 === 0 ? 3 : 0;
    features.externalAttachmentBytes = s % 7 === 0 ? Math.round(2e5 * r()) : 0;
    features.distinctAssets = 1 + (s % 3);
    observeSession(profile, features);
  }
  return profile;
}

const FIELD: Readonly<Record<(typeof CATEGORICAL_KINDS)[number], keyof NormalizedEvent>> = {
  assets: 'asset',
  applications: 'app',
  devices: 'host',
  domains: 'domain',
  countries: 'country',
  cities: 'city',
  networks: 'ip',
  commands: 'command',
  secrets: 'secretId',
  interactive: 'command',
};
/** Parts keyed by a closed set of classes (privileged-access.ts): filled directly with 32-character keys. */
const DERIVED: ReadonlySet<string> = new Set(['commands', 'interactive']);

/** Every cap full with 32-character keys, full rings, the most open sessions, each with the most assets. */
function worstCaseUser(): UserProfile {
  const p = createUserProfile('w'.repeat(32));
  let ts = T0;
  for (const kind of CATEGORICAL_KINDS) {
    for (let i = 0; i < p.categorical[kind].cap + 10; i++) {
      const key = `${kind}-${String(i).padStart(32 - kind.length - 1, '0')}`;
      if (DERIVED.has(kind)) {
        observeCategory(p.categorical[kind], key, 1, ts++);
        continue;
      }
      const e: NormalizedEvent = { id: `e${ts}`, ts: ts++, category: 'authentication', action: 'logon', outcome: 'failure', user: p.user, lat: 1, lon: 1 };
      if (kind === 'cities') e.country = 'GB';
      observeEvent(p, { ...e, [FIELD[kind]]: kind === 'networks' ? `81.${i >> 8}.${i & 255}.9` : key });
    }
  }
  for (let s = 0; s < SAMPLE_CAP; s++) {
    observeEvent(p, { id: `s${s}`, ts: ts + s * 3_600_000, category: 'network', action: 'x', outcome: 'success', user: p.user, bytesIn: 10 ** (s % 12) }, { sessionId: `x${s}` });
    const f = takeSessionFeatures(p, `x${s}`);
    if (f !== null) observeSession(p, f);
  }
  for (let o = 0; o < MAX_OPEN_SESSIONS; o++) {
    for (let a = 0; a < MAX_SESSION_ASSETS; a++) {
      observeEvent(
        p,
        { id: `open-${o}-${a}-${'x'.repeat(20)}`, ts: ts + DAY + a, category: 'network', action: 'x', outcome: 'success', user: p.user, asset: `open-asset-${String(a).padStart(21, '0')}`, bytesIn: 1e6, bytesOut: 1e6 },
        { sessionId: `open-session-${o}-${'y'.repeat(20)}` },
      );
    }
  }
  return p;
}

function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

describe('profile memory at 10k users', () => {
  it('stays under the documented bounds per user and per user–entity pair', () => {
    const gc = gcFunction();
    const before = gc === null ? 0 : heapUsed(gc);
    const started = performance.now();
    const profiles: UserProfile[] = [];
    for (let u = 0; u < USERS; u++) profiles.push(steadyUser(u));
    const buildSeconds = (performance.now() - started) / 1000;
    const after = gc === null ? 0 : heapUsed(gc);

    const pairs = profiles.map(entityPairCount);
    const sample = profiles.slice(0, MEASURED_SAMPLE);
    const serialized = sample.map(measureSerializedBytes);
    const estimatedSample = sample.map(estimateSerializedBytes);
    const estimated = profiles.map(estimateSerializedBytes);
    const heapEstimated = profiles.map(estimateHeapBytes);
    // Per pair, serialized: what the entity entries add to the JSON, measured by taking them out.
    let pairSerialized = 0;
    for (const p of sample.slice(0, 200)) {
      const json = serialize(p);
      const full = JSON.stringify(json).length;
      for (const kind of ['assets', 'applications', 'devices', 'domains'] as const) json.categorical[kind].entries = [];
      pairSerialized += (full - JSON.stringify(json).length) / entityPairCount(p) / 200;
    }
    // Per pair, heap: the same users without entities, measured apart; the difference per pair.
    let heapMeasured: number | null = null;
    let pairHeap: number | null = null;
    if (gc !== null) {
      heapMeasured = (after - before) / USERS;
      profiles.length = 0;
      const base = heapUsed(gc);
      const bare: UserProfile[] = [];
      for (let u = 0; u < BARE_USERS; u++) bare.push(steadyUser(u, false));
      const bareHeap = (heapUsed(gc) - base) / BARE_USERS;
      pairHeap = (heapMeasured - bareHeap) / mean(pairs);
      bare.length = 0;
    }
    const worst = worstCaseUser();
    const report = {
      users: USERS,
      buildSeconds: Number(buildSeconds.toFixed(2)),
      entityPairsPerUser: { mean: Number(mean(pairs).toFixed(1)), max: Math.max(...pairs) },
      serializedBytesPerUser: {
        measuredMean: Math.round(mean(serialized)),
        measuredMax: Math.max(...serialized),
        measuredOn: MEASURED_SAMPLE,
        estimatedMean: Math.round(mean(estimated)),
        estimatedMax: Math.max(...estimated),
      },
      heapBytesPerUser: { measured: heapMeasured === null ? null : Math.round(heapMeasured), estimated: Math.round(mean(heapEstimated)) },
      perUserEntityPair: { serializedBytes: Math.round(pairSerialized), heapBytes: pairHeap === null ? null : Math.round(pairHeap) },
      worstCase: {
        entityPairs: entityPairCount(worst),
        serializedBytes: measureSerializedBytes(worst),
        estimatedHeapBytes: estimateHeapBytes(worst),
      },
      at10kUsers: {
        serializedMB: Number(((mean(estimated) * USERS) / 1e6).toFixed(1)),
        heapMB: heapMeasured === null ? null : Number(((heapMeasured * USERS) / 1e6).toFixed(1)),
      },
    };
    console.log(`profile memory: ${JSON.stringify(report, null, 2)}`);

    expect(mean(serialized)).toBeLessThan(BOUNDS.typicalSerializedBytes);
    expect(mean(estimated)).toBeLessThan(BOUNDS.typicalSerializedBytes);
    expect(Math.abs(mean(estimatedSample) / mean(serialized) - 1)).toBeLessThan(0.1);
    expect(pairSerialized).toBeLessThan(BOUNDS.perPairSerializedBytes);
    expect(report.worstCase.serializedBytes).toBeLessThan(BOUNDS.worstSerializedBytes);
    expect(report.worstCase.estimatedHeapBytes).toBeLessThan(BOUNDS.worstHeapBytes);
    for (const kind of CATEGORICAL_KINDS) expect(worst.categorical[kind].entries.size, kind).toBe(worst.categorical[kind].cap);
    for (const feature of NUMERIC_FEATURES) expect(worst.numeric[feature].sample.length).toBeLessThanOrEqual(SAMPLE_CAP);
    if (heapMeasured !== null && pairHeap !== null) {
      expect(heapMeasured).toBeLessThan(BOUNDS.typicalHeapBytes);
      expect(pairHeap).toBeLessThan(BOUNDS.perPairHeapBytes);
      expect(Math.abs(mean(heapEstimated) / heapMeasured - 1)).toBeLessThan(0.35);
    }
  }, 60_000);
});
