/**
 * Normal behaviour of the synthetic organisation, one user-day at a time.
 *
 * Every person works in their own time zone: a main session on working days (start time and
 * length from their habits, with jitter), a lunch dip, the occasional evening session from
 * home, weekend work for a few, public holidays, a vacation block, sick days, business
 * trips (they log on from the destination, after a plausible flight) and remote days over
 * VPN. Inside a session, events arrive as a Poisson process whose rate follows the time of
 * day, the day of the week and a mild monthly cycle; each event touches mostly the person's
 * own department's applications, assets and sites, with a little cross-department noise.
 * Service accounts run on fixed schedules in UTC.
 *
 * Each user-day draws from its own random stream (seed, user, day), so injecting a scenario
 * for one user leaves everyone else's events unchanged.
 */
import {
  Actor,
  type Attachment,
  DAY_MS,
  type EventWriter,
  HOUR_MS,
  IdSequence,
  MINUTE_MS,
  SECOND_MS,
} from './ecs.ts';
import {
  type Application,
  type Asset,
  distanceKm,
  type Location,
  type Organisation,
  type ResourceProfile,
  type User,
} from './organisation.ts';
import { Rng, STREAM, seedFor } from './random.ts';

/** The generated period: `days` local calendar days from `startMs` (a UTC midnight). */
export interface Period {
  startMs: number;
  days: number;
}

/** UTC time of local midnight on `day` for a time zone `tzOffsetMinutes` east of UTC. */
export function localMidnight(period: Period, day: number, tzOffsetMinutes: number): number {
  return period.startMs + day * DAY_MS - tzOffsetMinutes * MINUTE_MS;
}

/** Day of week of `day` (0 = Sunday), the same in every time zone for a local calendar day. */
export function dayOfWeek(period: Period, day: number): number {
  return new Date(period.startMs + day * DAY_MS).getUTCDay();
}

export function isWeekend(period: Period, day: number): boolean {
  const dow = dayOfWeek(period, day);
  return dow === 0 || dow === 6;
}

/** Fixed-date public holidays (MM-DD); moveable feasts are left out. */
const HOLIDAYS: Readonly<Record<string, readonly string[]>> = {
  '*': ['01-01', '12-25', '12-26'],
  GB: ['08-26'],
  US: ['07-04', '09-02', '11-28'],
  DE: ['05-01', '10-03'],
  IN: ['01-26', '08-15', '10-02'],
  SG: ['08-09', '05-01'],
  AU: ['01-26', '04-25'],
  CA: ['07-01', '09-02'],
};

export function isHoliday(period: Period, day: number, country: string): boolean {
  const mmdd = new Date(period.startMs + day * DAY_MS).toISOString().slice(5, 10);
  return (HOLIDAYS['*'] as readonly string[]).includes(mmdd) || (HOLIDAYS[country] ?? []).includes(mmdd);
}

/** A business trip: travel days, then days at the destination, then travel days home. */
export interface Trip {
  /** First day away (outbound travel). */
  from: number;
  /** First working day at the destination. */
  arrive: number;
  /** First day of the return journey. */
  leave: number;
  /** Last day of the return journey. */
  to: number;
  city: Location;
  hotelIp: string;
}

/**
 * Days of travel needed so that the last activity before (local midnight at the origin) and
 * the first after (07:00 local at the destination) are at least a flight apart: distance at
 * 800 km/h plus three hours at airports.
 */
export function travelDays(from: Location, to: Location): number {
  const needed = distanceKm(from, to) / 800 + 3;
  for (let k = 1; ; k++) {
    const gap = 24 * k + 7 - (to.tzOffsetMinutes - from.tzOffsetMinutes) / 60;
    if (gap >= needed) return k;
  }
}

/** Plans the days of a trip starting on `from`, or null when it would not fit the period. */
export function planTrip(
  home: Location,
  city: Location,
  from: number,
  stay: number,
  hotelIp: string,
  period: Period,
): Trip | null {
  const arrive = from + travelDays(home, city);
  const leave = arrive + stay;
  const to = leave + travelDays(city, home) - 1;
  if (from < 0 || to >= period.days) return null;
  return { from, arrive, leave, to, city, hotelIp };
}

