import { ENTITY_TYPES, type EntityType, entityKey } from '../entities.ts';
import { EMPTY_VECTOR, normalise, type SparseVector } from './sparse-vector.ts';

/**
 * Access vectors: what each user reaches, read from their ACCESSED edges, weighted so that
 * what distinguishes users counts and what everybody uses does not.
 *
 * Weight of user u on entity e (TF-IDF with a sub-linear term frequency):
 *   w(u, e) = ln(1 + count(u, e)) × idf(e),   idf(e) = ln((1 + N) / (1 + df(e))) + 1
 * where N is the number of users with any access of the vector's types and df(e) the number
 * of them who accessed e ("smooth idf", as scikit-learn's TfidfTransformer). Each vector is
 * then scaled to unit length, so the squared Euclidean distance between two users is
 * 2 − 2·cos(u, v): k-means on these vectors works in cosine geometry.
 *
 * Devices are left out by default: a workstation is personal, so it makes every user unique
 * rather than similar to anyone. Entities fewer than `minUsers` users accessed are left out
 * too: they cannot make two users alike, and would only shrink the rest of the vector.
 */

/** One (:User)-[:ACCESSED]->(entity) edge, as the peer-group build reads it. */
export interface AccessEdge {
  type: EntityType;
  id: string;
  count: number;
  /** Bytes received by the user (download), as summed on the edge. */
  bytesIn: number;
  /** Bytes sent by the user (upload). */
  bytesOut: number;
  /** Events per UTC hour of day (24) and ISO day of week (7), as summed on the edge; absent when not read. */
  hourHist?: readonly number[];
  dowHist?: readonly number[];
}

/** A user with the HR attributes organisational groups need and every ACCESSED edge. */
export interface UserAccessProfile {
  user: string;
  department: string | null;
  title: string | null;
  /** The manager's user id (REPORTS_TO). */
  manager: string | null;
  access: readonly AccessEdge[];
}

/**
 * Per-user numbers whose peer median and MAD the group summaries carry:
 * - `bytesIn`, `bytesOut`: the user's traffic. The aggregator adds an event's bytes to every
 *   entity the event touches (its device, application, asset), so summing all edges would count
 *   an event once per entity. Each entity type's sum counts an event at most once (bar an event
 *   naming both an asset and a web domain); the largest per-type sum is used.
 * - `distinctEntities`: distinct entities of the vector's types the user accessed.
 */
export const NUMERIC_FEATURES = Object.freeze(['bytesIn', 'bytesOut', 'distinctEntities'] as const);
export type NumericFeature = (typeof NUMERIC_FEATURES)[number];

/** A user as held by the build: interned entity indices instead of strings. */
export interface UserRecord {
  readonly user: string;
  readonly department: string | null;
  readonly title: string | null;
  readonly manager: string | null;
  /** Indices into `AccessProfileSet.entities`, one per ACCESSED edge. */
  readonly entities: Int32Array;
  readonly counts: Float64Array;
  /** Largest per-entity-type sum of bytes in and out (see NUMERIC_FEATURES). */
  readonly bytesIn: number;
  readonly bytesOut: number;
  /**
   * When the user is active: events per UTC hour (24) and day of week (7), and events in all,
   * from the entity type with the most events (each type counts an event at most once).
   */
  readonly hours: Float64Array;
  readonly days: Float64Array;
  readonly events: number;
}

export interface EntityRecord {
  readonly type: EntityType;
  readonly id: string;
  /** `entityKey` of the entity: unique across types. */
  readonly key: string;
}

/**
 * Accumulates users page by page (the store streams them) into a compact form: entity names
 * are interned once, each user keeps typed arrays. About 12 bytes per ACCESSED edge plus the
 * entity table, so 10k users × 100 edges is some 12 MB.
 */
export class AccessProfileSet {
  readonly entities: EntityRecord[] = [];
  readonly #entityIndex = new Map<string, number>();
  readonly #users = new Map<string, UserRecord>();

  get size(): number {
    return this.#users.size;
  }

