/**
 * Injected scenarios: attacks the detectors should find, and hard negatives — unusual but
 * legitimate behaviour — they should not flag. One definition per scenario, gathered in the
 * frozen `SCENARIOS` registry.
 *
 * A scenario claims a user no other scenario uses and either writes its own sessions at
 * fixed times (`ctx.out`), or adds events inside the user's normal session of a given day
 * (`ctx.inSession`), or bends the user's normal behaviour (`ctx.overrides`). Every event it
 * writes is captured as ground truth; the label's window is the span of those events unless
 * the scenario names the window itself.
 */
import {
  type Period,
  type SessionHook,
  type SessionInfo,
  type UserOverrides,
  isHoliday,
  isWeekend,
  localMidnight,
  planTrip,
  randomFileName,
  usbCopies,
  webUrl,
} from './behaviour.ts';
import { Actor, DAY_MS, type EventWriter, HOUR_MS, type IdSequence, MINUTE_MS, SECOND_MS } from './ecs.ts';
import {
  type Asset,
  departmentById,
  departmentHead,
  distanceKm,
  hrRecord,
  isoDate,
  type Location,
  type Organisation,
  resourceProfile,
  type User,
} from './organisation.ts';
import type { Rng } from './random.ts';

export type ScenarioKind = 'attack' | 'benign';

/** What a scenario is given to plan one instance. */
export interface ScenarioContext {
  org: Organisation;
  period: Period;
  /** This instance's random stream. */
  rng: Rng;
  /** Multiplier on the scenario's volume (events, assets, bytes); 1 by default. */
  intensity: number;
  /** First and last day an attack may start on (from the attack window option). */
  window: { from: number; to: number };
  /** Writes this instance's own sessions; every event is captured as ground truth. */
  out: EventWriter;
  /** Ids for events written through `out`. */
  ids: IdSequence;
  /** Claims a human no other scenario has claimed, matching `accept`. */
  claimUser(accept?: (user: User) => boolean): User;
  /** The user's behaviour overrides, created on first use. */
  overrides(user: User): UserOverrides;
  /** Adds events inside the user's main session on `day` (which becomes a working day at home). */
  inSession(user: User, day: number, hook: SessionHook): void;
}

/** What planning one instance returns. */
export interface Injection {
  user: User;
  /** The label's window when it is not the span of the events the scenario wrote. */
  window?: { start: number; end: number };
}

export interface ScenarioDefinition {
  /** Attack names are label values; hard negatives are labelled `benign:<name>`. */
  name: string;
  kind: ScenarioKind;
  description: string;
  plan(ctx: ScenarioContext): Injection;
}

// ---------------------------------------------------------------------------------------
// Helpers

const ATTACKER_HOST_CHARS = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const DGA_CHARS = 'bcdfghjklmnpqrstvwxz0123456789aeiou';
const DGA_TLDS: readonly string[] = ['com', 'net', 'info', 'xyz', 'biz', 'top'];

/** A workstation name the organisation never issued, like Windows' default names. */
function attackerHost(rng: Rng): string {
  let code = '';
  for (let i = 0; i < 7; i++) code += ATTACKER_HOST_CHARS[rng.int(ATTACKER_HOST_CHARS.length)];
  return `DESKTOP-${code}`;
}

/** A random-looking domain as a domain generation algorithm makes them. */
export function dgaDomain(rng: Rng): string {
  const length = rng.between(10, 18);
  let name = '';
  for (let i = 0; i < length; i++) name += DGA_CHARS[rng.int(DGA_CHARS.length)];
  return `${name}.${rng.pick(DGA_TLDS)}`;
}

/**
 * A working day (weekday, not a public holiday at the user's home) in the attack window,
 * leaving `span` days after it inside the period.
 */
function workday(ctx: ScenarioContext, user: User, span: number): number {
  const last = Math.max(0, Math.min(ctx.window.to, ctx.period.days - 1 - span));
  const first = Math.min(ctx.window.from, last);
  const start = ctx.rng.between(first, last);
  const ok = (d: number): boolean => !isWeekend(ctx.period, d) && !isHoliday(ctx.period, d, user.home.country);
  for (let d = start; d <= last; d++) if (ok(d)) return d;
  for (let d = start - 1; d >= 0; d--) if (ok(d)) return d;
  throw new RangeError(`no working day for a scenario in a ${ctx.period.days}-day period`);
}