/** Where a session happens. */
export interface Place {
  location: Location;
  host: string;
  ip: string;
  remote: boolean;
}

/** What a scenario hook sees of the session it joins. */
export interface SessionInfo {
  user: User;
  day: number;
  /** Local midnight of the session's day, UTC ms (in the time zone the user is in). */
  midnight: number;
  logon: number;
  logoff: number;
  place: Place;
  actor: Actor;
  ids: IdSequence;
}

/** Extra events a scenario adds inside a user's main session of a given day. */
export type SessionHook = (session: SessionInfo, out: EventWriter) => void;

/** How a scenario bends one user's normal behaviour. */
export interface UserOverrides {
  /** No activity before this day (a new hire). */
  activeFromDay?: number;
  /** No normal activity from this day on (terminated). */
  activeUntilDay?: number;
  /**
   * Days the user works a main session whatever the habits say: at home base (office or
   * remote), or at the destination of a trip the scenario itself planned.
   */
  workDays: Set<number>;
  /** Days the user is not away (no trip, no vacation). */
  homeDays: Set<number>;
  /** Trips that must happen. */
  trips: Trip[];
  /** From `day` on the user works in another department with this profile. */
  roleChange?: { day: number; profile: ResourceProfile };
  /** Hooks run at the end of the main session of a day. */
  hooks: Map<number, SessionHook[]>;
}

export function emptyOverrides(): UserOverrides {
  return { workDays: new Set(), homeDays: new Set(), trips: [], hooks: new Map() };
}

/** Events per hour of an average person in a working session, before the multipliers. */
const BASE_RATE_PER_HOUR = 15;
const WEEKDAY_FACTOR: readonly number[] = [0.6, 1.05, 1.05, 1.0, 0.97, 0.85, 0.6];
const SICK_DAY_RATE = 0.04;
const CROSS_DEPARTMENT_RATE = 0.03;
const USB_SESSION_RATE = 0.015;

const WEB_PATHS: readonly string[] = ['', 'news/', 'docs/', 'search?q=', 'article/', 'api/v1/', 'account/', 'p/'];
const FILE_WORDS: readonly string[] = [
  'report', 'notes', 'plan', 'budget', 'draft', 'summary', 'minutes', 'forecast', 'design', 'review',
  'invoice', 'contract', 'slides', 'export', 'analysis', 'roadmap',
];
const FILE_EXTS: readonly string[] = ['docx', 'xlsx', 'pptx', 'pdf', 'txt', 'csv'];
/** Where heavy-transfer roles fetch and push their data. */
const BULK_DOMAINS: readonly string[] = ['s3.amazonaws.com', 'storage.googleapis.com', 'huggingface.co', 'vimeo.com'];

export function randomFileName(rng: Rng): string {
  return `${rng.pick(FILE_WORDS)}-${rng.between(1, 999)}.${rng.pick(FILE_EXTS)}`;
}

export function webUrl(rng: Rng, domain: string): string {
  return `https://${domain}/${rng.pick(WEB_PATHS)}${rng.int(2_000_000_000).toString(36)}`;
}

/**
 * usb_connect, `count` copies of about `medianSize` bytes a few seconds apart, then
 * usb_disconnect. Returns the time of the disconnect.
 */
export function usbCopies(
  out: EventWriter,
  ids: IdSequence,
  a: Actor,
  at: number,
  count: number,
  medianSize: number,
  rng: Rng,
): number {
  let t = Math.round(at);
  out.usb(t, ids, a, 'usb_connect');
  for (let i = 0; i < count; i++) {
    t += rng.between(3, 40) * SECOND_MS;
    out.fileCopy(t, ids, a, `E:\\${randomFileName(rng)}`, rng.lognormal(medianSize, 1.0));
  }
  t += rng.between(20, 300) * SECOND_MS;
  out.usb(t, ids, a, 'usb_disconnect');
  return t;
}

