/**
 * A user's behaviour baseline: what they touch, from where, when, how much, and where they
 * were last. Updated event by event (and session by session for per-session volumes), in
 * place: the pipeline owns one profile per user in its partition and checkpoints it
 * (profile.codec.ts); `cloneProfile` gives a copy when a retry needs the old state.
 *
 * Decay: every part decays with one half-life (default DEFAULT_HALF_LIFE_DAYS = 30 days) by
 * forward decay on the event's time (forward-decay.ts); nothing is rewritten as time passes.
 *
 * Memory is bounded whatever the user does:
 * - categorical parts keep at most DEFAULT_CAPS keys each (folding the lightest into `other`);
 * - temporal parts are 24 + 7 numbers;
 * - each of the six numeric histograms has at most MAX_BINS bins and a SAMPLE_CAP-value sample;
 * - at most MAX_RECENT_FAILURES failure times and MAX_OPEN_SESSIONS open session accumulators
 *   (each with at most MAX_SESSION_ASSETS asset names);
 * - day-level activity (activity.profile.ts): 24 hour counts, the current day (at most
 *   MAX_DAY_HOSTS device names) and MAX_HISTORY_DAYS day summaries of six numbers (about 4 kB
 *   of JSON when full).
 * profile.size.ts measures it. Measured on Node 24 by test/unit/analytics/profile-memory.test.ts
 * (10,000 steady-state users, 66 user–entity pairs each on average): about 26 kB of heap and
 * 13 kB of JSON checkpoint per user; one user–entity pair about 160 B of heap and 66 B of JSON;
 * the worst case (every cap full, 32-character keys) about 63 kB of JSON and 124 kB of heap
 * (estimated). The test asserts: typical ≤ 32 kB heap and 16 kB JSON, worst ≤ 128 kB heap and
 * 64 kB JSON, a pair ≤ 250 B heap and 100 B JSON.
 */
import type { NormalizedEvent } from '../../events/event.ts';
import { classifyCommand, COMMAND_CLASSES, INTERACTIVE_CHANNELS, interactiveChannel } from '../privileged-access.ts';
import {
  type CategoricalProfile,
  createCategorical,
  observeCategory,
  scaleCategorical,
} from './categorical.profile.ts';
import {
  DAY_MS,
  type DecayClock,
  DEFAULT_HALF_LIFE_DAYS,
  decayScale,
  forwardWeight,
  HOUR_MS,
  needsRebase,
} from './forward-decay.ts';
import { type LastLocation, sourceNetwork } from './geo.ts';
import {
  createHistogram,
  type DynamicHistogram,
  FEATURE_SPECS,
  fromLog,
  NUMERIC_FEATURES,
  type NumericFeature,
  observeValue,
  reclusterHistogram,
  scaleHistogram,
} from './histogram.profile.ts';
import {
  addToSessionFeatures,
  createSessionFeatures,
  SESSION_FEATURES,
  type SessionFeatures,
  sessionFeatureValues,
  addNovelAsset,
  addSecretCheckout,
} from './session-features.ts';
import { type ActivityProfile, createActivity, observeActivity, shiftActivity } from './activity.profile.ts';
import { createTemporal, observeTime, scaleTemporal, shiftTemporal, type TemporalProfile } from './temporal.profile.ts';

export const PROFILE_VERSION = 1;

export const CATEGORICAL_KINDS = [
  'assets',
  'applications',
  'devices',
  'domains',
  'countries',
  'cities',
  'networks',
  'commands',
  'secrets',
  'interactive',
] as const;
export type CategoricalKind = (typeof CATEGORICAL_KINDS)[number];

/**
 * Most keys kept per categorical part. Sized from the synthetic organisation and CERT data
 * with room to spare: people there touch 10–40 assets, under 20 applications, 1–3 devices,
 * 20–60 web domains, a handful of countries, cities and home networks. Command classes and
 * interactive channels are closed sets (privileged-access.ts), so their caps are their sizes;
 * an administrator checks out tens of vault secrets. A user beyond a cap loses only their
 * rarest keys (folded into the part's `other` mass).
 */
export const DEFAULT_CAPS: Readonly<Record<CategoricalKind, number>> = Object.freeze({
  assets: 128,
  applications: 64,
  devices: 32,
  domains: 128,
  countries: 16,
  cities: 32,
  networks: 32,
  commands: COMMAND_CLASSES.length,
  secrets: 32,
  interactive: INTERACTIVE_CHANNELS.length,
});

export const MAX_RECENT_FAILURES = 64;
export const MAX_OPEN_SESSIONS = 4;

export interface ProfileOptions {
  halfLifeDays: number;
  caps: Readonly<Record<CategoricalKind, number>>;
}