/** The next `count` working days from `day` on, within the period. */
function workdaysFrom(ctx: ScenarioContext, user: User, day: number, count: number): number[] {
  const days: number[] = [];
  for (let d = day; d < ctx.period.days && days.length < count; d++) {
    if (!isWeekend(ctx.period, d) && !isHoliday(ctx.period, d, user.home.country)) days.push(d);
  }
  return days;
}

/** Keeps the user at home on `from`..`to` (no trip, no vacation): a session there is pinned. */
function stayHome(ctx: ScenarioContext, user: User, from: number, to: number): void {
  const o = ctx.overrides(user);
  for (let d = Math.max(0, from); d <= Math.min(ctx.period.days - 1, to); d++) o.homeDays.add(d);
}

/** A city far from the user's home (at least 5000 km when there is one). */
function farCity(ctx: ScenarioContext, user: User): Location {
  const far = ctx.org.foreignCities.filter((c) => distanceKm(c, user.home) >= 5000);
  return ctx.rng.pick(far.length > 0 ? far : ctx.org.foreignCities);
}

function scaled(ctx: ScenarioContext, lo: number, hi: number): number {
  return Math.max(1, Math.round(ctx.rng.between(lo, hi) * ctx.intensity));
}

/** Assets outside the user's routine: other departments', not in their profile. */
function unusualAssets(org: Organisation, user: User): Asset[] {
  const routine = new Set([...user.profile.assets, ...user.profile.routineServers].map((a) => a.name));
  return org.assets.filter((a) => a.department !== null && a.department !== user.department && !routine.has(a.name));
}

/** Touches an asset the way its kind is used; `bytes` is the median download. */
function touchAsset(out: EventWriter, ids: IdSequence, actor: Actor, t: number, asset: Asset, bytes: number, rng: Rng): void {
  if (asset.kind === 'server') out.remoteLogon(t, ids, actor, asset.name, 'success');
  else out.appAccess(t, ids, actor, asset.service ?? 'smb', asset.name, rng.lognormal(bytes, 0.6), rng.lognormal(6_000, 0.5));
}

/** Opens a session over VPN: the tunnel comes up half a minute before the logon at `t`. */
function vpnLogon(out: EventWriter, ids: IdSequence, actor: Actor, t: number): void {
  out.vpn(t - 30 * SECOND_MS, ids, actor, 'vpn_connect');
  out.logon(t, ids, actor, 'success');
}

/** Closes a session over VPN: logoff at `t`, the tunnel goes down seconds later. */
function vpnLogoff(out: EventWriter, ids: IdSequence, actor: Actor, t: number): void {
  out.logoff(t, ids, actor);
  out.vpn(t + 10 * SECOND_MS, ids, actor, 'vpn_disconnect');
}

/** A random time inside a session, after `notBefore`, leaving `margin` ms before logoff. */
function timeIn(s: SessionInfo, rng: Rng, notBefore: number, margin: number): number {
  const from = Math.max(s.logon + 10 * MINUTE_MS, notBefore);
  const to = Math.max(from + MINUTE_MS, s.logoff - margin);
  return Math.round(rng.range(from, to));
}

function managesAnyone(org: Organisation, user: User): boolean {
  return org.users.some((u) => u.manager === user.id);
}

function personalAddress(ctx: ScenarioContext, user: User): string {
  const [first = user.id, last = ''] = user.name.toLowerCase().split(' ');
  return `${first}.${last}${ctx.rng.between(1, 99)}@${ctx.rng.pick(ctx.org.personalMailDomains)}`;
}

// ---------------------------------------------------------------------------------------
// Attacks

