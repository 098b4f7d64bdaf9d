/**
 * Profiles to and from plain JSON, for checkpoints (the store layer writes the JSON string as a
 * profile property and reloads it in workers). Numbers are written as they are: JSON keeps
 * every double exactly, so `deserialize(serialize(p))` deep-equals `p`. `deserialize` checks the
 * shape and names the first field that is wrong; a checkpoint of another version is refused,
 * not guessed at.
 */
import { type ActivityDay, type ActivityProfile, createActivity, type DaySummary } from './activity.profile.ts';
import { type CategoricalProfile, createCategorical } from './categorical.profile.ts';
import type { LastLocation } from './geo.ts';
import { type DynamicHistogram, NUMERIC_FEATURES, type NumericFeature } from './histogram.profile.ts';
import { SESSION_FEATURES, type SessionFeature, type SessionFeatures } from './session-features.ts';
import {
  CATEGORICAL_KINDS,
  type CategoricalKind,
  DEFAULT_CAPS,
  PROFILE_VERSION,
  TZ_SOURCES,
  type TzSource,
  type UserProfile,
} from './user-profile.ts';

/** [key, stored weight, first, last] */
export type SerializedEntry = [string, number, number, number];

export interface SerializedCategorical {
  cap: number;
  total: number;
  other: number;
  novel: number;
  folded: number;
  entries: SerializedEntry[];
}

export interface SerializedHistogram {
  range: number;
  total: number;
  count: number;
  /** [mean, m2, w] per bin. */
  bins: Array<[number, number, number]>;
  sample: number[];
  sampleMinutes: number[];
  next: number;
  clusteredAt: number | null;
  silhouette: number | null;
}

export interface SerializedProfile {
  v: typeof PROFILE_VERSION;
  user: string;
  anchor: number;
  halfLifeMs: number;
  firstSeen: number | null;
  lastSeen: number | null;
  events: number;
  sessions: number;
  tz: number;
  tzSource: TzSource;
  categorical: Record<CategoricalKind, SerializedCategorical>;
  hours: number[];
  days: number[];
  timeTotal: number;
  numeric: Record<NumericFeature, SerializedHistogram>;
  auth: { hourStart: number | null; hourFailures: number; recentFailures: number[] };
  location: LastLocation | null;
  open: SessionFeatures[];
  reclusteredAt: number | null;
  /** Absent in checkpoints written before day-level activity was kept. */
  activity?: ActivityProfile;
}

export function serialize(profile: UserProfile): SerializedProfile {
  const categorical = {} as Record<CategoricalKind, SerializedCategorical>;
  for (const kind of CATEGORICAL_KINDS) {
    const c = profile.categorical[kind];
    categorical[kind] = {
      cap: c.cap,
      total: c.total,
      other: c.other,
      novel: c.novel,
      folded: c.folded,
      entries: [...c.entries].map(([key, e]): SerializedEntry => [key, e.w, e.first, e.last]),
    };
  }
  const numeric = {} as Record<NumericFeature, SerializedHistogram>;
  for (const feature of NUMERIC_FEATURES) {
    const h = profile.numeric[feature];
    numeric[feature] = {
      range: h.range,
      total: h.total,
      count: h.count,
      bins: h.bins.map((b): [number, number, number] => [b.mean, b.m2, b.w]),
      sample: [...h.sample],
      sampleMinutes: [...h.sampleMinutes],
      next: h.next,
      clusteredAt: h.clusteredAt,
      silhouette: h.silhouette,
    };
  }
  return {
    v: PROFILE_VERSION,
    user: profile.user,
    anchor: profile.clock.anchor,
    halfLifeMs: profile.clock.halfLifeMs,
    firstSeen: profile.firstSeen,
    lastSeen: profile.lastSeen,
    events: profile.events,
    sessions: profile.sessions,
    tz: profile.tzOffsetMinutes,
    tzSource: profile.tzSource,
    categorical,
    hours: [...profile.temporal.hours],
    days: [...profile.temporal.days],
    timeTotal: profile.temporal.total,
    numeric,
    auth: {
      hourStart: profile.auth.hourStart,
      hourFailures: profile.auth.hourFailures,
      recentFailures: [...profile.auth.recentFailures],
    },
    location: profile.location === null ? null : { ...profile.location },
    open: profile.open.map(cloneFeatures),
    reclusteredAt: profile.reclusteredAt,
    activity: cloneActivity(profile.activity),
  };
}

