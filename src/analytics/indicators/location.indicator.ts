/**
 * Where activity comes from: a country, city or public source network new to the user (tested,
 * like first access, against how often their activity brings a new one), and impossible
 * travel — the great-circle speed between the last known location and this one.
 */
import { noveltyProbability } from '../profiles/categorical.profile.ts';
import { greatCircleKm, sourceNetwork } from '../profiles/geo.ts';
import { cityKey, scaleAt } from '../profiles/user-profile.ts';
import { categoricalBaseline, type CategoricalEvidence } from './evidence.ts';
import type { EventContext, Resolved } from './context.ts';
import { formatDuration, formatList, formatNumber, formatP, formatTime } from './format.ts';
import {
  type Baseline,
  defineEventIndicator,
  type EventIndicator,
  type Evidence,
  type IndicatorMeta,
  param,
  pValueHolds,
  thresholdOf,
} from './indicator.ts';

type Place = 'countries' | 'cities' | 'networks';

const PLACE_NOUN: Readonly<Record<Place, { one: string; many: string }>> = {
  countries: { one: 'country', many: 'countries' },
  cities: { one: 'city', many: 'cities' },
  networks: { one: 'source network', many: 'source networks' },
};

/** A profile key as a reason shows it: city keys are `CC/City`. */
function showKey(place: Place, key: string): string {
  if (place !== 'cities') return key;
  const slash = key.indexOf('/');
  const country = key.slice(0, slash);
  return country === '?' ? key.slice(slash + 1) : `${key.slice(slash + 1)}, ${country}`;
}

/** The profile key and display of the event's place, or null when the event has none. */
function placeOf(ctx: Resolved<EventContext>, place: Place): { key: string; display: string } | null {
  const e = ctx.event;
  if (place === 'countries') return e.country === undefined ? null : { key: e.country, display: e.country };
  if (place === 'cities') {
    if (e.city === undefined) return null;
    return { key: cityKey(e.country, e.city), display: e.country === undefined ? e.city : `${e.city}, ${e.country}` };
  }
  const network = e.ip === undefined ? null : sourceNetwork(e.ip);
  return network === null ? null : { key: network, display: `${network} (source ${e.ip})` };
}

function newPlace(place: Place, id: string, title: string, anchorScore: number, threshold: number): EventIndicator<CategoricalEvidence> {
  const { one: noun, many } = PLACE_NOUN[place];
  return defineEventIndicator<CategoricalEvidence>({
    id,
    family: 'location',
    title,
    description: `Activity from a ${noun} absent from the user's baseline, when their activity rarely comes from new ${many} (novelty p-value under a Beta(1,1) prior)${place === 'networks' ? '. Public addresses only, keyed by /24 (IPv4) or /48 (IPv6).' : `, times how common the ${noun} is in the population once at least minPopulation users have a location: (users seen there + 1) / (users + 1) — a ${noun} nobody in the organisation works from is a surprise even for a user with little history.`}`,
    dataSources: place === 'networks' ? [] : ['geo'],
    anchorScore,
    test: { kind: 'p-value', threshold },
    basis: 'user',
    exfiltration: false,
    params: place === 'networks' ? {} : { minPopulation: 20 },
    collect(ctx, self: IndicatorMeta) {
      const where = placeOf(ctx, place);
      if (where === null) return [];
      const cat = ctx.profile.categorical[place];
      if (cat.entries.has(where.key)) return [];
      const userP = noveltyProbability(cat, scaleAt(ctx.profile, ctx.event.ts));
      const population = place === 'networks' ? null : (ctx.placePopulation ?? null);
      const known = population !== null && population.users >= param(self, 'minPopulation');
      const placeUsers = known ? ((place === 'countries' ? population.countries : population.cities).get(where.key) ?? 0) : null;
      // Which new place: (users seen there + 1) / (users + 1), the population-informed prior.
      const share = known ? (placeUsers! + 1) / (population.users + 1) : 1;
      const p = Math.min(1, userP * share);
      return [
        {
          observed: { label: noun, value: where.key, display: where.display },
          test: { kind: 'p-value', pValue: p, threshold: thresholdOf(self) },
          baseline: categoricalBaseline(ctx.profile, place, where.key, ctx.event.ts, userP),
          eventIds: [ctx.event.id],
          at: ctx.event.ts,
          facts: { seenBefore: false, populationUsers: known ? population.users : null, placeUsers, placeShare: known ? round(share) : null },
        },
      ];
    },
    holds: (e) => pValueHolds(e) && e.facts['seenBefore'] === false,
    explain(e) {
      const b = e.baseline;
      const usual = b.top.length === 0 ? 'none yet' : formatList(b.top.map((t) => `${showKey(place, t.key)} (${formatNumber(t.count)})`), 3);
      const p = e.test.kind === 'p-value' ? e.test.pValue : Number.NaN;
      const users = e.facts['populationUsers'];
      if (typeof users !== 'number' || b.noveltyRate === null) {
        return `first activity from ${noun} ${e.observed.display}; this user's baseline ${many}: ${usual}; a new ${noun} is this likely for them: ${formatP(p)}`;
      }
      return `first activity from ${noun} ${e.observed.display}; this user's baseline ${many}: ${usual}; a new ${noun} is this likely for them: ${formatP(b.noveltyRate)}, and ${e.facts['placeUsers']} of ${users} users have been seen in ${e.observed.display} (prior share ${formatNumber(e.facts['placeShare'] as number)}); together ${formatP(p)}`;
    },
  });
}