/** Service-account schedules, in UTC. */
interface ServiceSchedule {
  /** Hours between runs. */
  every: number;
  /** Runs only on weekdays. */
  weekdays: boolean;
  /** UTC hour of the first run. */
  firstHour: number;
  lastHour: number;
  targets(org: Organisation): readonly { asset: string; service: string | null }[];
}

const SERVICE_SCHEDULES: Readonly<Record<string, ServiceSchedule>> = {
  'svc-backup': {
    every: 24,
    weekdays: false,
    firstHour: 1,
    lastHour: 1,
    targets: (org) => org.assets.filter((a) => a.kind !== 'share').map((a) => ({ asset: a.name, service: null })),
  },
  'svc-etl': {
    every: 2,
    weekdays: false,
    firstHour: 0,
    lastHour: 23,
    targets: () => [
      { asset: 'FIN-DB-01', service: 'mssql' },
      { asset: 'FIN-DB-02', service: 'mssql' },
      { asset: 'SAL-DB-01', service: 'mssql' },
    ],
  },
  'svc-ci': {
    every: 0.5,
    weekdays: true,
    firstHour: 7,
    lastHour: 19,
    targets: () => [
      { asset: 'ENG-GIT-01', service: 'gitlab' },
      { asset: 'ENG-ART-01', service: 'artifactory' },
      { asset: 'ENG-STAGE-01', service: null },
    ],
  },
  'svc-monitor': {
    every: 2,
    weekdays: false,
    firstHour: 0,
    lastHour: 23,
    targets: () => [
      { asset: 'ITO-DC-01', service: null },
      { asset: 'ITO-DC-02', service: null },
      { asset: 'ITO-JUMP-01', service: null },
      { asset: 'CORP-MAIL-01', service: null },
    ],
  },
};

/** What every event of one user-day shares. */
interface UserDay {
  user: User;
  /** What the user routinely uses that day (it changes with a role change). */
  profile: ResourceProfile;
  day: number;
  rng: Rng;
  ids: IdSequence;
  out: EventWriter;
}

/** A user's days: where they are and whether they are off, planned once. */
interface UserPlan {
  user: User;
  overrides: UserOverrides;
  /** 1 on vacation days. */
  vacation: Uint8Array;
  /** The trip a day belongs to, if any. */
  trips: (Trip | undefined)[];
}

export interface BehaviourOptions {
  seed: number;
  /** Multiplier on the event rate inside sessions. */
  activity: number;
  /** Prefix of every event id (names the seed). */
  idPrefix: string;
}

export class Behaviour {
  private readonly org: Organisation;
  private readonly period: Period;
  private readonly options: BehaviourOptions;
  private readonly plans: UserPlan[];
  /** E-mail addresses of each department's people, for internal mail. */
  private readonly mailboxes: Map<string, string[]>;
  private readonly otherApplications: Map<string, Application[]>;
  private readonly otherAssets: Map<string, Asset[]>;
  private readonly serviceTargets: Map<string, readonly { asset: string; service: string | null }[]>;

  constructor(org: Organisation, period: Period, options: BehaviourOptions, overrides: ReadonlyMap<number, UserOverrides>) {
    this.org = org;
    this.period = period;
    this.options = options;
    this.mailboxes = new Map();
    for (const u of org.users) {
      if (u.kind !== 'human') continue;
      const list = this.mailboxes.get(u.department) ?? [];
      list.push(u.email);
      this.mailboxes.set(u.department, list);
    }
    this.otherApplications = new Map();
    this.otherAssets = new Map();
    for (const d of org.departments) {
      const others = org.departments.filter((o) => o.id !== d.id);
      this.otherApplications.set(d.id, others.flatMap((o) => o.applications));
      this.otherAssets.set(d.id, others.flatMap((o) => o.assets));
    }
    this.serviceTargets = new Map();
    for (const [id, schedule] of Object.entries(SERVICE_SCHEDULES)) this.serviceTargets.set(id, schedule.targets(org));
    this.plans = org.users.map((user) => this.planUser(user, overrides.get(user.index) ?? emptyOverrides()));
  }