const departingEmployeeExfiltration: ScenarioDefinition = {
  name: 'departing-employee-exfiltration',
  kind: 'attack',
  description:
    'HR records NOTICE_GIVEN; over the next working days the person uploads to file-sharing sites, pulls large volumes from department shares and databases, copies files to USB and mails large attachments to a personal address.',
  plan(ctx) {
    const { rng } = ctx;
    const user = ctx.claimUser((u) => !u.privileged && u.department !== 'executive');
    const day = workday(ctx, user, 7);
    const home = user.home;
    const notice = localMidnight(ctx.period, day, home.tzOffsetMinutes) + Math.round(rng.range(9, 11) * HOUR_MS);
    ctx.out.hr(
      notice,
      ctx.ids,
      user.id,
      hrRecord(user, 'NOTICE_GIVEN', isoDate(notice), { lastDay: isoDate(notice + 21 * DAY_MS) }),
    );
    const personal = personalAddress(ctx, user);
    const sources = user.profile.assets.filter((a) => a.kind !== 'server');
    for (const d of workdaysFrom(ctx, user, day, rng.between(3, 5))) {
      ctx.inSession(user, d, (s, out) => {
        for (let k = scaled(ctx, 2, 4); k > 0; k--) {
          const domain = rng.pick(ctx.org.fileSharingDomains);
          out.web(timeIn(s, rng, notice, 20 * MINUTE_MS), s.ids, s.actor, domain, webUrl(rng, domain), rng.lognormal(150e6, 0.6), 20_000);
        }
        for (let k = scaled(ctx, 3, 8); k > 0 && sources.length > 0; k--) {
          touchAsset(out, s.ids, s.actor, timeIn(s, rng, notice, 20 * MINUTE_MS), rng.pick(sources), 300e6, rng);
        }
        usbCopies(out, s.ids, s.actor, timeIn(s, rng, notice, 60 * MINUTE_MS), scaled(ctx, 15, 40), 20e6, rng);
        for (let k = scaled(ctx, 2, 5); k > 0; k--) {
          const attachments = Array.from({ length: rng.between(1, 3) }, () => ({
            name: randomFileName(rng),
            size: rng.range(8e6, 20e6),
          }));
          out.email(timeIn(s, rng, notice, 10 * MINUTE_MS), s.ids, s.actor, user.email, [personal], attachments);
        }
      });
    }
    return { user };
  },
};

const compromisedAccountImpossibleTravel: ScenarioDefinition = {
  name: 'compromised-account-impossible-travel',
  kind: 'attack',
  description:
    'Within an hour of a logon at home, the same account logs on from a city thousands of kilometres away on an unknown device and reaches assets outside its routine.',
  plan(ctx) {
    const { rng } = ctx;
    const user = ctx.claimUser((u) => !u.privileged);
    const day = workday(ctx, user, 1);
    stayHome(ctx, user, day - 2, day + 2);
    const city = farCity(ctx, user);
    const attacker = new Actor(user.id, attackerHost(rng), `${city.ipPrefix}.${rng.between(2, 250)}`, city);
    const targets = rng.sample(unusualAssets(ctx.org, user), scaled(ctx, 4, 8));
    ctx.inSession(user, day, (s, out) => {
      let t = s.logon + rng.between(15, 55) * MINUTE_MS;
      out.logon(t, s.ids, attacker, 'success');
      for (const asset of targets) {
        t += rng.between(1, 6) * MINUTE_MS;
        touchAsset(out, s.ids, attacker, t, asset, 50e6, rng);
      }
      out.logoff(t + rng.between(2, 10) * MINUTE_MS, s.ids, attacker);
    });
    return { user };
  },
};

const lateralMovementBurst: ScenarioDefinition = {
  name: 'lateral-movement-burst',
  kind: 'attack',
  description: 'In one session the account logs on remotely to many distinct servers and databases within minutes, a third of them refused.',
  plan(ctx) {
    const { rng } = ctx;
    const user = ctx.claimUser((u) => !u.privileged);
    const day = workday(ctx, user, 1);
    const routine = new Set(user.profile.assets.map((a) => a.name));
    const pool = ctx.org.assets.filter((a) => a.kind !== 'share' && !routine.has(a.name));
    const targets = rng.sample(pool, scaled(ctx, 15, 25));
    ctx.inSession(user, day, (s, out) => {
      let t = timeIn(s, rng, s.logon + HOUR_MS, HOUR_MS);
      for (const asset of targets) {
        t += rng.between(10, 60) * SECOND_MS;
        out.remoteLogon(t, s.ids, s.actor, asset.name, rng.chance(0.3) ? 'failure' : 'success');
      }
    });
    return { user };
  },
};