function cloneActivity(a: ActivityProfile): ActivityProfile {
  return {
    hourDays: [...a.hourDays],
    activeDays: a.activeDays,
    weekendDays: a.weekendDays,
    current: a.current === null ? null : { ...a.current, hosts: [...a.current.hosts] },
    history: a.history.map((d): DaySummary => [...d]),
  };
}

function cloneFeatures(f: SessionFeatures): SessionFeatures {
  const contributors = {} as SessionFeatures['contributors'];
  for (const feature of SESSION_FEATURES) {
    contributors[feature] = f.contributors[feature].map(([id, amount]): [string, number] => [id, amount]);
  }
  return {
    ...f,
    assets: [...f.assets],
    novelAssets: [...f.novelAssets],
    novelAssetEvents: [...f.novelAssetEvents],
    secrets: [...f.secrets],
    novelSecrets: [...f.novelSecrets],
    secretEvents: [...f.secretEvents],
    contributors,
  };
}

/** The JSON text of a checkpoint. */
export function serializeToString(profile: UserProfile): string {
  return JSON.stringify(serialize(profile));
}

export class ProfileFormatError extends Error {
  override readonly name = 'ProfileFormatError';
}

/** Categorical parts a version-1 checkpoint may lack: they were added without a version change. */
const LATER_KINDS: ReadonlySet<CategoricalKind> = new Set(['commands', 'secrets', 'interactive']);

/** Rebuilds a profile from `serialize`'s output (or its JSON text parsed). */
export function deserialize(input: unknown): UserProfile {
  const r = new Reader();
  const o = r.object(input, 'profile');
  const v = o['v'];
  if (v !== PROFILE_VERSION) throw new ProfileFormatError(`profile.v: version ${String(v)} is not ${PROFILE_VERSION}`);
  const categoricalIn = r.object(o['categorical'], 'categorical');
  const categorical = {} as Record<CategoricalKind, CategoricalProfile>;
  for (const kind of CATEGORICAL_KINDS) {
    const path = `categorical.${kind}`;
    // Parts added after a checkpoint was written (commands, secrets, interactive) start empty
    // rather than throwing the whole baseline away.
    if (categoricalIn[kind] === undefined && LATER_KINDS.has(kind)) {
      categorical[kind] = createCategorical(DEFAULT_CAPS[kind]);
      continue;
    }
    const c = r.object(categoricalIn[kind], path);
    const entries = new Map<string, { w: number; first: number; last: number }>();
    r.array(c['entries'], `${path}.entries`).forEach((row, i) => {
      const e = r.array(row, `${path}.entries[${i}]`);
      entries.set(r.string(e[0], `${path}.entries[${i}][0]`), {
        w: r.number(e[1], `${path}.entries[${i}][1]`),
        first: r.number(e[2], `${path}.entries[${i}][2]`),
        last: r.number(e[3], `${path}.entries[${i}][3]`),
      });
    });
    categorical[kind] = {
      cap: r.number(c['cap'], `${path}.cap`),
      entries,
      total: r.number(c['total'], `${path}.total`),
      other: r.number(c['other'], `${path}.other`),
      novel: r.number(c['novel'], `${path}.novel`),
      folded: r.number(c['folded'], `${path}.folded`),
    };
  }
  const numericIn = r.object(o['numeric'], 'numeric');
  const numeric = {} as Record<NumericFeature, DynamicHistogram>;
  for (const feature of NUMERIC_FEATURES) {
    const path = `numeric.${feature}`;
    const h = r.object(numericIn[feature], path);
    numeric[feature] = {
      range: r.number(h['range'], `${path}.range`),
      bins: r.array(h['bins'], `${path}.bins`).map((row, i) => {
        const b = r.array(row, `${path}.bins[${i}]`);
        return { mean: r.number(b[0], `${path}.bins[${i}][0]`), m2: r.number(b[1], `${path}.bins[${i}][1]`), w: r.number(b[2], `${path}.bins[${i}][2]`) };
      }),
      total: r.number(h['total'], `${path}.total`),
      count: r.number(h['count'], `${path}.count`),
      sample: r.numbers(h['sample'], `${path}.sample`),
      sampleMinutes: r.numbers(h['sampleMinutes'], `${path}.sampleMinutes`),
      next: r.number(h['next'], `${path}.next`),
      clusteredAt: r.nullableNumber(h['clusteredAt'], `${path}.clusteredAt`),
      silhouette: r.nullableNumber(h['silhouette'], `${path}.silhouette`),
    };
  }
  const auth = r.object(o['auth'], 'auth');
  const tzSource = r.string(o['tzSource'], 'tzSource');
  if (!(TZ_SOURCES as readonly string[]).includes(tzSource)) throw new ProfileFormatError(`tzSource: ${tzSource} is not one of ${TZ_SOURCES.join(', ')}`);
  const hours = r.numbers(o['hours'], 'hours');
  const days = r.numbers(o['days'], 'days');
  if (hours.length !== 24 || days.length !== 7) throw new ProfileFormatError('hours/days: expected 24 and 7 bins');
  return {
    version: PROFILE_VERSION,
    user: r.string(o['user'], 'user'),
    clock: { anchor: r.number(o['anchor'], 'anchor'), halfLifeMs: r.number(o['halfLifeMs'], 'halfLifeMs') },
    firstSeen: r.nullableNumber(o['firstSeen'], 'firstSeen'),
    lastSeen: r.nullableNumber(o['lastSeen'], 'lastSeen'),
    events: r.number(o['events'], 'events'),
    sessions: r.number(o['sessions'], 'sessions'),
    tzOffsetMinutes: r.number(o['tz'], 'tz'),
    tzSource: tzSource as TzSource,
    categorical,
    temporal: { hours, days, total: r.number(o['timeTotal'], 'timeTotal') },
    numeric,
    auth: {
      hourStart: r.nullableNumber(auth['hourStart'], 'auth.hourStart'),
      hourFailures: r.number(auth['hourFailures'], 'auth.hourFailures'),
      recentFailures: r.numbers(auth['recentFailures'], 'auth.recentFailures'),
    },
    location: readLocation(r, o['location']),
    open: r.array(o['open'], 'open').map((f, i) => readFeatures(r, f, `open[${i}]`)),
    reclusteredAt: r.nullableNumber(o['reclusteredAt'], 'reclusteredAt'),
    activity: o['activity'] === undefined ? createActivity() : readActivity(r, o['activity']),
  };
}