export const DEFAULT_PROFILE_OPTIONS: ProfileOptions = Object.freeze({ halfLifeDays: DEFAULT_HALF_LIFE_DAYS, caps: DEFAULT_CAPS });

export const TZ_SOURCES = ['utc', 'hr', 'input'] as const;
export type TzSource = (typeof TZ_SOURCES)[number];

/** Authentication state: the current clock hour's failures and the latest failure times. */
export interface AuthTracker {
  /** Start of the clock hour being counted (UTC), null before the first authentication. */
  hourStart: number | null;
  hourFailures: number;
  /** Latest failed-logon times, ascending, at most MAX_RECENT_FAILURES. */
  recentFailures: number[];
}

export interface UserProfile {
  version: typeof PROFILE_VERSION;
  user: string;
  clock: DecayClock;
  /** First and latest event time, epoch ms; null before any event. */
  firstSeen: number | null;
  lastSeen: number | null;
  /** Events observed (not decayed). */
  events: number;
  /** Sessions folded into the numeric histograms. */
  sessions: number;
  /** Minutes east of UTC of the user's own time zone; 0 (UTC) until known. */
  tzOffsetMinutes: number;
  tzSource: TzSource;
  categorical: Record<CategoricalKind, CategoricalProfile>;
  temporal: TemporalProfile;
  numeric: Record<NumericFeature, DynamicHistogram>;
  auth: AuthTracker;
  location: LastLocation | null;
  /** Features of sessions still open, oldest first. */
  open: SessionFeatures[];
  reclusteredAt: number | null;
  /** Day-level activity: start hours by days, daily devices and removable media (activity.profile.ts). */
  activity: ActivityProfile;
}

export function createUserProfile(user: string, options: Partial<ProfileOptions> = {}): UserProfile {
  const halfLifeDays = options.halfLifeDays ?? DEFAULT_PROFILE_OPTIONS.halfLifeDays;
  if (!(halfLifeDays > 0)) throw new RangeError(`half-life must be positive, got ${halfLifeDays} days`);
  const caps = { ...DEFAULT_CAPS, ...options.caps };
  const categorical = {} as Record<CategoricalKind, CategoricalProfile>;
  for (const kind of CATEGORICAL_KINDS) categorical[kind] = createCategorical(caps[kind]);
  const numeric = {} as Record<NumericFeature, DynamicHistogram>;
  for (const feature of NUMERIC_FEATURES) numeric[feature] = createHistogram(FEATURE_SPECS[feature].range);
  return {
    version: PROFILE_VERSION,
    user,
    clock: { anchor: 0, halfLifeMs: halfLifeDays * DAY_MS },
    firstSeen: null,
    lastSeen: null,
    events: 0,
    sessions: 0,
    tzOffsetMinutes: 0,
    tzSource: 'utc',
    categorical,
    temporal: createTemporal(),
    numeric,
    auth: { hourStart: null, hourFailures: 0, recentFailures: [] },
    location: null,
    open: [],
    reclusteredAt: null,
    activity: createActivity(),
  };
}

/** Multiplier from stored weights to effective (decayed) counts as seen at `at`. */
export function scaleAt(profile: UserProfile, at: number): number {
  return decayScale(profile.clock, at);
}

/** Moves the decay landmark to `ts`, rescaling every stored weight (see forward-decay.ts). */
function rebase(profile: UserProfile, ts: number): void {
  const factor = decayScale(profile.clock, ts);
  for (const kind of CATEGORICAL_KINDS) scaleCategorical(profile.categorical[kind], factor);
  scaleTemporal(profile.temporal, factor);
  for (const feature of NUMERIC_FEATURES) scaleHistogram(profile.numeric[feature], factor);
  profile.clock.anchor = ts;
}

function unitAt(profile: UserProfile, ts: number): number {
  if (profile.firstSeen === null) profile.clock.anchor = ts;
  else if (needsRebase(profile.clock, ts)) rebase(profile, ts);
  return forwardWeight(profile.clock, ts);
}

/** The key a city is profiled under: cities are only unique within a country. */
export function cityKey(country: string | undefined, city: string): string {
  return `${country ?? '?'}/${city}`;
}

/**
 * Events that are not the user's own behaviour: HR records and host facts. A secret checkout
 * is behaviour whatever its category (ECS files vault events under `iam`).
 */
export function isBehaviour(event: NormalizedEvent): boolean {
  return event.user !== undefined && ((event.category !== 'iam' && event.category !== 'malware') || event.secretId !== undefined);
}

/**
 * Logon attempts whose outcome counts for failed-logon statistics: authentication events
 * (logons, LANL's authentications), remote logons and VPN connections; not logoffs.
 */
