/**
 * First-time and rare access at user level: to an asset, an application, a device.
 *
 * First access is tested against how often this user's activity brings something new
 * (categorical.profile.ts, `noveltyProbability`): for someone who keeps using the same handful
 * of servers a new one is surprising, for an administrator who touches new machines every day
 * it is not. Rare access is the exact categorical p-value of a key already seen
 * (`rarityPValue`). Both read the profile before it learns from the event.
 */
import { noveltyProbability, rarityPValue } from '../profiles/categorical.profile.ts';
import { activityAt, bandPValue, localHour, outsideOwnHours } from '../profiles/activity.profile.ts';
import { isStart, scaleAt } from '../profiles/user-profile.ts';
import type { DataSource, EventContext, Resolved } from './context.ts';
import { ACCESS_FIELD, ACCESS_NOUN, type AccessKind, categoricalBaseline, type CategoricalEvidence } from './evidence.ts';
import { formatDay, formatNumber, formatP, formatPercent } from './format.ts';
import {
  type Baseline,
  defineEventIndicator,
  type Evidence,
  type EventIndicator,
  type IndicatorMeta,
  param,
  pValueHolds,
  thresholdOf,
} from './indicator.ts';

const SOURCES: Readonly<Record<AccessKind, readonly DataSource[]>> = {
  assets: ['network'],
  applications: ['network'],
  devices: ['authentication'],
};

function firstAccess(kind: AccessKind, anchorScore: number): EventIndicator<CategoricalEvidence> {
  const noun = ACCESS_NOUN[kind];
  return defineEventIndicator<CategoricalEvidence>({
    id: `first-${noun.one}-access`,
    family: 'access',
    title: `First access to ${noun.one === 'asset' ? 'an' : 'a'} ${noun.one}`,
    description: `The user reaches ${noun.one === 'asset' ? 'an' : 'a'} ${noun.one} absent from their baseline, and their activity rarely brings new ${noun.many} (p-value of novelty under a Beta(1,1) prior on the decayed share of accesses that were first accesses).`,
    dataSources: SOURCES[kind],
    anchorScore,
    test: { kind: 'p-value', threshold: 0.05 },
    basis: 'user',
    exfiltration: false,
    params: {},
    collect(ctx: Resolved<EventContext>, self: IndicatorMeta) {
      const key = ctx.event[ACCESS_FIELD[kind]];
      if (key === undefined) return [];
      const cat = ctx.profile.categorical[kind];
      if (cat.entries.has(key)) return [];
      const p = noveltyProbability(cat, scaleAt(ctx.profile, ctx.event.ts));
      return [
        {
          observed: { label: noun.one, value: key, display: key },
          test: { kind: 'p-value', pValue: p, threshold: thresholdOf(self) },
          baseline: categoricalBaseline(ctx.profile, kind, key, ctx.event.ts, p),
          eventIds: [ctx.event.id],
          at: ctx.event.ts,
          facts: { seenBefore: false },
        },
      ];
    },
    holds: (e) => pValueHolds(e) && e.facts['seenBefore'] === false,
    explain(e) {
      const s = e.baseline.stats;
      const p = e.test.kind === 'p-value' ? e.test.pValue : Number.NaN;
      return `first access to ${noun.one} ${e.observed.display}: not among the ${s.distinct} ${noun.many} in this user's baseline (${formatNumber(s.total)} decayed accesses, half-life ${e.baseline.halfLifeDays} days); a new ${noun.one} is this likely for them: ${formatP(p)}`;
    },
  });
}

function rareAccess(kind: AccessKind, anchorScore: number): EventIndicator<CategoricalEvidence> {
  const noun = ACCESS_NOUN[kind];
  return defineEventIndicator<CategoricalEvidence>({
    id: `rare-${noun.one}-access`,
    family: 'access',
    title: `Rare access to ${noun.one === 'asset' ? 'an' : 'a'} ${noun.one}`,
    description: `The user reaches ${noun.one === 'asset' ? 'an' : 'a'} ${noun.one} they have used before but rarely: the exact p-value of the ${noun.one} under their decayed categorical profile (the share of accesses that went to ${noun.many} at most as frequent).`,
    dataSources: SOURCES[kind],
    anchorScore,
    test: { kind: 'p-value', threshold: 0.01 },
    basis: 'user',
    exfiltration: false,
    params: {},
    collect(ctx: Resolved<EventContext>, self: IndicatorMeta) {
      const key = ctx.event[ACCESS_FIELD[kind]];
      if (key === undefined) return [];
      const cat = ctx.profile.categorical[kind];
      if (!cat.entries.has(key)) return [];
      const p = rarityPValue(cat, key, scaleAt(ctx.profile, ctx.event.ts));
      return [
        {
          observed: { label: noun.one, value: key, display: key },
          test: { kind: 'p-value', pValue: p, threshold: thresholdOf(self) },
          baseline: categoricalBaseline(ctx.profile, kind, key, ctx.event.ts, null),
          eventIds: [ctx.event.id],
          at: ctx.event.ts,
          facts: { seenBefore: true },
        },
      ];
    },
    holds: (e) => pValueHolds(e) && e.facts['seenBefore'] === true,
    explain(e) {
      const s = e.baseline.stats;
      const p = e.test.kind === 'p-value' ? e.test.pValue : Number.NaN;
      const last = s.last === null ? '' : `, last on ${formatDay(s.last)}`;
      return `rare access to ${noun.one} ${e.observed.display}: ${formatNumber(s.count)} of ${formatNumber(s.total)} decayed accesses${last}; ${noun.many} this rare or rarer make up ${formatP(p)} of this user's activity`;
    },
  });
}