function readActivity(r: Reader, x: unknown): ActivityProfile {
  const a = r.object(x, 'activity');
  const hourDays = r.numbers(a['hourDays'], 'activity.hourDays');
  if (hourDays.length !== 24) throw new ProfileFormatError('activity.hourDays: expected 24 bins');
  let current: ActivityDay | null = null;
  if (a['current'] !== null) {
    const c = r.object(a['current'], 'activity.current');
    current = {
      day: r.number(c['day'], 'activity.current.day'),
      starts: r.number(c['starts'], 'activity.current.starts'),
      startMask: r.number(c['startMask'], 'activity.current.startMask'),
      activeMask: r.number(c['activeMask'], 'activity.current.activeMask'),
      lastTs: r.number(c['lastTs'], 'activity.current.lastTs'),
      open: c['open'] === true,
      offMask: r.number(c['offMask'], 'activity.current.offMask'),
      hosts: r.array(c['hosts'], 'activity.current.hosts').map((h, i) => r.string(h, `activity.current.hosts[${i}]`)),
      usb: r.number(c['usb'], 'activity.current.usb'),
    };
  }
  const history = r.array(a['history'], 'activity.history').map((row, i): DaySummary => {
    const d = r.numbers(row, `activity.history[${i}]`);
    if (d.length !== 6) throw new ProfileFormatError(`activity.history[${i}]: expected 6 numbers`);
    return [d[0]!, d[1]!, d[2]!, d[3]!, d[4]!, d[5]!];
  });
  return {
    hourDays,
    activeDays: r.number(a['activeDays'], 'activity.activeDays'),
    weekendDays: r.number(a['weekendDays'], 'activity.weekendDays'),
    current,
    history,
  };
}

/** Parses a checkpoint's JSON text. */
export function deserializeFromString(text: string): UserProfile {
  return deserialize(JSON.parse(text));
}