const bruteForceThenSuccess: ScenarioDefinition = {
  name: 'brute-force-then-success',
  kind: 'attack',
  description: 'A burst of failed logons from an address the account never used, then a success and a short session.',
  plan(ctx) {
    const { rng, out, ids } = ctx;
    const user = ctx.claimUser();
    const day = workday(ctx, user, 1);
    const city = rng.pick(ctx.org.foreignCities);
    const attacker = new Actor(user.id, attackerHost(rng), `${city.ipPrefix}.${rng.between(2, 250)}`, city);
    let t = localMidnight(ctx.period, day, user.home.tzOffsetMinutes) + Math.round(rng.range(0, 23) * HOUR_MS);
    for (let k = scaled(ctx, 25, 60); k > 0; k--) {
      out.logon(t, ids, attacker, 'failure');
      t += rng.between(2, 12) * SECOND_MS;
    }
    out.logon(t, ids, attacker, 'success');
    const apps = [...user.profile.applications, ...ctx.org.commonApplications];
    for (let k = rng.between(3, 8); k > 0; k--) {
      t += rng.between(1, 5) * MINUTE_MS;
      const app = rng.pick(apps);
      out.appAccess(t, ids, attacker, app.name, app.asset ?? null, rng.lognormal(5e6, 1), 5_000);
    }
    out.logoff(t + rng.between(1, 10) * MINUTE_MS, ids, attacker);
    return { user };
  },
};

const offHoursPrivilegedMisuse: ScenarioDefinition = {
  name: 'off-hours-privileged-misuse',
  kind: 'attack',
  description: 'An administrator connects at about 03:00 local and reaches databases, shares and servers outside their routine, downloading heavily.',
  plan(ctx) {
    const { rng, out, ids } = ctx;
    const user = ctx.claimUser((u) => u.privileged);
    const day = workday(ctx, user, 1);
    stayHome(ctx, user, day - 2, day + 1);
    const actor = new Actor(user.id, user.host, user.homeIp, user.home);
    let t = localMidnight(ctx.period, day, user.home.tzOffsetMinutes) + Math.round(rng.range(2.5, 3.5) * HOUR_MS);
    vpnLogon(out, ids, actor, t);
    const pool = unusualAssets(ctx.org, user).filter((a) => a.department !== 'it-ops');
    for (const asset of rng.sample(pool, scaled(ctx, 6, 12))) {
      t += rng.between(2, 8) * MINUTE_MS;
      touchAsset(out, ids, actor, t, asset, 400e6, rng);
    }
    t += rng.between(2, 10) * MINUTE_MS;
    vpnLogoff(out, ids, actor, t);
    return { user };
  },
};

/** What an intruder with an administrator's credentials runs: discovery, then credential theft, then covering tracks. */
const INTRUDER_COMMANDS: ReadonlyArray<readonly [string, 'recon' | 'theft' | 'cover']> = [
  ['whoami /all', 'recon'],
  ['nltest /dclist:corp', 'recon'],
  ['net group "Domain Admins" /domain', 'recon'],
  ['procdump64.exe -accepteula -ma lsass.exe C:\\Windows\\Temp\\lsass.dmp', 'theft'],
  ['reg save HKLM\\SAM C:\\Windows\\Temp\\sam.hive', 'theft'],
  ['mimikatz.exe "privilege::debug" "sekurlsa::logonpasswords" exit', 'theft'],
  ['wevtutil cl Security', 'cover'],
];

