import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseEcsLine } from '../../src/events/ecs.parser.ts';
import { EVENT_CATEGORIES, OUTCOMES } from '../../src/events/event.ts';
import { isoTimestamp } from '../../seeds/ecs.ts';
import {
  type DatasetResult,
  type GeneratorOptions,
  generateDataset,
  generateToFiles,
  labelsCsv,
  resolveOptions,
} from '../../seeds/generate.ts';
import { distanceKm, type Organisation, type User } from '../../seeds/organisation.ts';
import { SCENARIOS } from '../../seeds/scenarios.ts';
import { adminRepertoire } from '../../seeds/behaviour.ts';
import { classifyCommand } from '../../src/analytics/privileged-access.ts';

/** The parts of an ECS line these tests read. */
interface Ecs {
  '@timestamp': string;
  event: { id: string; category: string; action: string; outcome?: string };
  user?: { name: string };
  host?: { name: string };
  source?: {
    ip?: string;
    bytes?: number;
    geo?: { country_iso_code: string; city_name: string; location: { lat: number; lon: number } };
  };
  destination?: { address?: string; bytes?: number };
  service?: { name: string };
  url?: { domain: string };
  file?: { path: string; size: number };
  email?: { to: { address: string[] }; attachments?: { file: { size: number } }[] };
  riskgraph?: { hr: { status: string; department: string }; secret?: { id: string } };
  process?: { command_line: string; interactive: boolean };
  network?: { protocol: string };
}

interface Generated {
  text: string;
  lines: string[];
  events: Ecs[];
  result: DatasetResult;
}

async function generate(options: GeneratorOptions): Promise<Generated> {
  const chunks: Buffer[] = [];
  const result = await generateDataset(options, { write: (chunk) => void chunks.push(chunk) });
  const text = Buffer.concat(chunks).toString('latin1');
  const lines = text.split('\n').slice(0, -1);
  return { text, lines, events: lines.map((l) => JSON.parse(l) as Ecs), result };
}

const once = <T>(make: () => Promise<T>): (() => Promise<T>) => {
  let value: Promise<T> | undefined;
  return () => (value ??= make());
};

/** One mid-sized dataset with every scenario, shared by the tests that only read it. */
const full = once(() => generate({ users: 40, days: 14, seed: 7, scenarios: 'all', benign: 'all' }));
beforeAll(() => full().then(() => undefined), 60_000);

const ms = (e: Ecs): number => Date.parse(e['@timestamp']);
const byUser = (g: Generated, user: string): Ecs[] => g.events.filter((e) => e.user?.name === user);
const inWindow = (events: Ecs[], start: number, end: number): Ecs[] =>
  events.filter((e) => ms(e) >= start && ms(e) <= end);

function injectedOf(g: Generated, scenario: string) {
  const found = g.result.injected.find((i) => i.scenario === scenario);
  if (found === undefined) throw new Error(`${scenario} not injected`);
  return found;
}

function userOf(org: Organisation, id: string): User {
  const user = org.byId.get(id);
  if (user === undefined) throw new Error(`no user ${id}`);
  return user;
}

/** Local hour of day (0–24) at the user's home. */
function localHour(user: User, t: number): number {
  const local = t + user.home.tzOffsetMinutes * 60_000;
  return (((local % 86_400_000) + 86_400_000) % 86_400_000) / 3_600_000;
}

describe('seeds: determinism', () => {
  const options: GeneratorOptions = { users: 30, days: 7, seed: 11, scenarios: ['dga-beaconing', 'lateral-movement-burst'] };

  it('writes byte-identical output for the same seed and options', async () => {
    const [a, b] = await Promise.all([generate(options), generate(options)]);
    expect(a.text.length).toBeGreaterThan(10_000);
    expect(a.text === b.text).toBe(true);
    expect(a.result.labels).toStrictEqual(b.result.labels);
  });

  it('writes different output for a different seed', async () => {
    const [a, b] = await Promise.all([generate(options), generate({ ...options, seed: 12 })]);
    expect(a.text === b.text).toBe(false);
    expect(a.events[0]?.event.id).not.toBe(b.events[0]?.event.id);
  });

  it('leaves the events of users no scenario touches unchanged when scenarios are injected', async () => {
    const [plain, injected] = await Promise.all([
      generate({ users: 30, days: 7, seed: 11 }),
      generate(options),
    ]);
    const touched = new Set(injected.result.injected.map((i) => i.user));
    const untouched = (g: Generated) => g.lines.filter((_, i) => !touched.has(g.events[i]?.user?.name ?? ''));
    expect(untouched(injected)).toStrictEqual(untouched(plain));
  });
});