export function isAuthentication(event: NormalizedEvent): boolean {
  if (event.outcome === 'unknown') return false;
  if (event.action.endsWith('logoff') || event.action === 'vpn_disconnect') return false;
  return event.category === 'authentication' || event.action === 'remote_logon' || event.action === 'vpn_connect';
}

export interface ObserveOptions {
  /** The session the event belongs to: its per-session features are accumulated. */
  sessionId?: string | null;
  /** The organisation's mail domains; other recipients are external. */
  internalDomains?: readonly string[];
  /** The event opened its session (the pipeline knows): a start of work for the day-level activity. */
  opensSession?: boolean;
}

const START_ACTIONS = new Set(['logon', 'remote_logon', 'vpn_connect']);

/** Whether an event starts work: a successful logon or VPN connection, or a session's first event. */
export function isStart(event: NormalizedEvent, opensSession: boolean | undefined): boolean {
  return opensSession === true || (START_ACTIONS.has(event.action) && event.outcome === 'success');
}

/** Removable-media activity: a device connect or a copy to removable media. */
export function isRemovableMedia(event: NormalizedEvent): boolean {
  return event.action === 'usb_connect' || event.action === 'file_copy';
}

/**
 * Learns one event. Returns false (and changes nothing) for events that are not the user's
 * behaviour (`isBehaviour`). Evaluate indicators on the profile *before* calling this.
 */
export function observeEvent(profile: UserProfile, event: NormalizedEvent, options: ObserveOptions = {}): boolean {
  if (!isBehaviour(event)) return false;
  const ts = event.ts;
  const unit = unitAt(profile, ts);
  profile.firstSeen = profile.firstSeen === null ? ts : Math.min(profile.firstSeen, ts);
  profile.lastSeen = profile.lastSeen === null ? ts : Math.max(profile.lastSeen, ts);
  profile.events += 1;

  const c = profile.categorical;
  const novelAsset = event.asset !== undefined && !c.assets.entries.has(event.asset);
  const novelSecret = event.secretId !== undefined && !c.secrets.entries.has(event.secretId);
  if (event.asset !== undefined) observeCategory(c.assets, event.asset, unit, ts);
  if (event.app !== undefined) observeCategory(c.applications, event.app, unit, ts);
  if (event.host !== undefined) observeCategory(c.devices, event.host, unit, ts);
  if (event.domain !== undefined) observeCategory(c.domains, event.domain, unit, ts);
  if (event.country !== undefined) observeCategory(c.countries, event.country, unit, ts);
  if (event.city !== undefined) observeCategory(c.cities, cityKey(event.country, event.city), unit, ts);
  const network = event.ip === undefined ? null : sourceNetwork(event.ip);
  if (network !== null) observeCategory(c.networks, network, unit, ts);
  if (event.command !== undefined) observeCategory(c.commands, classifyCommand(event.command), unit, ts);
  if (event.secretId !== undefined) observeCategory(c.secrets, event.secretId, unit, ts);
  const channel = interactiveChannel(event);
  if (channel !== null) observeCategory(c.interactive, channel, unit, ts);

  observeTime(profile.temporal, ts, profile.tzOffsetMinutes, unit);
  observeActiveHour(profile, event);
  observeActivity(profile.activity, {
    ts,
    tzOffsetMinutes: profile.tzOffsetMinutes,
    start: isStart(event, options.opensSession),
    host: event.host,
    usb: isRemovableMedia(event),
    logoff: event.action.endsWith('logoff') || event.action === 'vpn_disconnect',
  });

  if (event.lat !== undefined && event.lon !== undefined) {
    const l = profile.location;
    if (l === null) {
      profile.location = { lat: event.lat, lon: event.lon, country: event.country ?? null, city: event.city ?? null, ts, eventId: event.id };
    } else if (ts >= l.ts) {
      // In place: this runs for most events, and the profile owns the object.
      l.lat = event.lat;
      l.lon = event.lon;
      l.country = event.country ?? null;
      l.city = event.city ?? null;
      l.ts = ts;
      l.eventId = event.id;
    }
  }

  if (options.sessionId !== undefined && options.sessionId !== null) {
    let features = profile.open.find((f) => f.sessionId === options.sessionId);
    if (features === undefined) {
      features = createSessionFeatures(options.sessionId, ts);
      profile.open.push(features);
      // A session the pipeline never closed (lost in a crash) must not pin memory.
      if (profile.open.length > MAX_OPEN_SESSIONS) {
        profile.open.sort((a, b) => a.last - b.last);
        profile.open.shift();
      }
    }
    addToSessionFeatures(features, event, options.internalDomains ?? []);
    if (novelAsset) addNovelAsset(features, event.asset!, event.id);
    if (event.secretId !== undefined) addSecretCheckout(features, event.secretId, event.id, novelSecret);
  }
  return true;
}