  /** Trips and vacation for one user, around the days the scenarios pinned. */
  private planUser(user: User, overrides: UserOverrides): UserPlan {
    const days = this.period.days;
    const plan: UserPlan = { user, overrides, vacation: new Uint8Array(days), trips: new Array(days) };
    if (user.kind !== 'human') return plan;
    const rng = new Rng(seedFor(this.options.seed, STREAM.userPlan, user.index));
    const first = overrides.activeFromDay ?? 0;
    const last = Math.min(days, overrides.activeUntilDay ?? days) - 1;
    const free = (from: number, to: number): boolean => {
      if (from < first || to > last) return false;
      for (let d = from; d <= to; d++) {
        if (plan.trips[d] !== undefined || plan.vacation[d] === 1) return false;
        if (overrides.workDays.has(d) || overrides.homeDays.has(d)) return false;
      }
      return true;
    };
    for (const trip of overrides.trips) {
      for (let d = trip.from; d <= trip.to; d++) plan.trips[d] = trip;
    }
    const destinations = [...this.org.offices, ...this.org.travelCities].filter((c) => c.city !== user.home.city);
    const tripCount = rng.poisson((user.habits.travelRate * days) / 30);
    for (let i = 0; i < tripCount; i++) {
      const city = rng.pick(destinations);
      const stay = rng.between(2, 4);
      const trip = planTrip(user.home, city, rng.int(days), stay, `${city.ipPrefix}.${rng.between(2, 250)}`, this.period);
      if (trip !== null && free(trip.from, trip.to)) {
        for (let d = trip.from; d <= trip.to; d++) plan.trips[d] = trip;
      }
    }
    if (rng.chance(Math.min(0.6, days / 60))) {
      const length = rng.between(3, 8);
      const from = rng.int(Math.max(1, days - length));
      if (free(from, from + length - 1)) plan.vacation.fill(1, from, from + length);
    }
    return plan;
  }

  /** Writes every user's activity for local day `day`. */
  day(day: number, out: EventWriter): void {
    for (const plan of this.plans) this.userDay(plan, day, out);
  }

  private userDay(plan: UserPlan, day: number, out: EventWriter): void {
    const { user, overrides } = plan;
    if (overrides.activeFromDay !== undefined && day < overrides.activeFromDay) return;
    if (overrides.activeUntilDay !== undefined && day >= overrides.activeUntilDay) return;
    const rng = new Rng(seedFor(this.options.seed, STREAM.userDay, user.index, day));
    const ids = new IdSequence(`${this.options.idPrefix}-${day.toString(36)}-${user.index.toString(36)}-`);
    if (user.kind === 'service') {
      this.serviceDay(user, day, rng, ids, out);
      return;
    }
    const habits = user.habits;
    const forced = overrides.workDays.has(day);
    const trip = plan.trips[day];
    if (trip !== undefined && (day < trip.arrive || day >= trip.leave)) return; // travelling
    if (!forced && plan.vacation[day] === 1) return;

    const dow = dayOfWeek(this.period, day);
    const offDay = dow === 0 || dow === 6 || isHoliday(this.period, day, user.home.country);
    const profile =
      overrides.roleChange !== undefined && day >= overrides.roleChange.day ? overrides.roleChange.profile : user.profile;
    const d: UserDay = { user, profile, day, rng, ids, out };
    const location = trip?.city ?? user.home;
    const midnight = localMidnight(this.period, day, location.tzOffsetMinutes);
    // Away from the office: over VPN from home, or from the hotel when travelling.
    const remote: Place = { location, host: user.host, ip: trip?.hotelIp ?? user.homeIp, remote: true };
    const place: Place =
      trip !== undefined || rng.chance(habits.remoteRate)
        ? remote
        : { location, host: user.host, ip: user.officeIp, remote: false };
    const dayFactor = (WEEKDAY_FACTOR[dow] as number) * monthFactor(this.period, day, profile.department);

    if (!forced && offDay) {
      if (rng.chance(habits.weekendRate)) this.session(d, midnight, rng.range(10, 16), rng.range(1, 3), remote, 0.6 * dayFactor, null);
      return;
    }
    if (!forced && rng.chance(SICK_DAY_RATE)) return;
    const start = Math.max(7, habits.startHour + 0.4 * rng.normal());
    const hours = Math.min(23.5 - start, habits.dayHours + 0.6 * rng.normal());
    this.session(d, midnight, start, hours, place, dayFactor, overrides.hooks.get(day) ?? null);
    // An evening session from home (or the hotel), never on the eve of a journey.
    const nextTrip = plan.trips[day + 1];
    const travellingTomorrow = nextTrip !== undefined && nextTrip !== trip;
    if (!travellingTomorrow && trip?.leave !== day + 1 && rng.chance(habits.lateRate)) {
      this.session(d, midnight, rng.range(20, 22.5), rng.range(0.3, 1.3), remote, 0.7, null);
    }
  }