describe('seeds: event format', () => {
  it('writes only lines the ECS importer accepts, each with the required fields in nested form', async () => {
    const g = await full();
    const categories = new Set<string>(EVENT_CATEGORIES);
    const outcomes = new Set<string>(OUTCOMES);
    const problems: string[] = [];
    for (const [i, line] of g.lines.entries()) {
      const e = g.events[i] as Ecs;
      const parsed = parseEcsLine(line);
      if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(e['@timestamp'])) problems.push(`@timestamp: ${line}`);
      if (!categories.has(e.event.category)) problems.push(`category: ${line}`);
      if (!/^[a-z_]+$/.test(e.event.action)) problems.push(`action: ${line}`);
      if (e.event.outcome !== undefined && !outcomes.has(e.event.outcome)) problems.push(`outcome: ${line}`);
      if (!e.user?.name) problems.push(`user.name: ${line}`);
      if (Object.keys(e).some((k) => k.includes('.'))) problems.push(`dotted key: ${line}`);
      if (typeof parsed !== 'object') problems.push(`rejected (${String(parsed)}): ${line}`);
      else if (parsed.ts !== ms(e)) problems.push(`time: ${line}`);
    }
    expect(problems.slice(0, 5)).toStrictEqual([]);
  });

  it('is pure ASCII, so the byte count it reports is the file size', async () => {
    const g = await full();
    expect(/^[\x20-\x7e\n]*$/.test(g.text)).toBe(true);
    expect(g.result.bytes).toBe(Buffer.byteLength(g.text));
    expect(g.result.events).toBe(g.lines.length);
  });

  it('orders events by time across the whole output and gives each a unique id', async () => {
    const g = await full();
    const times = g.events.map(ms);
    expect(times.every((t, i) => i === 0 || (times[i - 1] as number) <= t)).toBe(true);
    expect(new Set(g.events.map((e) => e.event.id)).size).toBe(g.events.length);
  });

  it('opens with one ACTIVE HR record per person, matching the organisation, before any activity', async () => {
    const g = await full();
    const org = g.result.organisation;
    const newHire = injectedOf(g, 'benign:new-hire').user;
    const snapshot = g.events.slice(0, org.users.filter((u) => u.kind === 'human').length - 1);
    expect(snapshot.every((e) => e.event.action === 'hr_update' && e.riskgraph?.hr.status === 'ACTIVE')).toBe(true);
    const departments = new Map(snapshot.map((e) => [e.user?.name, e.riskgraph?.hr.department]));
    for (const user of org.users) {
      if (user.kind === 'human' && user.id !== newHire) expect(departments.get(user.id)).toBe(user.department);
    }
    expect(departments.has(newHire)).toBe(false);
  });

  it('formats timestamps exactly as Date.prototype.toISOString does', () => {
    for (let t = Date.UTC(2023, 11, 31, 23, 59, 59, 999) - 5_000; t < Date.UTC(2024, 2, 1); t += 7_777_777) {
      expect(isoTimestamp(t)).toBe(new Date(t).toISOString());
    }
  });
});