const compromisedAdminCredentialTheft: ScenarioDefinition = {
  name: 'compromised-admin-credential-theft',
  kind: 'attack',
  description:
    "An administrator's account, in the middle of their working day, opens RDP sessions to a domain controller and servers outside their routine, runs discovery, dumps credentials (LSASS, the SAM), clears the Security log, and checks out vault secrets no administrator uses.",
  plan(ctx) {
    const { rng } = ctx;
    let user: User;
    try {
      user = ctx.claimUser((u) => u.privileged);
    } catch {
      // Fewer administrators than scenarios that want one: an IT colleague's account.
      user = ctx.claimUser((u) => u.department === 'it-ops');
    }
    const day = workday(ctx, user, 1);
    stayHome(ctx, user, day - 1, day + 1);
    const routine = new Set([...user.profile.assets, ...user.profile.routineServers].map((a) => a.name));
    const dc = ctx.org.assets.find((a) => a.name === 'ITO-DC-01');
    const others = rng.sample(
      ctx.org.assets.filter((a) => a.kind === 'server' && !routine.has(a.name) && a.name !== 'ITO-DC-01'),
      scaled(ctx, 2, 3),
    );
    const targets = dc !== undefined && !routine.has(dc.name) ? [dc, ...others] : others;
    // Secrets of the servers it reaches under a name no routine checkout uses, and the break-glass account.
    const secrets = ['break-glass/domain-admin', ...targets.map((a) => `${a.name.toLowerCase()}/root`)];
    ctx.inSession(user, day, (s, out) => {
      let t = timeIn(s, rng, s.logon + HOUR_MS, 2 * HOUR_MS);
      for (const secret of secrets) {
        out.secretAccess(t, s.ids, s.actor, secret);
        t += rng.between(20, 90) * SECOND_MS;
      }
      for (const target of targets) {
        out.remoteLogon(t, s.ids, s.actor, target.name, 'success');
        for (const [line, stage] of INTRUDER_COMMANDS) {
          if (stage === 'recon' && target !== targets[0]) continue;
          t += rng.between(15, 120) * SECOND_MS;
          out.command(t, s.ids, s.actor, target.name, 'rdp', line, true);
        }
        t += rng.between(2, 8) * MINUTE_MS;
      }
    });
    return { user };
  },
};

const dgaBeaconing: ScenarioDefinition = {
  name: 'dga-beaconing',
  kind: 'attack',
  description:
    'Malware on the workstation calls random-looking domains every five minutes (±10 %), day and night, for a day or two; the domain set changes daily.',
  plan(ctx) {
    const { rng, out, ids } = ctx;
    const user = ctx.claimUser();
    const day = workday(ctx, user, 3);
    const hours = Math.min(rng.range(24, 48) * ctx.intensity, (ctx.period.days - day - 1) * 24);
    stayHome(ctx, user, day - 1, day + Math.ceil(hours / 24) + 1);
    const actor = new Actor(user.id, user.host, user.officeIp, null);
    const period = 5 * MINUTE_MS;
    let t = localMidnight(ctx.period, day, user.home.tzOffsetMinutes) + Math.round(rng.range(9, 17) * HOUR_MS);
    const end = t + hours * HOUR_MS;
    let domains: string[] = [];
    let domainsDay = -1;
    while (t < end) {
      const utcDay = Math.floor(t / DAY_MS);
      if (utcDay !== domainsDay) {
        domainsDay = utcDay;
        domains = Array.from({ length: 8 }, () => dgaDomain(rng));
      }
      const domain = rng.pick(domains);
      out.web(t, ids, actor, domain, `http://${domain}/gate.php?id=${rng.int(1e9).toString(36)}`, rng.between(300, 600), rng.between(200, 2_000));
      t += Math.round(period * rng.range(0.9, 1.1));
    }
    return { user };
  },
};

const activityAfterTermination: ScenarioDefinition = {
  name: 'activity-after-termination',
  kind: 'attack',
  description:
    'HR records TERMINATED; normal activity stops, yet over the following days the account connects again over VPN and pulls data from department shares and databases.',
  plan(ctx) {
    const { rng, out, ids } = ctx;
    const user = ctx.claimUser((u) => !u.privileged && u.department !== 'executive');
    const day = workday(ctx, user, 5);
    const home = user.home;
    stayHome(ctx, user, day - 2, day + 5);
    ctx.overrides(user).activeUntilDay = day + 1;
    const terminated = localMidnight(ctx.period, day + 1, home.tzOffsetMinutes) + 7 * HOUR_MS;
    out.hr(terminated, ids, user.id, hrRecord(user, 'TERMINATED', isoDate(terminated), { lastDay: isoDate(terminated - DAY_MS) }));
    const actor = new Actor(user.id, user.host, user.homeIp, home);
    const sources = user.profile.assets.length > 0 ? user.profile.assets : ctx.org.commonAssets;
    const sessions = rng.between(1, 3);
    for (let k = 0; k < sessions; k++) {
      const at = day + 1 + k;
      let t = localMidnight(ctx.period, at, home.tzOffsetMinutes) + Math.round(rng.range(k === 0 ? 9 : 19, 22.5) * HOUR_MS);
      vpnLogon(out, ids, actor, t);
      for (let n = scaled(ctx, 4, 10); n > 0; n--) {
        t += rng.between(1, 6) * MINUTE_MS;
        touchAsset(out, ids, actor, t, rng.pick(sources), 50e6, rng);
      }
      t += rng.between(1, 5) * MINUTE_MS;
      vpnLogoff(out, ids, actor, t);
    }
    return { user };
  },
};