export const newCountry = newPlace('countries', 'new-country', 'Activity from a new country', 20, 0.05);
export const newCity = newPlace('cities', 'new-city', 'Activity from a new city', 10, 0.05);
export const newSourceNetwork = newPlace('networks', 'new-source-network', 'Activity from a new public network', 5, 0.01);

export type TravelEvidence = Evidence<Extract<Baseline, { kind: 'travel' }>>;

function place(l: { city: string | null; country: string | null; lat: number; lon: number }): string {
  if (l.city !== null) return l.country === null ? l.city : `${l.city}, ${l.country}`;
  if (l.country !== null) return l.country;
  return `(${formatNumber(l.lat)}, ${formatNumber(l.lon)})`;
}

export const impossibleTravel = defineEventIndicator<TravelEvidence>({
  id: 'impossible-travel',
  family: 'location',
  title: 'Impossible travel',
  description:
    'The great-circle distance from the last known location, over the time between the two, needs a speed above maxSpeedKmh (a commercial flight is under 900 km/h). Distances under minDistanceKm are ignored as GeoIP noise; intervals under minIntervalMinutes count as that long.',
  dataSources: ['geo'],
  anchorScore: 40,
  test: { kind: 'fact' },
  basis: 'none',
  exfiltration: false,
  params: { maxSpeedKmh: 900, minDistanceKm: 500, minIntervalMinutes: 1 },
  collect(ctx, self: IndicatorMeta) {
    const e = ctx.event;
    const prev = ctx.profile.location;
    if (e.lat === undefined || e.lon === undefined || prev === null || prev.eventId === e.id) return [];
    const distanceKm = greatCircleKm(prev, { lat: e.lat, lon: e.lon });
    const hours = Math.max(Math.abs(e.ts - prev.ts), param(self, 'minIntervalMinutes') * 60_000) / 3_600_000;
    const speedKmh = distanceKm / hours;
    const baseline = { kind: 'travel' as const, previous: { ...prev }, distanceKm: round(distanceKm), hours: round(hours), speedKmh: round(speedKmh) };
    const holds = travelHolds(baseline, self);
    const here = place({ city: e.city ?? null, country: e.country ?? null, lat: e.lat, lon: e.lon });
    return [
      {
        observed: { label: 'travel speed', value: baseline.speedKmh, display: `${formatNumber(baseline.speedKmh)} km/h` },
        test: { kind: 'fact', fact: `${formatNumber(baseline.distanceKm)} km in ${formatDuration(Math.abs(e.ts - prev.ts))}`, holds },
        baseline,
        eventIds: [prev.eventId, e.id],
        at: e.ts,
        facts: {
          from: place(prev),
          to: here,
          maxSpeedKmh: param(self, 'maxSpeedKmh'),
          minDistanceKm: param(self, 'minDistanceKm'),
        },
      },
    ];
  },
  holds: (e, self) => travelHolds(e.baseline, self),
  explain(e) {
    const b = e.baseline;
    return `${e.facts['from']} → ${e.facts['to']}: ${formatNumber(b.distanceKm)} km in ${formatDuration(b.hours * 3_600_000)} needs ${e.observed.display}, above the plausible ${formatNumber(e.facts['maxSpeedKmh'] as number)} km/h; previous location at ${formatTime(b.previous.ts)} (event ${b.previous.eventId})`;
  },
});

function travelHolds(b: TravelEvidence['baseline'], self: IndicatorMeta): boolean {
  return b.distanceKm >= param(self, 'minDistanceKm') && b.speedKmh > param(self, 'maxSpeedKmh');
}

function round(x: number): number {
  return x === 0 || !Number.isFinite(x) ? x : Number(x.toPrecision(4));
}