describe('seeds: normal behaviour', () => {
  it('keeps people mostly to working hours on weekdays in their own time zone', async () => {
    const g = await full();
    const org = g.result.organisation;
    const injected = new Set(g.result.injected.flatMap((i) => i.eventIds));
    let total = 0;
    let office = 0;
    let weekday = 0;
    for (const e of g.events) {
      const user = org.byId.get(e.user?.name ?? '');
      if (user === undefined || user.kind !== 'human' || injected.has(e.event.id) || e.event.category === 'iam') continue;
      const t = ms(e);
      const hour = localHour(user, t);
      const dow = new Date(t + user.home.tzOffsetMinutes * 60_000).getUTCDay();
      total++;
      if (hour >= 7 && hour < 19) office++;
      if (dow !== 0 && dow !== 6) weekday++;
    }
    expect(total).toBeGreaterThan(10_000);
    expect(office / total).toBeGreaterThan(0.85);
    expect(weekday / total).toBeGreaterThan(0.9);
  });

  it('lets each person\'s department be read off the applications and assets they use', async () => {
    const g = await full();
    const org = g.result.organisation;
    const claimed = new Set(g.result.injected.map((i) => i.user));
    const counts = new Map<string, Map<string, number>>();
    let own = 0;
    let departmental = 0;
    for (const e of g.events) {
      const user = org.byId.get(e.user?.name ?? '');
      if (user === undefined || user.kind !== 'human' || claimed.has(user.id)) continue;
      for (const name of [e.service?.name, e.destination?.address]) {
        const department = name === undefined ? undefined : org.resourceDepartment.get(name);
        if (department === undefined || department === null) continue;
        const perUser = counts.get(user.id) ?? new Map<string, number>();
        perUser.set(department, (perUser.get(department) ?? 0) + 1);
        counts.set(user.id, perUser);
        departmental++;
        if (department === user.department) own++;
      }
    }
    const unclaimed = org.users.filter((u) => u.kind === 'human' && !claimed.has(u.id));
    expect(counts.size).toBe(unclaimed.length);
    for (const [id, perUser] of counts) {
      const [top] = [...perUser].sort((a, b) => b[1] - a[1]);
      expect(top?.[0], id).toBe(userOf(org, id).department);
    }
    expect(own / departmental).toBeGreaterThan(0.85);
  });

  it('moves people between cities no faster than a plane (800 km/h), outside the attacks', async () => {
    const g = await full();
    const injected = new Set(g.result.injected.flatMap((i) => i.eventIds));
    const last = new Map<string, { t: number; city: string; lat: number; lon: number }>();
    const tooFast: string[] = [];
    let moves = 0;
    for (const e of g.events) {
      const geo = e.source?.geo;
      const user = e.user?.name;
      if (geo === undefined || user === undefined || injected.has(e.event.id)) continue;
      const here = { t: ms(e), city: geo.city_name, ...geo.location };
      const before = last.get(user);
      if (before !== undefined && before.city !== here.city) {
        moves++;
        const km = distanceKm(before, here);
        if (km / ((here.t - before.t) / 3_600_000) > 800) tooFast.push(`${user} ${before.city} -> ${here.city}`);
      }
      last.set(user, here);
    }
    expect(moves).toBeGreaterThan(0);
    expect(tooFast).toStrictEqual([]);
  });

  it('has service accounts act on their schedule, from their server, without web or mail', async () => {
    const g = await full();
    const services = g.result.organisation.users.filter((u) => u.kind === 'service');
    expect(services.map((u) => u.id)).toStrictEqual(['svc-backup', 'svc-etl', 'svc-ci', 'svc-monitor']);
    for (const svc of services) {
      const events = byUser(g, svc.id);
      expect(events.length, svc.id).toBeGreaterThan(0);
      expect(events.every((e) => e.host?.name === svc.host && e.event.category !== 'web' && e.event.category !== 'email')).toBe(true);
    }
  });

  it('scales the period to approach an events target', async () => {
    const g = await generate({ users: 20, seed: 3, eventsTarget: 20_000 });
    expect(g.result.events).toBeGreaterThan(15_000);
    expect(g.result.events).toBeLessThan(25_000);
    expect(g.result.period.days).not.toBe(30);
    const fixedDays = await generate({ users: 20, days: 5, seed: 3, eventsTarget: 20_000 });
    expect(fixedDays.result.period.days).toBe(5);
    expect(fixedDays.result.events).toBeGreaterThan(14_000);
    expect(fixedDays.result.events).toBeLessThan(26_000);
  });
});