export const firstAssetAccess = firstAccess('assets', 10);
export const firstApplicationAccess = firstAccess('applications', 10);
export const firstDeviceAccess = firstAccess('devices', 10);
export const rareAssetAccess = rareAccess('assets', 5);
export const rareApplicationAccess = rareAccess('applications', 5);
export const rareDeviceAccess = rareAccess('devices', 5);

export type DeviceOwnerEvidence = Evidence<Extract<Baseline, { kind: 'device-owner' }>>;

/**
 * A logon to a device that belongs to someone else: the device's dominant user over the
 * population's history (most of its events, at least minOwnerEvents of them) is another user,
 * and the device is rare for this user. The p-value is the larger of two: the share of this
 * user's decayed device accesses that went to this device (with a 0.1 pseudo-count), and their
 * novelty rate for devices — so an administrator who reaches new machines every day is not
 * surprised by one more (device-velocity judges their rate).
 */
export const otherUsersDevice = defineEventIndicator<DeviceOwnerEvidence>({
  id: 'other-users-device',
  family: 'access',
  title: "Logon to another user's device",
  description:
    "A session starts on a device whose dominant user (at least minOwnerShare of its events over the population's history, and at least minOwnerEvents) is someone else, and the device is rare for this user: p = max((their decayed accesses to it + 0.1) / (their device accesses + 1), their device novelty rate under a Beta(1,1) prior; the novelty rate does not count when the owner is the user's own manager); when the logon is outside the user's own hours, that p is combined by Fisher's method with the start hour's (k + 0.1) / (n + 1).",
  dataSources: ['authentication'],
  anchorScore: 30,
  test: { kind: 'p-value', threshold: 0.05 },
  basis: 'user',
  exfiltration: false,
  params: { minOwnerShare: 0.6, minOwnerEvents: 20 },
  collect(ctx, self) {
    const host = ctx.event.host;
    const user = ctx.event.user;
    if (host === undefined || user === undefined || !isStart(ctx.event, ctx.opensSession)) return [];
    const o = ctx.deviceOwners?.get(host);
    if (o === undefined || o.owner === user || o.total <= 0) return [];
    const scale = scaleAt(ctx.profile, ctx.event.ts);
    const devices = ctx.profile.categorical.devices;
    const own = (devices.entries.get(host)?.w ?? 0) * scale;
    const total = devices.total * scale;
    // The user's own manager's device: their novelty rate does not excuse it (an administrator
    // reaches many machines, their supervisor's is not one of the many).
    const managers = o.owner === ctx.hr?.manager;
    const rarity = (own + 0.1) / (total + 1);
    const pDevice = managers ? rarity : Math.max(rarity, noveltyProbability(devices, scale));
    // Outside the user's own hours, the start hour's rarity is a second, independent test.
    const tz = ctx.profile.tzOffsetMinutes;
    const view = activityAt(ctx.profile.activity, ctx.event.ts, tz);
    const hour = localHour(ctx.event.ts, tz);
    const offHours = outsideOwnHours(view.hourDays, view.activeDays, hour);
    const pHour = offHours ? bandPValue(view.hourDays, view.activeDays, hour) : 1;
    const p = offHours ? fisher(pDevice, pHour) : pDevice;
    const share = o.ownerCount / o.total;
    return [
      {
        observed: { label: 'device', value: host, display: host },
        test: { kind: 'p-value', pValue: round4(p), threshold: thresholdOf(self) },
        baseline: {
          kind: 'device-owner',
          device: host,
          owner: o.owner,
          ownerShare: round4(share),
          ownerCount: o.ownerCount,
          users: o.users,
          userCount: round4(own),
          userDevices: devices.entries.size,
        },
        eventIds: [ctx.event.id],
        at: ctx.event.ts,
        facts: {
          minOwnerShare: param(self, 'minOwnerShare'),
          minOwnerEvents: param(self, 'minOwnerEvents'),
          deviceP: round4(pDevice),
          ownersRole: managers ? 'manager' : null,
          offHours,
          hourP: round4(pHour),
          hour,
        },
      },
    ];
  },
  holds: (e) =>
    pValueHolds(e) &&
    e.baseline.ownerShare >= (e.facts['minOwnerShare'] as number) &&
    e.baseline.ownerCount >= (e.facts['minOwnerEvents'] as number),
  explain(e) {
    const b = e.baseline;
    const when =
      e.facts['offHours'] === true
        ? `; at ${String(e.facts['hour']).padStart(2, '0')}:00, outside their own hours (${formatP(e.facts['hourP'] as number)}), combined with the device's ${formatP(e.facts['deviceP'] as number)} by Fisher's method`
        : '';
    const whose = e.facts['ownersRole'] === 'manager' ? ` — their own manager —` : '';
    return `logon to ${e.observed.display}, which belongs to ${b.owner}${whose} (${formatPercent(b.ownerShare)} of its ${formatNumber(Math.round(b.ownerCount / b.ownerShare))} events, ${b.users} users in all); this user's own accesses to it: ${formatNumber(b.userCount)}, across ${b.userDevices} devices they use${when}; ${formatP(e.test.kind === 'p-value' ? e.test.pValue : Number.NaN)}`;
  },
});

/** Fisher's combination of two independent p-values: P(χ²₄ ≥ −2 ln(p₁p₂)) = x (1 − ln x), x = p₁p₂. */
export function fisher(p1: number, p2: number): number {
  const x = p1 * p2;
  return x <= 0 ? 0 : Math.min(1, x * (1 - Math.log(x)));
}

function round4(x: number): number {
  return x === 0 || !Number.isFinite(x) ? x : Number(x.toPrecision(4));
}