  add(profile: UserAccessProfile): void {
    if (this.#users.has(profile.user)) throw new Error(`user ${profile.user} added twice`);
    // Slot of each entity in this user's arrays; an entity named twice is added up.
    const slots = new Map<number, number>();
    const entities: number[] = [];
    const counts: number[] = [];
    const bytesInByType = new Map<EntityType, number>();
    const bytesOutByType = new Map<EntityType, number>();
    const timeByType = new Map<EntityType, { hours: Float64Array; days: Float64Array; events: number }>();
    for (const edge of profile.access) {
      if (!(ENTITY_TYPES as readonly string[]).includes(edge.type)) throw new Error(`unknown entity type ${edge.type}`);
      const key = entityKey(edge);
      let index = this.#entityIndex.get(key);
      if (index === undefined) {
        index = this.entities.length;
        this.entities.push({ type: edge.type, id: edge.id, key });
        this.#entityIndex.set(key, index);
      }
      const slot = slots.get(index);
      if (slot === undefined) {
        slots.set(index, entities.length);
        entities.push(index);
        counts.push(Math.max(0, edge.count));
      } else counts[slot]! += Math.max(0, edge.count);
      bytesInByType.set(edge.type, (bytesInByType.get(edge.type) ?? 0) + edge.bytesIn);
      bytesOutByType.set(edge.type, (bytesOutByType.get(edge.type) ?? 0) + edge.bytesOut);
      let time = timeByType.get(edge.type);
      if (time === undefined) timeByType.set(edge.type, (time = { hours: new Float64Array(24), days: new Float64Array(7), events: 0 }));
      time.events += Math.max(0, edge.count);
      edge.hourHist?.forEach((c, h) => h < 24 && (time.hours[h]! += Math.max(0, c)));
      edge.dowHist?.forEach((c, d) => d < 7 && (time.days[d]! += Math.max(0, c)));
    }
    const busiest = [...timeByType.values()].sort((a, b) => b.events - a.events)[0];
    this.#users.set(profile.user, {
      user: profile.user,
      department: profile.department,
      title: profile.title,
      manager: profile.manager,
      entities: Int32Array.from(entities),
      counts: Float64Array.from(counts),
      bytesIn: Math.max(0, ...bytesInByType.values()),
      bytesOut: Math.max(0, ...bytesOutByType.values()),
      hours: busiest?.hours ?? new Float64Array(24),
      days: busiest?.days ?? new Float64Array(7),
      events: busiest?.events ?? 0,
    });
  }

  /** Index of an entity in `entities`, or −1. */
  indexOf(type: EntityType, id: string): number {
    return this.#entityIndex.get(entityKey({ type, id })) ?? -1;
  }

  /** Users in increasing id order, so that every build sees them in the same order. */
  users(): UserRecord[] {
    return [...this.#users.values()].sort((a, b) => (a.user < b.user ? -1 : a.user > b.user ? 1 : 0));
  }

  static of(profiles: Iterable<UserAccessProfile>): AccessProfileSet {
    const set = new AccessProfileSet();
    for (const profile of profiles) set.add(profile);
    return set;
  }
}

export interface AccessVectorOptions {
  /** Entity types making up the vector. Default Application and Asset (web domains included). */
  types: readonly EntityType[];
  /** Entities fewer users than this accessed are not features. Default 2. */
  minUsers: number;
}

export const DEFAULT_ACCESS_VECTOR_OPTIONS: AccessVectorOptions = Object.freeze({
  types: Object.freeze(['Application', 'Asset'] as const),
  minUsers: 2,
});

export interface Feature {
  /** Index into `AccessProfileSet.entities`. */
  entity: number;
  key: string;
  df: number;
  idf: number;
}

export interface AccessMatrix {
  /** Every user of the set, in id order; `rows[i]` is `users[i]`'s vector. */
  users: UserRecord[];
  /** Unit-length TF-IDF vectors over `features`; empty for users with no feature. */
  rows: SparseVector[];
  /** Columns, in entity-key order. */
  features: Feature[];
  /** N of the idf: users with any access of the vector's types. */
  documents: number;
  /** Per user, distinct entities of the vector's types accessed (a numeric feature). */
  distinctEntities: Int32Array;
  options: AccessVectorOptions;
}