describe('seeds: scenarios and labels', () => {
  it('labels every requested attack once, with a window holding every event it injected, all of its user', async () => {
    const g = await full();
    const attacks = SCENARIOS.filter((s) => s.kind === 'attack').map((s) => s.name);
    expect(g.result.labels.map((l) => l.scenario).sort()).toStrictEqual([...attacks].sort());
    const byId = new Map(g.events.map((e) => [e.event.id, e]));
    for (const injected of g.result.injected.filter((i) => i.kind === 'attack')) {
      expect(injected.eventIds.length, injected.scenario).toBeGreaterThan(0);
      for (const id of injected.eventIds) {
        const e = byId.get(id);
        expect(e, `${injected.scenario} ${id}`).toBeDefined();
        expect(e?.user?.name).toBe(injected.user);
        expect(ms(e as Ecs)).toBeGreaterThanOrEqual(injected.start);
        expect(ms(e as Ecs)).toBeLessThanOrEqual(injected.end);
      }
      const row = g.result.labels.find((l) => l.scenario === injected.scenario);
      expect(row).toStrictEqual({
        user: injected.user,
        scenario: injected.scenario,
        start: new Date(injected.start).toISOString(),
        end: new Date(injected.end).toISOString(),
      });
    }
    expect(new Set(g.result.injected.map((i) => i.user)).size).toBe(g.result.injected.length);
  });

  it('keeps hard negatives out of the attack labels, labelled benign:<kind>', async () => {
    const g = await full();
    const benign = SCENARIOS.filter((s) => s.kind === 'benign').map((s) => `benign:${s.name}`);
    expect(g.result.benignLabels.map((l) => l.scenario).sort()).toStrictEqual([...benign].sort());
    expect(g.result.labels.some((l) => l.scenario.startsWith('benign:'))).toBe(false);
    const attackUsers = new Set(g.result.labels.map((l) => l.user));
    expect(g.result.benignLabels.some((l) => attackUsers.has(l.user))).toBe(false);
  });

  it('departing employee: NOTICE_GIVEN first, then USB copies and large mail to a personal address', async () => {
    const g = await full();
    const i = injectedOf(g, 'departing-employee-exfiltration');
    const events = inWindow(byUser(g, i.user), i.start, i.end);
    expect(events[0]?.riskgraph?.hr.status).toBe('NOTICE_GIVEN');
    expect(events.filter((e) => e.event.action === 'file_copy').length).toBeGreaterThanOrEqual(15);
    const personal = g.result.organisation.personalMailDomains;
    const bigMail = events.filter(
      (e) =>
        e.email?.to.address.some((a) => personal.some((d) => a.endsWith(`@${d}`))) &&
        (e.email.attachments ?? []).some((a) => a.file.size > 5e6),
    );
    expect(bigMail.length).toBeGreaterThanOrEqual(2);
  });

  it('impossible travel: a logon thousands of km away within an hour of a logon at home', async () => {
    const g = await full();
    const i = injectedOf(g, 'compromised-account-impossible-travel');
    const user = userOf(g.result.organisation, i.user);
    const logons = byUser(g, i.user).filter((e) => e.event.action === 'logon' && e.event.outcome === 'success');
    const foreign = logons.find((e) => ms(e) === i.start);
    expect(foreign?.source?.geo?.country_iso_code).toBeDefined();
    const city = [...g.result.organisation.foreignCities].find((c) => c.city === foreign?.source?.geo?.city_name);
    expect(city && distanceKm(city, user.home)).toBeGreaterThan(5000);
    const home = logons.filter((e) => e.source?.geo?.city_name === user.home.city && ms(e) < i.start && i.start - ms(e) <= 3_600_000);
    expect(home.length).toBe(1);
  });

  it('lateral movement: many distinct assets in minutes', async () => {
    const g = await full();
    const i = injectedOf(g, 'lateral-movement-burst');
    const targets = new Set(
      inWindow(byUser(g, i.user), i.start, i.end)
        .filter((e) => e.event.action === 'remote_logon')
        .map((e) => e.destination?.address),
    );
    expect(targets.size).toBeGreaterThanOrEqual(15);
    expect(i.end - i.start).toBeLessThan(3_600_000);
  });

  it('brute force: a burst of failures from a new address, then a success from it', async () => {
    const g = await full();
    const i = injectedOf(g, 'brute-force-then-success');
    const events = byUser(g, i.user);
    const burst = inWindow(events, i.start, i.end).filter((e) => e.event.action === 'logon');
    const ip = burst[0]?.source?.ip;
    const failures = burst.filter((e) => e.event.outcome === 'failure' && e.source?.ip === ip);
    expect(failures.length).toBeGreaterThanOrEqual(25);
    expect(burst.find((e) => e.event.outcome === 'success')?.source?.ip).toBe(ip);
    const ids = new Set(i.eventIds);
    expect(events.some((e) => e.source?.ip === ip && !ids.has(e.event.id))).toBe(false);
  });

  it('off-hours privileged misuse: an administrator at night on assets outside their routine', async () => {
    const g = await full();
    const i = injectedOf(g, 'off-hours-privileged-misuse');
    const user = userOf(g.result.organisation, i.user);
    expect(user.privileged).toBe(true);
    const hour = localHour(user, i.start);
    expect(hour).toBeGreaterThanOrEqual(2);
    expect(hour).toBeLessThan(4);
    const routine = new Set([...user.profile.assets, ...user.profile.routineServers].map((a) => a.name));
    const touched = inWindow(byUser(g, i.user), i.start, i.end).flatMap((e) => e.destination?.address ?? []);
    expect(touched.length).toBeGreaterThanOrEqual(6);
    expect(touched.some((a) => routine.has(a))).toBe(false);
  });

  it('compromised admin: credential dumping and log clearing over RDP, secrets no administrator checks out', async () => {
    const g = await full();
    const i = injectedOf(g, 'compromised-admin-credential-theft');
    expect(userOf(g.result.organisation, i.user).privileged).toBe(true);
    const injected = new Set(i.eventIds);
    const events = g.events.filter((e) => injected.has(e.event.id));
    const classes = events.flatMap((e) => (e.process === undefined ? [] : [classifyCommand(e.process.command_line)]));
    expect(new Set(classes)).toEqual(new Set(['recon', 'credential-dumping', 'log-tampering']));
    expect(events.filter((e) => e.process !== undefined).every((e) => e.network?.protocol === 'rdp' && e.process!.interactive)).toBe(true);
    const secrets = events.flatMap((e) => (e.event.action === 'secret_access' ? [e.riskgraph!.secret!.id] : []));
    expect(secrets).toContain('break-glass/domain-admin');
    expect(secrets.length).toBeGreaterThanOrEqual(3);
    // No routine checkout anywhere in the data uses these secrets.
    const routine = new Set(g.events.filter((e) => e.event.action === 'secret_access' && !injected.has(e.event.id)).map((e) => e.riskgraph!.secret!.id));
    expect(routine.size).toBeGreaterThan(0);
    expect(secrets.some((x) => routine.has(x))).toBe(false);
  });

  it("administrators' routine privileged work: their own commands over SSH, only of ordinary classes, and their servers' secrets", async () => {
    const g = await full();
    const attack = new Set(g.result.injected.flatMap((i) => i.eventIds));
    const org = g.result.organisation;
    const commands = g.events.filter((e) => e.process !== undefined && !attack.has(e.event.id));
    expect(commands.length).toBeGreaterThan(50);
    for (const e of commands) {
      const user = userOf(org, e.user!.name);
      expect(user.privileged).toBe(true);
      expect(adminRepertoire(user)).toContain(e.process!.command_line);
      expect(['normal-admin', 'privilege-escalation', 'recon']).toContain(classifyCommand(e.process!.command_line));
      expect(e.network?.protocol).toBe('ssh');
    }
    const checkouts = g.events.filter((e) => e.event.action === 'secret_access' && !attack.has(e.event.id));
    expect(checkouts.length).toBeGreaterThan(5);
    expect(checkouts.every((e) => /^[a-z0-9-]+\/admin$/.test(e.riskgraph!.secret!.id) && userOf(org, e.user!.name).privileged)).toBe(true);
  });

  it('DGA beaconing: periodic requests to random-looking domains', async () => {
    const g = await full();
    const i = injectedOf(g, 'dga-beaconing');
    const ids = new Set(i.eventIds);
    const beacons = byUser(g, i.user).filter((e) => ids.has(e.event.id));
    expect(beacons.length).toBeGreaterThan(200);
    const gaps = beacons.slice(1).map((e, k) => ms(e) - ms(beacons[k] as Ecs)).sort((a, b) => a - b);
    const median = gaps[Math.floor(gaps.length / 2)] as number;
    expect(median).toBeGreaterThan(270_000);
    expect(median).toBeLessThan(330_000);
    const known = new Set([...g.result.organisation.commonDomains, ...g.result.organisation.longTailDomains]);
    expect(beacons.every((e) => e.url !== undefined && !known.has(e.url.domain) && /^[a-z0-9]{10,18}\./.test(e.url.domain))).toBe(true);
  });

  it('activity after termination: TERMINATED, then no normal activity, only the intruding sessions', async () => {
    const g = await full();
    const i = injectedOf(g, 'activity-after-termination');
    const ids = new Set(i.eventIds);
    const events = byUser(g, i.user);
    const terminated = events.find((e) => e.riskgraph?.hr.status === 'TERMINATED');
    expect(terminated && ms(terminated)).toBe(i.start);
    const after = events.filter((e) => ms(e) > i.start);
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((e) => ids.has(e.event.id))).toBe(true);
    expect(after.some((e) => e.event.action === 'logon' && e.event.outcome === 'success')).toBe(true);
  });

  it('hard negatives: the trip logs on from the destination, the new hire only after joining', async () => {
    const g = await full();
    const trip = injectedOf(g, 'benign:business-trip');
    const traveller = userOf(g.result.organisation, trip.user);
    const away = inWindow(byUser(g, trip.user), trip.start, trip.end).filter((e) => e.event.action === 'logon');
    expect(away.length).toBeGreaterThan(0);
    expect(away.every((e) => e.source?.geo?.city_name !== traveller.home.city)).toBe(true);
    const hire = injectedOf(g, 'benign:new-hire');
    expect(byUser(g, hire.user).every((e) => ms(e) >= hire.start)).toBe(true);
  });

  it('scales attacks with intensity', async () => {
    const base = { users: 30, days: 10, seed: 5, scenarios: ['lateral-movement-burst'] } as const;
    const [one, three] = await Promise.all([generate(base), generate({ ...base, intensity: 3 })]);
    const [a, b] = [one.result.injected[0], three.result.injected[0]];
    expect((b?.eventIds.length ?? 0) > (a?.eventIds.length ?? 0)).toBe(true);
  });
});