// ---------------------------------------------------------------------------------------
// Hard negatives

const businessTrip: ScenarioDefinition = {
  name: 'business-trip',
  kind: 'benign',
  description: 'A trip to a distant office: travel days with no activity, then logons from the destination over VPN.',
  plan(ctx) {
    const { rng } = ctx;
    const user = ctx.claimUser((u) => !u.privileged);
    const cities = [...ctx.org.offices, ...ctx.org.travelCities].filter((c) => distanceKm(c, user.home) >= 3000);
    const city = rng.pick(cities);
    const hotelIp = `${city.ipPrefix}.${rng.between(2, 250)}`;
    const isWorkday = (d: number) => !isWeekend(ctx.period, d) && !isHoliday(ctx.period, d, user.home.country);
    const candidates = Array.from({ length: ctx.period.days }, (_, d) => d);
    // Start days in the attack window first, in random order, then any other.
    const inWindow = (d: number) => d >= ctx.window.from && d <= ctx.window.to;
    const order = [...rng.shuffled(candidates.filter(inWindow)), ...rng.shuffled(candidates.filter((d) => !inWindow(d)))];
    for (const from of order) {
      const trip = planTrip(user.home, city, from, rng.between(2, 4), hotelIp, ctx.period);
      if (trip === null) continue;
      const stay = Array.from({ length: trip.leave - trip.arrive }, (_, k) => trip.arrive + k);
      if (!stay.every(isWorkday)) continue;
      const o = ctx.overrides(user);
      o.trips.push(trip);
      // Working days at the destination, so the trip shows in the data.
      for (const d of stay) o.workDays.add(d);
      return {
        user,
        window: {
          start: localMidnight(ctx.period, trip.arrive, city.tzOffsetMinutes),
          end: localMidnight(ctx.period, trip.leave, city.tzOffsetMinutes) - 1,
        },
      };
    }
    throw new RangeError(`no room for a business trip in a ${ctx.period.days}-day period`);
  },
};

const newHire: ScenarioDefinition = {
  name: 'new-hire',
  kind: 'benign',
  description: 'Someone who joins mid-period: an HR record on the first day, and every access is a first.',
  plan(ctx) {
    const user = ctx.claimUser((u) => !u.privileged && u.manager !== null && !managesAnyone(ctx.org, u));
    const day = workday(ctx, user, 1);
    ctx.overrides(user).activeFromDay = day;
    const start = localMidnight(ctx.period, day, user.home.tzOffsetMinutes) + 7 * HOUR_MS;
    ctx.out.hr(start, ctx.ids, user.id, hrRecord(user, 'ACTIVE', isoDate(start)));
    const end = Math.min(start + 14 * DAY_MS, localMidnight(ctx.period, ctx.period.days, user.home.tzOffsetMinutes));
    return { user, window: { start, end } };
  },
};