  /** One logon-to-logoff session with its stream of activity. */
  private session(
    d: UserDay,
    midnight: number,
    startHour: number,
    hours: number,
    place: Place,
    rateFactor: number,
    hooks: readonly SessionHook[] | null,
  ): void {
    const { user, profile, day, rng, ids, out } = d;
    const actor = new Actor(user.id, place.host, place.ip, place.location);
    const logon = midnight + Math.round(startHour * HOUR_MS) + rng.int(MINUTE_MS);
    const logoff = logon + Math.round(hours * HOUR_MS);
    if (place.remote) out.vpn(logon - rng.between(5, 90) * SECOND_MS, ids, actor, 'vpn_connect');
    if (rng.chance(user.habits.failRate)) {
      const failures = rng.chance(0.2) ? 2 : 1;
      for (let k = failures; k >= 1; k--) out.logon(logon - k * rng.between(4, 30) * SECOND_MS, ids, actor, 'failure');
    }
    out.logon(logon, ids, actor, 'success');

    const perHour = BASE_RATE_PER_HOUR * user.habits.activity * this.options.activity * rateFactor;
    const meanGap = HOUR_MS / Math.max(0.01, perHour);
    const assetShare = user.privileged ? 0.22 : profile.department === 'engineering' ? 0.14 : 0.08;
    const end = logoff - 30 * SECOND_MS;
    let t = logon + rng.int(2 * MINUTE_MS);
    while (t < end) {
      const r = rng.next();
      if (r < 0.45) this.web(d, t, actor);
      else if (r < 0.66) this.application(d, t, actor);
      else if (r < 0.66 + assetShare) this.asset(d, t, actor);
      else if (r < 0.9) this.fileWrite(d, t, actor);
      else this.email(d, t, actor);
      // Lunch dip: a third of the rate between 12:00 and 13:15 local.
      const hourOfDay = (t - midnight) / HOUR_MS;
      const timeFactor = hourOfDay >= 12 && hourOfDay < 13.25 ? 0.35 : 1;
      t += Math.max(SECOND_MS, Math.round(rng.exponential(meanGap / timeFactor)));
    }
    if (rng.chance(USB_SESSION_RATE)) {
      usbCopies(out, ids, actor, rng.range(logon, end), rng.between(1, 4), 3_000_000, rng);
    }
    const session: SessionInfo = { user, day, midnight, logon, logoff, place, actor, ids };
    if (hooks !== null) for (const hook of hooks) hook(session, out);
    out.logoff(logoff, ids, actor);
    if (place.remote) out.vpn(logoff + rng.between(2, 20) * SECOND_MS, ids, actor, 'vpn_disconnect');
  }

  private web({ user, profile: p, rng, ids, out }: UserDay, t: number, a: Actor): void {
    const scale = user.habits.transferScale;
    if (scale > 1 && rng.chance(0.06)) {
      // A role whose large transfers are normal: datasets, footage.
      const domain = rng.pick(BULK_DOMAINS);
      const down = rng.chance(0.8);
      const big = rng.lognormal(8_000_000 * scale, 0.8);
      out.web(t, ids, a, domain, webUrl(rng, domain), down ? 2_000 : big, down ? big : 4_000);
      return;
    }
    const u = rng.next();
    const domain =
      u < 0.55
        ? rng.skewed(p.commonDomains)
        : u < 0.85
          ? rng.skewed(p.departmentDomains)
          : u < 0.97
            ? rng.pick(p.personalDomains)
            : rng.pick(this.org.longTailDomains);
    out.web(t, ids, a, domain, webUrl(rng, domain), rng.lognormal(1_200, 0.6), rng.lognormal(60_000, 1.2) * Math.sqrt(scale));
  }

