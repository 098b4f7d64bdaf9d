import type { HrRecord, NormalizedEvent } from '../events/event.ts';
import { type AssetKind, type EntityType, entitiesOf } from './entities.ts';

/**
 * Folds a batch of events into the increments the graph receives: one row per user, per
 * (user, entity) ACCESSED edge and per device fact, instead of one write per event. Pure.
 *
 * Histograms are in UTC: hour of day (24 bins) and ISO day of week (7 bins, Monday first).
 * Profiles in the analytics layer re-bin them in the user's own time zone when it is known.
 */

export interface UserDelta {
  id: string;
  first: number;
  last: number;
  events: number;
  /** Countries and cities (`CC/City`, as profiles key them) the batch shows the user in, distinct. */
  countries: string[];
  cities: string[];
}

export interface AccessDelta {
  user: string;
  type: EntityType;
  id: string;
  kind: AssetKind | null;
  count: number;
  failures: number;
  first: number;
  last: number;
  bytesIn: number;
  bytesOut: number;
  hourHist: number[];
  dowHist: number[];
}

export interface DeviceFact {
  host: string;
  /** Latest malware detection, epoch ms. */
  malwareAt: number;
  signature: string | null;
}

export interface BatchAggregate {
  users: UserDelta[];
  /** Sorted by (type, id, user) so concurrent partitions lock shared nodes in one order. */
  access: AccessDelta[];
  hr: HrRecord[];
  deviceFacts: DeviceFact[];
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export function hourOfDay(ts: number): number {
  return Math.floor((((ts % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS);
}

/** ISO day of week, 0 = Monday … 6 = Sunday (1970-01-01 was a Thursday). */
export function dayOfWeek(ts: number): number {
  return (((Math.floor(ts / DAY_MS) + 3) % 7) + 7) % 7;
}

export function aggregateBatch(events: readonly NormalizedEvent[]): BatchAggregate {
  const users = new Map<string, UserDelta>();
  const access = new Map<string, AccessDelta>();
  const hr: HrRecord[] = [];
  const devices = new Map<string, DeviceFact>();

  for (const event of events) {
    if (event.category === 'malware' && event.host !== undefined) {
      const fact = devices.get(event.host);
      if (fact === undefined || fact.malwareAt < event.ts) {
        devices.set(event.host, { host: event.host, malwareAt: event.ts, signature: event.action });
      }
    }
    if (event.hr !== undefined) hr.push(event.hr);
    const user = event.user;
    if (user === undefined) continue;

    let u = users.get(user);
    if (u === undefined) users.set(user, (u = { id: user, first: event.ts, last: event.ts, events: 1, countries: [], cities: [] }));
    else {
      u.first = Math.min(u.first, event.ts);
      u.last = Math.max(u.last, event.ts);
      u.events += 1;
    }
    if (event.country !== undefined && !u.countries.includes(event.country)) u.countries.push(event.country);
    if (event.city !== undefined) {
      // The profiles' city key (user-profile.ts cityKey): cities are unique only within a country.
      const city = `${event.country ?? '?'}/${event.city}`;
      if (!u.cities.includes(city)) u.cities.push(city);
    }

    const hour = hourOfDay(event.ts);
    const dow = dayOfWeek(event.ts);
    for (const ref of entitiesOf(event)) {
      const key = `${user}\u0000${ref.type}\u0000${ref.id}`;
      let row = access.get(key);
      if (row === undefined) {
        row = {
          user,
          type: ref.type,
          id: ref.id,
          kind: ref.kind ?? null,
          count: 0,
          failures: 0,
          first: event.ts,
          last: event.ts,
          bytesIn: 0,
          bytesOut: 0,
          hourHist: new Array<number>(24).fill(0),
          dowHist: new Array<number>(7).fill(0),
        };
        access.set(key, row);
      }
      row.count += 1;
      if (event.outcome === 'failure') row.failures += 1;
      row.first = Math.min(row.first, event.ts);
      row.last = Math.max(row.last, event.ts);
      row.bytesIn += event.bytesIn ?? 0;
      row.bytesOut += event.bytesOut ?? 0;
      row.hourHist[hour]! += 1;
      row.dowHist[dow]! += 1;
    }
  }

  const sortedAccess = [...access.values()].sort(
    (a, b) => compare(a.type, b.type) || compare(a.id, b.id) || compare(a.user, b.user),
  );
  const sortedUsers = [...users.values()].sort((a, b) => compare(a.id, b.id));
  return { users: sortedUsers, access: sortedAccess, hr, deviceFacts: [...devices.values()] };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