function readLocation(r: Reader, x: unknown): LastLocation | null {
  if (x === null) return null;
  const l = r.object(x, 'location');
  return {
    lat: r.number(l['lat'], 'location.lat'),
    lon: r.number(l['lon'], 'location.lon'),
    country: l['country'] === null ? null : r.string(l['country'], 'location.country'),
    city: l['city'] === null ? null : r.string(l['city'], 'location.city'),
    ts: r.number(l['ts'], 'location.ts'),
    eventId: r.string(l['eventId'], 'location.eventId'),
  };
}

function readFeatures(r: Reader, x: unknown, path: string): SessionFeatures {
  const f = r.object(x, path);
  const contributorsIn = r.object(f['contributors'], `${path}.contributors`);
  const contributors = {} as Record<SessionFeature, Array<[string, number]>>;
  for (const feature of SESSION_FEATURES) {
    contributors[feature] = r.array(contributorsIn[feature], `${path}.contributors.${feature}`).map((row, i) => {
      const c = r.array(row, `${path}.contributors.${feature}[${i}]`);
      return [r.string(c[0], `${path}.contributors.${feature}[${i}][0]`), r.number(c[1], `${path}.contributors.${feature}[${i}][1]`)];
    });
  }
  const n = (key: string): number => r.number(f[key], `${path}.${key}`);
  return {
    sessionId: r.string(f['sessionId'], `${path}.sessionId`),
    start: n('start'),
    last: n('last'),
    events: n('events'),
    bytesIn: n('bytesIn'),
    bytesOut: n('bytesOut'),
    usbFiles: n('usbFiles'),
    usbBytes: n('usbBytes'),
    externalAttachmentBytes: n('externalAttachmentBytes'),
    externalEmails: n('externalEmails'),
    assets: r.array(f['assets'], `${path}.assets`).map((a, i) => r.string(a, `${path}.assets[${i}]`)),
    distinctAssets: n('distinctAssets'),
    // Absent in checkpoints written before first accesses were tracked per session.
    novelAssets: f['novelAssets'] === undefined ? [] : r.array(f['novelAssets'], `${path}.novelAssets`).map((a, i) => r.string(a, `${path}.novelAssets[${i}]`)),
    novelAssetEvents:
      f['novelAssetEvents'] === undefined ? [] : r.array(f['novelAssetEvents'], `${path}.novelAssetEvents`).map((a, i) => r.string(a, `${path}.novelAssetEvents[${i}]`)),
    failures: n('failures'),
    // Absent in checkpoints written before secret checkouts were tracked per session.
    secretCheckouts: f['secretCheckouts'] === undefined ? 0 : n('secretCheckouts'),
    secrets: strings(r, f['secrets'], `${path}.secrets`),
    novelSecrets: strings(r, f['novelSecrets'], `${path}.novelSecrets`),
    secretEvents: strings(r, f['secretEvents'], `${path}.secretEvents`),
    contributors,
  };
}

/** An optional list of strings (absent → empty). */
function strings(r: Reader, x: unknown, path: string): string[] {
  return x === undefined ? [] : r.array(x, path).map((a, i) => r.string(a, `${path}[${i}]`));
}

class Reader {
  object(x: unknown, path: string): Record<string, unknown> {
    if (typeof x !== 'object' || x === null || Array.isArray(x)) throw new ProfileFormatError(`${path}: expected an object`);
    return x as Record<string, unknown>;
  }

  array(x: unknown, path: string): unknown[] {
    if (!Array.isArray(x)) throw new ProfileFormatError(`${path}: expected an array`);
    return x;
  }

  number(x: unknown, path: string): number {
    if (typeof x !== 'number' || !Number.isFinite(x)) throw new ProfileFormatError(`${path}: expected a finite number`);
    return x;
  }

  nullableNumber(x: unknown, path: string): number | null {
    return x === null ? null : this.number(x, path);
  }

  numbers(x: unknown, path: string): number[] {
    return this.array(x, path).map((v, i) => this.number(v, `${path}[${i}]`));
  }

  string(x: unknown, path: string): string {
    if (typeof x !== 'string') throw new ProfileFormatError(`${path}: expected a string`);
    return x;
  }
}

/** A deep copy of a profile (for retrying a batch from the state before it). */
export function cloneProfile(profile: UserProfile): UserProfile {
  return deserialize(serialize(profile));
}