  private application({ user, profile: p, rng, ids, out }: UserDay, t: number, a: Actor): void {
    const u = rng.next();
    const app =
      u < 0.72
        ? rng.skewed(p.applications)
        : u < 1 - CROSS_DEPARTMENT_RATE
          ? rng.skewed(this.org.commonApplications)
          : rng.pick(this.otherApplications.get(p.department) ?? p.applications);
    const scale = user.habits.transferScale;
    out.appAccess(t, ids, a, app.name, app.asset ?? null, rng.lognormal(40_000, 1.0) * scale, rng.lognormal(4_000, 0.8));
  }

  private asset({ user, profile: p, rng, ids, out }: UserDay, t: number, a: Actor): void {
    const u = rng.next();
    const target =
      p.routineServers.length > 0 && u < 0.4
        ? rng.pick(p.routineServers)
        : u < 0.85
          ? rng.skewed(p.assets)
          : u < 1 - CROSS_DEPARTMENT_RATE
            ? rng.pick(this.org.commonAssets)
            : rng.pick(this.otherAssets.get(p.department) ?? p.assets);
    const scale = user.habits.transferScale;
    if (target.kind === 'server') {
      const ok = !rng.chance(0.01);
      out.remoteLogon(t, ids, a, target.name, ok ? 'success' : 'failure');
      if (ok && user.privileged) adminWork(out, ids, a, user, target, p.routineServers.includes(target) || p.assets.includes(target), t, rng);
    } else if (target.kind === 'share' && rng.chance(0.5)) {
      const dir = p.department;
      out.fileWrite(t, ids, a, `\\\\${target.name}\\${dir}\\${randomFileName(rng)}`, rng.lognormal(120_000, 1.4), target.name);
    } else {
      const service = target.service ?? 'smb';
      out.appAccess(t, ids, a, service, target.name, rng.lognormal(2_000_000, 1.2) * scale, rng.lognormal(8_000, 1.0));
    }
  }

  private fileWrite({ user, profile: p, rng, ids, out }: UserDay, t: number, a: Actor): void {
    const size = rng.lognormal(80_000, 1.5);
    const shareAsset = rng.chance(0.25) ? p.assets.find((x) => x.kind === 'share') : undefined;
    if (shareAsset !== undefined) {
      out.fileWrite(t, ids, a, `\\\\${shareAsset.name}\\${p.department}\\${randomFileName(rng)}`, size, shareAsset.name);
    } else {
      out.fileWrite(t, ids, a, `C:\\Users\\${user.id}\\Documents\\${randomFileName(rng)}`, size, null);
    }
  }

  private email({ user, profile: p, rng, ids, out }: UserDay, t: number, a: Actor): void {
    const colleagues = this.mailboxes.get(p.department) ?? [];
    const to: string[] = [];
    const n = rng.between(1, 3);
    for (let k = 0; k < n && colleagues.length > 1; k++) {
      const addr = rng.pick(colleagues);
      if (addr !== user.email && !to.includes(addr)) to.push(addr);
    }
    if (user.manager !== null && rng.chance(0.15)) {
      const manager = this.org.byId.get(user.manager);
      if (manager !== undefined && !to.includes(manager.email)) to.push(manager.email);
    }
    const department = this.org.departments.find((d) => d.id === p.department);
    if (to.length === 0 || (department !== undefined && rng.chance(0.12))) {
      const partners = department?.partnerDomains ?? ['partner.example.net'];
      to.push(`contact${rng.between(1, 40)}@${rng.pick(partners)}`);
    }
    const attachments: Attachment[] = [];
    if (rng.chance(0.3)) {
      const k = rng.chance(0.7) ? 1 : 2;
      const scale = user.habits.transferScale > 1 ? 3 : 1;
      for (let i = 0; i < k; i++) attachments.push({ name: randomFileName(rng), size: rng.lognormal(150_000, 1.2) * scale });
    }
    out.email(t, ids, a, user.email, to, attachments);
  }