export function buildAccessMatrix(set: AccessProfileSet, options: Partial<AccessVectorOptions> = {}): AccessMatrix {
  const opts: AccessVectorOptions = { ...DEFAULT_ACCESS_VECTOR_OPTIONS, ...options };
  const users = set.users();
  const inVector = set.entities.map((e) => opts.types.includes(e.type));

  const df = new Int32Array(set.entities.length);
  const distinctEntities = new Int32Array(users.length);
  let documents = 0;
  users.forEach((u, row) => {
    let distinct = 0;
    for (let i = 0; i < u.entities.length; i++) {
      const e = u.entities[i]!;
      if (inVector[e] && u.counts[i]! > 0) {
        df[e]! += 1;
        distinct += 1;
      }
    }
    distinctEntities[row] = distinct;
    if (distinct > 0) documents += 1;
  });

  const features: Feature[] = [];
  set.entities.forEach((entity, index) => {
    if (!inVector[index] || df[index]! < opts.minUsers) return;
    features.push({ entity: index, key: entity.key, df: df[index]!, idf: Math.log((1 + documents) / (1 + df[index]!)) + 1 });
  });
  features.sort((a, b) => (a.key < b.key ? -1 : 1));
  const column = new Map<number, number>(features.map((f, i) => [f.entity, i]));

  const rows = users.map((u) => {
    const cells: Array<[number, number]> = [];
    for (let i = 0; i < u.entities.length; i++) {
      const col = column.get(u.entities[i]!);
      if (col !== undefined && u.counts[i]! > 0) cells.push([col, Math.log1p(u.counts[i]!) * features[col]!.idf]);
    }
    if (cells.length === 0) return EMPTY_VECTOR;
    cells.sort((a, b) => a[0] - b[0]);
    return normalise({ indices: Int32Array.from(cells, (c) => c[0]), values: Float64Array.from(cells, (c) => c[1]) });
  });
  return { users, rows, features, documents, distinctEntities, options: opts };
}

/** Which features a behaviour clustering used, and why. */
export interface FeatureSetChoice {
  featureSet: 'access' | 'activity';
  reason: string;
}

/** Below this share of users with an access vector, the activity features are used instead. */
export const MIN_ACCESS_COVERAGE = 0.5;

export const ACTIVITY_FEATURES = Object.freeze(['hours', 'days', 'volume', 'shared-devices'] as const);

/**
 * Activity vectors for thin data (logon-only sources, where access vectors are empty): what
 * every user with any event has, whatever the source —
 * - the share of their events in each UTC hour of day, smoothed over neighbouring hours
 *   (¼, ½, ¼) (24 columns, weight 1);
 * - the share per day of week (7 columns, weight ½);
 * - volume: ln(1 + events) and ln(1 + distinct devices), each over the population's largest
 *   (2 columns, weight ½ each);
 * - TF-IDF over the devices at least `minUsers` users used (shared PCs, servers), as the
 *   access vector does (weight 1).
 * Each block is scaled to unit length times its weight and the row to unit length, so the
 * cosine geometry of the access vectors is kept and k-means runs unchanged. Column keys are
 * `hour:HH`, `day:D`, `volume:events`, `volume:devices`, then the device entity keys.
 */