const adminNightMaintenance: ScenarioDefinition = {
  name: 'admin-night-maintenance',
  kind: 'benign',
  description: 'An administrator\'s weekly maintenance window at night, on the same servers every week, for the whole period.',
  plan(ctx) {
    const { rng, out, ids } = ctx;
    const user = ctx.claimUser((u) => u.privileged);
    const own = departmentById(ctx.org, user.department).assets.filter((a) => a.kind === 'server');
    const servers = [...own.slice(0, 3), ...user.profile.routineServers];
    const weekday = rng.pick([0, 2, 6]);
    const hour = rng.range(1, 2.5);
    const actor = new Actor(user.id, user.host, user.homeIp, user.home);
    for (let day = 0; day < ctx.period.days; day++) {
      if (new Date(ctx.period.startMs + day * DAY_MS).getUTCDay() !== weekday) continue;
      stayHome(ctx, user, day - 1, day + 1);
      let t = localMidnight(ctx.period, day, user.home.tzOffsetMinutes) + Math.round((hour + rng.range(0, 0.2)) * HOUR_MS);
      vpnLogon(out, ids, actor, t);
      for (const server of servers) {
        t += rng.between(3, 12) * MINUTE_MS;
        touchAsset(out, ids, actor, t, server, 1e6, rng);
      }
      t += rng.between(2, 10) * MINUTE_MS;
      out.appAccess(t, ids, actor, 'ansible', 'ITO-ANS-01', rng.lognormal(200_000, 0.5), 50_000);
      t += rng.between(1, 5) * MINUTE_MS;
      vpnLogoff(out, ids, actor, t);
    }
    return { user };
  },
};

const roleChange: ScenarioDefinition = {
  name: 'role-change',
  kind: 'benign',
  description: 'Someone moves to another department: an HR update, then the new department\'s applications and assets.',
  plan(ctx) {
    const { rng } = ctx;
    const fixed = new Set(['executive', 'it-ops']);
    const user = ctx.claimUser(
      (u) => !u.privileged && u.manager !== null && !fixed.has(u.department) && !managesAnyone(ctx.org, u),
    );
    const target = rng.pick(ctx.org.departments.filter((d) => d.id !== user.department && !fixed.has(d.id)));
    const day = workday(ctx, user, 1);
    const at = localMidnight(ctx.period, day, user.home.tzOffsetMinutes) + 7 * HOUR_MS;
    ctx.overrides(user).roleChange = { day, profile: resourceProfile(ctx.org, target.id, false, rng) };
    ctx.out.hr(
      at,
      ctx.ids,
      user.id,
      hrRecord(user, 'ACTIVE', isoDate(at), {
        department: target.id,
        title: rng.pick(target.titles).title,
        manager: departmentHead(ctx.org, target.id).id,
      }),
    );
    const end = Math.min(at + 14 * DAY_MS, localMidnight(ctx.period, ctx.period.days, user.home.tzOffsetMinutes));
    return { user, window: { start: at, end } };
  },
};

const bulkTransferRole: ScenarioDefinition = {
  name: 'bulk-transfer-role',
  kind: 'benign',
  description:
    'Someone in a role whose large downloads are normal (data engineer, video producer): the whole period, like their peers in the same role.',
  plan(ctx) {
    const user = ctx.claimUser((u) => u.habits.transferScale > 1);
    const tz = user.home.tzOffsetMinutes;
    return {
      user,
      window: { start: localMidnight(ctx.period, 0, tz), end: localMidnight(ctx.period, ctx.period.days, tz) - 1 },
    };
  },
};

/** Every scenario, attacks first. */
export const SCENARIOS: readonly ScenarioDefinition[] = Object.freeze([
  departingEmployeeExfiltration,
  compromisedAccountImpossibleTravel,
  lateralMovementBurst,
  bruteForceThenSuccess,
  offHoursPrivilegedMisuse,
  compromisedAdminCredentialTheft,
  dgaBeaconing,
  activityAfterTermination,
  businessTrip,
  newHire,
  adminNightMaintenance,
  roleChange,
  bulkTransferRole,
]);

export function scenarioByName(name: string): ScenarioDefinition {
  const found = SCENARIOS.find((s) => s.name === name);
  if (found === undefined) {
    throw new RangeError(`unknown scenario "${name}"; known: ${SCENARIOS.map((s) => s.name).join(', ')}`);
  }
  return found;
}

/** The label value of a scenario: its name for attacks, `benign:<name>` for hard negatives. */
export function labelOf(definition: ScenarioDefinition): string {
  return definition.kind === 'attack' ? definition.name : `benign:${definition.name}`;
}