  /** A service account's scheduled runs on `day` (UTC). */
  private serviceDay(user: User, day: number, rng: Rng, ids: IdSequence, out: EventWriter): void {
    const schedule = SERVICE_SCHEDULES[user.id];
    const targets = this.serviceTargets.get(user.id);
    if (schedule === undefined || targets === undefined) return;
    if (schedule.weekdays && isWeekend(this.period, day)) return;
    const actor = new Actor(user.id, user.host, user.officeIp, null);
    const midnight = localMidnight(this.period, day, 0);
    for (let h = schedule.firstHour; h <= schedule.lastHour; h += schedule.every) {
      let t = midnight + Math.round(h * HOUR_MS) + rng.int(3 * MINUTE_MS);
      out.logon(t, ids, actor, rng.chance(user.habits.failRate) ? 'failure' : 'success');
      for (const target of targets) {
        t += rng.between(1, 20) * SECOND_MS;
        if (target.service === null) out.remoteLogon(t, ids, actor, target.asset, 'success');
        else out.appAccess(t, ids, actor, target.service, target.asset, rng.lognormal(5_000_000, 0.8), 20_000);
      }
      out.logoff(t + rng.between(5, 60) * SECOND_MS, ids, actor);
    }
  }
}

/**
 * A mild monthly cycle: everyone is a little busier early in the month; finance is much
 * busier over the last three days (month-end close).
 */
function monthFactor(period: Period, day: number, department: string): number {
  const date = new Date(period.startMs + day * DAY_MS);
  const dom = date.getUTCDate();
  const daysInMonth = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
  const base = 1 + 0.08 * Math.cos((2 * Math.PI * (dom - 1)) / daysInMonth);
  return department === 'finance' && dom > daysInMonth - 3 ? base * 1.4 : base;
}

/**
 * What an administrator routinely runs on a server they log on to: a few commands from their
 * own repertoire (ADMIN_COMMANDS, a stable subset per person) typed over SSH, and, on the servers
 * of their routine, about every third time the server's admin credential checked out of the
 * vault first (`<server>/admin`, so administrators of the same servers share secrets).
 */
export const ADMIN_COMMANDS: readonly string[] = Object.freeze([
  'systemctl status nginx',
  'df -h',
  'uptime',
  'sudo systemctl restart nginx',
  'tail -n 200 /var/log/syslog',
  'free -m',
  'sudo apt-get update',
  'journalctl -u sshd --since today',
  'ps aux --sort=-%cpu',
  'sudo -i',
  'ls -la /etc/nginx',
  'docker ps',
  'kubectl get pods -A',
  'whoami',
  'ip addr show',
  'sudo systemctl reload postgresql',
]);

/** An administrator's own repertoire: about two thirds of ADMIN_COMMANDS, fixed by their index. */
export function adminRepertoire(user: Pick<User, 'index'>): string[] {
  return ADMIN_COMMANDS.filter((_, i) => (i + user.index) % 3 !== 0);
}

/** The vault secret of a server's administrative credential. */
export function adminSecret(server: string): string {
  return `${server.toLowerCase()}/admin`;
}

function adminWork(out: EventWriter, ids: IdSequence, a: Actor, user: User, server: Asset, routine: boolean, at: number, rng: Rng): void {
  let t = at + rng.between(5, 30) * SECOND_MS;
  if (rng.chance(0.35) && routine) {
    out.secretAccess(at - rng.between(10, 60) * SECOND_MS, ids, a, adminSecret(server.name));
  }
  const repertoire = adminRepertoire(user);
  for (let k = rng.between(1, 4); k > 0; k--) {
    out.command(t, ids, a, server.name, 'ssh', rng.pick(repertoire), true);
    t += rng.between(10, 120) * SECOND_MS;
  }
}