describe('seeds: options and files', () => {
  it('rejects bad options, naming every problem', () => {
    expect(() => resolveOptions({ users: 3, days: 0, scenarios: ['no-such-thing'] })).toThrow(
      /users must be an integer in \[9, [\s\S]*days must be an integer in \[1, [\s\S]*unknown scenario "no-such-thing"/,
    );
    expect(() => resolveOptions({ scenarios: ['new-hire'] })).toThrow(/a hard negative, not an attack/);
  });

  it('writes the events, the labels CSV and the benign labels beside it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'riskgraph-seeds-'));
    try {
      const summary = await generateToFiles({
        users: 30,
        days: 7,
        seed: 2,
        scenarios: ['brute-force-then-success'],
        benign: ['bulk-transfer-role'],
        out: join(dir, 'events.ndjson'),
        labels: join(dir, 'labels.csv'),
      });
      const events = await readFile(join(dir, 'events.ndjson'), 'utf8');
      expect(events.split('\n').length - 1).toBe(summary.events);
      expect(Buffer.byteLength(events)).toBe(summary.bytes);
      expect(summary).toMatchObject({ users: 30, days: 7, attacks: 1, benign: 1, benignLabels: join(dir, 'labels.benign.csv') });
      const labels = (await readFile(join(dir, 'labels.csv'), 'utf8')).trim().split('\n');
      expect(labels[0]).toBe('user,scenario,start,end');
      expect(labels[1]).toMatch(/^[a-z0-9]+,brute-force-then-success,\d{4}-\d\d-\d\dT[\d:.]+Z,\d{4}-\d\d-\d\dT[\d:.]+Z$/);
      const benign = await readFile(join(dir, 'labels.benign.csv'), 'utf8');
      expect(benign).toMatch(/^user,scenario,start,end\n[a-z0-9]+,benign:bulk-transfer-role,/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('renders label rows as CSV with a header', () => {
    expect(labelsCsv([{ user: 'jdoe', scenario: 'dga-beaconing', start: 'a', end: 'b' }])).toBe(
      'user,scenario,start,end\njdoe,dga-beaconing,a,b\n',
    );
  });
});