/**
 * Counts failed logons per clock hour of activity. When any behaviour arrives in a later clock
 * hour, the finished hour's failure count becomes one observation of `failed-logons-per-hour`
 * (usually 0). Hours without any activity are not observations: most users would have
 * thousands of empty hours; but every hour the user works is, so a burst is tested against
 * the many quiet working hours and not only the few hours with a logon in them.
 */
function observeActiveHour(profile: UserProfile, event: NormalizedEvent): void {
  const a = profile.auth;
  const hour = Math.floor(event.ts / HOUR_MS) * HOUR_MS;
  if (a.hourStart === null) {
    a.hourStart = hour;
  } else if (hour > a.hourStart) {
    observeValue(profile.numeric['failed-logons-per-hour'], a.hourFailures, forwardWeight(profile.clock, a.hourStart), a.hourStart);
    a.hourStart = hour;
    a.hourFailures = 0;
  }
  if (!isAuthentication(event) || event.outcome !== 'failure') return;
  if (hour === a.hourStart) a.hourFailures += 1;
  const list = a.recentFailures;
  let at = list.length;
  while (at > 0 && list[at - 1]! > event.ts) at--;
  list.splice(at, 0, event.ts);
  if (list.length > MAX_RECENT_FAILURES) list.shift();
}

/** Failed logons the profile holds in (from, to]. */
export function failuresBetween(profile: UserProfile, from: number, to: number): number {
  let n = 0;
  for (const t of profile.auth.recentFailures) if (t > from && t <= to) n++;
  return n;
}

/** The accumulated features of a session, removed from the profile; null when unknown. */
export function takeSessionFeatures(profile: UserProfile, sessionId: string): SessionFeatures | null {
  const i = profile.open.findIndex((f) => f.sessionId === sessionId);
  if (i < 0) return null;
  const [features] = profile.open.splice(i, 1);
  return features ?? null;
}

/** Folds a closed session's features into the numeric histograms (after evaluating it). */
export function observeSession(profile: UserProfile, features: SessionFeatures): void {
  const ts = features.last;
  const unit = unitAt(profile, ts);
  if (profile.firstSeen === null) profile.firstSeen = profile.lastSeen = ts;
  const values = sessionFeatureValues(features);
  for (const feature of SESSION_FEATURES) observeValue(profile.numeric[feature], values[feature], unit, ts);
  profile.sessions += 1;
}

/**
 * Re-clusters every numeric histogram from its sample (the periodic job calls this; `now` is
 * its clock). Returns how many histograms had enough data to be re-clustered.
 */
export function recluster(profile: UserProfile, now: number): number {
  let n = 0;
  for (const feature of NUMERIC_FEATURES) {
    if (reclusterHistogram(profile.numeric[feature], (ts) => forwardWeight(profile.clock, ts), now)) n++;
  }
  profile.reclusteredAt = now;
  return n;
}

/**
 * Sets the user's time zone (e.g. from the HR location). Hour bins learnt in the old zone are
 * moved by the difference, so the baseline is not lost.
 */
export function setTimeZone(profile: UserProfile, offsetMinutes: number, source: TzSource): void {
  if (!Number.isInteger(offsetMinutes) || Math.abs(offsetMinutes) > 14 * 60) {
    throw new RangeError(`time zone offset must be whole minutes within ±14 h, got ${offsetMinutes}`);
  }
  shiftTemporal(profile.temporal, offsetMinutes - profile.tzOffsetMinutes);
  shiftActivity(profile.activity, offsetMinutes - profile.tzOffsetMinutes);
  profile.tzOffsetMinutes = offsetMinutes;
  profile.tzSource = source;
}

/**
 * The user's typical value of a per-session feature: the median of the latest sampled values
 * (raw units; 0 before any). The peer-group job summarises these over a group's members into
 * the median and MAD that peer-volume indicators compare a session with.
 */
export function typicalSessionValue(profile: UserProfile, feature: NumericFeature): number {
  const sample = [...profile.numeric[feature].sample].sort((a, b) => a - b);
  if (sample.length === 0) return 0;
  const mid = sample.length >> 1;
  const v = sample.length % 2 === 1 ? sample[mid]! : (sample[mid - 1]! + sample[mid]!) / 2;
  return Math.round(fromLog(v));
}

/** Total number of user–entity pairs the profile holds (assets, applications, devices, domains). */
export function entityPairCount(profile: UserProfile): number {
  const c = profile.categorical;
  return c.assets.entries.size + c.applications.entries.size + c.devices.entries.size + c.domains.entries.size;
}