export function buildActivityMatrix(set: AccessProfileSet, minUsers = 2): AccessMatrix {
  const users = set.users();
  const isDevice = set.entities.map((e) => e.type === 'Device');
  const df = new Int32Array(set.entities.length);
  for (const u of users) for (let i = 0; i < u.entities.length; i++) if (isDevice[u.entities[i]!] && u.counts[i]! > 0) df[u.entities[i]!]! += 1;
  const active = users.filter((u) => u.events > 0).length;
  const fixed: Feature[] = [
    ...Array.from({ length: 24 }, (_, h) => ({ entity: -1, key: `hour:${String(h).padStart(2, '0')}`, df: active, idf: 1 })),
    ...Array.from({ length: 7 }, (_, d) => ({ entity: -1, key: `day:${d}`, df: active, idf: 1 })),
    { entity: -1, key: 'volume:events', df: active, idf: 1 },
    { entity: -1, key: 'volume:devices', df: active, idf: 1 },
  ];
  const devices: Feature[] = [];
  set.entities.forEach((entity, index) => {
    if (isDevice[index] && df[index]! >= minUsers) devices.push({ entity: index, key: entity.key, df: df[index]!, idf: Math.log((1 + active) / (1 + df[index]!)) + 1 });
  });
  devices.sort((a, b) => (a.key < b.key ? -1 : 1));
  const features = [...fixed, ...devices];
  const column = new Map<number, number>(devices.map((f, i) => [f.entity, fixed.length + i]));
  const deviceCount = (u: UserRecord): number => {
    let n = 0;
    for (let i = 0; i < u.entities.length; i++) if (isDevice[u.entities[i]!] && u.counts[i]! > 0) n++;
    return n;
  };
  const maxEvents = Math.log1p(Math.max(0, ...users.map((u) => u.events)));
  const maxDevices = Math.log1p(Math.max(0, ...users.map(deviceCount)));
  const distinctEntities = new Int32Array(users.length);
  const rows = users.map((u, row) => {
    distinctEntities[row] = deviceCount(u);
    if (u.events <= 0) return EMPTY_VECTOR;
    const cells: Array<[number, number]> = [];
    const block = (values: number[], offset: number, weight: number): void => {
      const norm = Math.hypot(...values);
      if (norm > 0) values.forEach((v, i) => v > 0 && cells.push([offset + i, (v / norm) * weight]));
    };
    const hourTotal = u.hours.reduce((a, b) => a + b, 0);
    if (hourTotal > 0) block(Array.from({ length: 24 }, (_, h) => 0.25 * u.hours[(h + 23) % 24]! + 0.5 * u.hours[h]! + 0.25 * u.hours[(h + 1) % 24]!), 0, 1);
    if (u.days.reduce((a, b) => a + b, 0) > 0) block(Array.from(u.days), 24, 0.5);
    if (maxEvents > 0) cells.push([31, (Math.log1p(u.events) / maxEvents) * 0.5]);
    if (maxDevices > 0) cells.push([32, (Math.log1p(distinctEntities[row]!) / maxDevices) * 0.5]);
    const shared: number[] = [];
    const sharedCols: number[] = [];
    for (let i = 0; i < u.entities.length; i++) {
      const col = column.get(u.entities[i]!);
      if (col !== undefined && u.counts[i]! > 0) {
        sharedCols.push(col);
        shared.push(Math.log1p(u.counts[i]!) * features[col]!.idf);
      }
    }
    const norm = Math.hypot(...shared);
    if (norm > 0) shared.forEach((v, i) => cells.push([sharedCols[i]!, v / norm]));
    if (cells.length === 0) return EMPTY_VECTOR;
    cells.sort((a, b) => a[0] - b[0]);
    return normalise({ indices: Int32Array.from(cells, (c) => c[0]), values: Float64Array.from(cells, (c) => c[1]) });
  });
  return {
    users,
    rows,
    features,
    documents: active,
    distinctEntities,
    options: { types: ['Device'], minUsers },
  };
}

/**
 * The matrix behaviour groups are clustered on: the access vectors when at least
 * MIN_ACCESS_COVERAGE of the users with any activity have one, else the activity vectors
 * (buildActivityMatrix), with the reason either way.
 */
export function chooseBehaviourMatrix(set: AccessProfileSet, options: Partial<AccessVectorOptions> = {}): { matrix: AccessMatrix; choice: FeatureSetChoice } {
  const access = buildAccessMatrix(set, options);
  const withVector = access.rows.filter((r) => r.indices.length > 0).length;
  const withActivity = access.users.filter((u) => u.events > 0 || u.entities.length > 0).length;
  const types = access.options.types.join(', ');
  if (withActivity === 0 || withVector >= MIN_ACCESS_COVERAGE * withActivity) {
    return { matrix: access, choice: { featureSet: 'access', reason: `access vectors (${types}) for ${withVector} of ${withActivity} active users` } };
  }
  const activity = buildActivityMatrix(set, access.options.minUsers);
  const shared = activity.features.length - 33;
  return {
    matrix: activity,
    choice: {
      featureSet: 'activity',
      reason: `access vectors (${types}) exist for only ${withVector} of ${withActivity} active users (under ${MIN_ACCESS_COVERAGE * 100} %): clustered on activity instead — hours of day, days of week, event and device volume, and ${shared} devices shared by at least ${access.options.minUsers} users`,
    },
  };
}
