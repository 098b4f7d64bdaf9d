import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLabelsCsv } from '../../src/analytics/evaluation/detection-report.ts';
import type { NormalizedEvent } from '../../src/events/event.ts';
import { LdapSnapshotTracker, parseFile } from '../../src/events/importer.ts';
import { CERT_FILES, type CertOptions, type CertResult, generateCert, generateCertToFiles, resolveCertOptions } from '../../seeds/cert.ts';

const HOUR = 3_600_000;
const DAY = 86_400_000;

function inMemory(options: CertOptions): { files: Map<string, string>; result: CertResult } {
  const parts = new Map<string, string[]>();
  const result = generateCert(options, { write: (file, text) => void parts.set(file, [...(parts.get(file) ?? []), text]) });
  return { files: new Map([...parts].map(([f, p]) => [f, p.join('')])), result };
}

const digest = (files: Map<string, string>): string => {
  const h = createHash('sha256');
  for (const [f, text] of [...files].sort()) h.update(f).update(text);
  return h.digest('hex');
};

/** After hours: before 07:00, from 19:00, or a weekend (the organisation's local time, read as UTC). */
const afterHours = (ts: number): boolean => {
  const d = new Date(ts);
  const h = d.getUTCHours();
  return d.getUTCDay() === 0 || d.getUTCDay() === 6 || h < 7 || h >= 19;
};

describe('CERT-shaped generator', () => {
  let dir: string;
  const events: NormalizedEvent[] = [];
  let dead = 0;
  const snapshots = new Map<string, Set<string>>();
  let supervisorOf = new Map<string, string>();
  let labels: ReturnType<typeof parseLabelsCsv>;
  let benign: ReturnType<typeof parseLabelsCsv>;
  const options: CertOptions = { users: 150, months: 6, seed: 3 };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cert-gen-'));
    generateCertToFiles({ ...options, out: dir });
    const ldap = new LdapSnapshotTracker();
    const ldapFiles = (await readdir(join(dir, 'LDAP'))).sort();
    for (const f of [...CERT_FILES.map((k) => join(dir, `${k}.csv`)), ...ldapFiles.map((f) => join(dir, 'LDAP', f))]) {
      for await (const item of parseFile(f, { format: 'cert', ldap })) {
        if (item.kind === 'dead') dead++;
        else events.push(item.event);
      }
    }
    for (const f of ldapFiles) {
      const rows = (await readFile(join(dir, 'LDAP', f), 'utf8')).trim().split('\n').slice(1);
      snapshots.set(f.slice(0, 7), new Set(rows.map((r) => r.split(',')[1]!)));
    }
    const hr = events.filter((e) => e.hr !== undefined && e.hr.manager !== undefined);
    supervisorOf = new Map(hr.map((e) => [e.user!, e.hr!.manager!]));
    labels = parseLabelsCsv(await readFile(join(dir, 'answers', 'labels.csv'), 'utf8'));
    benign = parseLabelsCsv(await readFile(join(dir, 'answers', 'labels.benign.csv'), 'utf8'));
  }, 60_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  let activityCache: NormalizedEvent[] | undefined;
  let byUser: Map<string, NormalizedEvent[]> | undefined;
  const activity = () => (activityCache ??= events.filter((e) => e.category !== 'iam'));
  const eventsOf = (user: string): NormalizedEvent[] => {
    if (byUser === undefined) {
      byUser = new Map();
      for (const e of activity()) {
        const list = byUser.get(e.user!);
        if (list === undefined) byUser.set(e.user!, [e]);
        else list.push(e);
      }
    }
    return byUser.get(user) ?? [];
  };
  const insidersOf = (scenario: string) => [...new Set(labels.filter((l) => l.scenario === scenario).map((l) => l.user))];
  const firstLabel = (user: string) => Math.min(...labels.filter((l) => l.user === user).map((l) => l.start));
  const primaryPc = (user: string): string => {
    const counts = new Map<string, number>();
    for (const e of eventsOf(user)) if (e.action === 'logon') counts.set(e.host!, (counts.get(e.host!) ?? 0) + 1);
    return [...counts].sort((a, b) => b[1] - a[1])[0]![0];
  };

  it('writes every file in the layout the CERT importer reads, without a dead letter', () => {
    expect(dead).toBe(0);
    for (const action of ['logon', 'logoff', 'usb_connect', 'usb_disconnect', 'file_copy', 'file_open', 'email_send', 'http_request', 'http_upload', 'hr_update']) {
      expect(events.some((e) => e.action === action), action).toBe(true);
    }
    expect(snapshots.size).toBe(6);
  });

  it('is deterministic by seed and differs between seeds', () => {
    const small: CertOptions = { users: 40, months: 2, seed: 9, insiders: [1, 1, 1] };
    const a = inMemory(small);
    const b = inMemory(small);
    const c = inMemory({ ...small, seed: 10 });
    expect(digest(a.files)).toBe(digest(b.files));
    expect(digest(a.files)).not.toBe(digest(c.files));
  });

  it('keeps each activity file in time order', async () => {
    for (const f of CERT_FILES) {
      const lines = (await readFile(join(dir, `${f}.csv`), 'utf8')).trim().split('\n').slice(1);
      const times = lines.map((l) => {
        const d = l.split(',')[1]!;
        return Date.UTC(Number(d.slice(6, 10)), Number(d.slice(0, 2)) - 1, Number(d.slice(3, 5)), Number(d.slice(11, 13)), Number(d.slice(14, 16)), Number(d.slice(17, 19)));
      });
      for (let i = 1; i < times.length; i++) if (times[i]! < times[i - 1]!) throw new Error(`${f}.csv line ${i + 2} goes back in time`);
    }
  });

  it('has the default insider counts, 7 % of users split 3:3:1', () => {
    expect(resolveCertOptions({ users: 1000 }).insiders).toEqual([30, 30, 10]);
    expect(insidersOf('after-hours-usb-wikileaks').length + insidersOf('job-hunt-usb-theft').length + insidersOf('admin-keylogger-masquerade').length)
      .toBe(resolveCertOptions(options).insiders.reduce((s, n) => s + n, 0));
  });

  it('scenario 1: no after-hours logon and no USB before the campaign, both during it, gone from LDAP after', () => {
    const insiders = insidersOf('after-hours-usb-wikileaks');
    expect(insiders.length).toBeGreaterThan(0);
    for (const user of insiders) {
      const start = firstLabel(user);
      const mine = eventsOf(user);
      const before = mine.filter((e) => e.ts < start);
      expect(before.filter((e) => e.action === 'logon' && afterHours(e.ts))).toEqual([]);
      expect(before.filter((e) => e.action === 'usb_connect')).toEqual([]);
      const during = mine.filter((e) => e.ts >= start);
      expect(during.some((e) => e.action === 'logon' && afterHours(e.ts))).toBe(true);
      expect(during.some((e) => e.action === 'usb_connect')).toBe(true);
      expect(during.some((e) => e.action === 'http_upload' && e.domain === 'wikileaks.org')).toBe(true);
      const last = Math.max(...mine.map((e) => e.ts));
      const lastMonth = [...snapshots.keys()].pop()!;
      expect(snapshots.get(lastMonth)!.has(user)).toBe(false);
      expect(events.some((e) => e.user === user && e.hr?.status === 'TERMINATED')).toBe(true);
      expect(last).toBeLessThan(Date.parse(`${lastMonth}-01`) + 31 * DAY);
    }
  });

  it('scenario 2: job sites, then USB copies at a markedly higher rate than the user\'s own before', () => {
    const insiders = insidersOf('job-hunt-usb-theft');
    for (const user of insiders) {
      const mine = eventsOf(user);
      const start = firstLabel(user);
      const connects = mine.filter((e) => e.action === 'usb_connect');
      const last = Math.max(...mine.map((e) => e.ts));
      const theftFrom = last - 20 * DAY;
      const baseline = connects.filter((e) => e.ts < start).length / Math.max(1, (start - Date.parse('2010-01-01')) / DAY);
      const theft = connects.filter((e) => e.ts >= theftFrom).length / 20;
      expect(theft, user).toBeGreaterThan(2 * baseline);
      expect(mine.some((e) => e.ts >= start && ['monster.com', 'careerbuilder.com', 'indeed.com', 'simplyhired.com', 'jobhuntersbible.com', 'linkedin.com', 'hotjobs.yahoo.com', 'glassdoor.com'].includes(e.domain ?? ''))).toBe(true);
    }
  });

  it('scenario 3: an administrator logs on to the supervisor\'s PC after hours and mass-mails from there, then leaves', () => {
    const insiders = insidersOf('admin-keylogger-masquerade');
    expect(insiders.length).toBeGreaterThan(0);
    for (const user of insiders) {
      const supervisorPc = primaryPc(supervisorOf.get(user)!);
      const mine = eventsOf(user);
      expect(mine.some((e) => e.action === 'http_download' && e.domain === 'keylogger-download.com')).toBe(true);
      expect(mine.some((e) => e.action === 'usb_connect' && e.host === supervisorPc)).toBe(true);
      expect(mine.some((e) => e.action === 'logon' && e.host === supervisorPc && afterHours(e.ts))).toBe(true);
      const mass = mine.filter((e) => e.action === 'email_send' && e.host === supervisorPc);
      expect(mass.some((e) => (e.emailTo?.length ?? 0) >= 25)).toBe(true);
      expect(Math.max(...mine.map((e) => e.ts)) - Math.max(...mass.map((e) => e.ts))).toBeLessThan(HOUR);
    }
  });

  it('gives benign users their own variance: late workers, USB users, leavers, logons to others\' PCs', () => {
    const insiders = new Set(labels.map((l) => l.user));
    const benignEvents = activity().filter((e) => !insiders.has(e.user!));
    const lateWorkers = new Set(benignEvents.filter((e) => e.action === 'logon' && afterHours(e.ts)).map((e) => e.user));
    const usbUsers = new Set(benignEvents.filter((e) => e.action === 'usb_connect').map((e) => e.user));
    const people = new Set(benignEvents.map((e) => e.user));
    expect(lateWorkers.size / people.size).toBeGreaterThan(0.15);
    expect(usbUsers.size / people.size).toBeGreaterThan(0.15);
    const terminated = new Set(events.filter((e) => e.hr?.status === 'TERMINATED').map((e) => e.user));
    const benignLeavers = [...terminated].filter((u) => !insiders.has(u!));
    expect(benignLeavers.length).toBeGreaterThan(0);
    expect(benign.some((b) => b.scenario === 'benign:leaver')).toBe(true);
    expect(benign.some((b) => b.scenario === 'benign:deadline-crunch')).toBe(true);
    // Benign users uploading somewhere and visiting job sites exist too.
    expect(benignEvents.some((e) => e.action === 'http_upload')).toBe(true);
    expect(benignEvents.some((e) => ['monster.com', 'indeed.com', 'careerbuilder.com', 'linkedin.com', 'glassdoor.com', 'simplyhired.com', 'jobhuntersbible.com', 'hotjobs.yahoo.com'].includes(e.domain ?? ''))).toBe(true);
  });

  it('gives insiders no device or domain that only insiders use, beyond the scenario destinations', () => {
    const insiders = new Set(labels.map((l) => l.user));
    const benignDomains = new Set<string>();
    const insiderDomains = new Set<string>();
    for (const e of activity()) {
      if (e.domain === undefined) continue;
      (insiders.has(e.user!) ? insiderDomains : benignDomains).add(e.domain);
    }
    expect([...insiderDomains].filter((d) => !benignDomains.has(d) && !['wikileaks.org', 'keylogger-download.com'].includes(d))).toEqual([]);
  });

  it('labels insider-days that hold the scenario\'s own events, and lists the files with the trace', async () => {
    const text = await readFile(join(dir, 'answers', 'labels.csv'), 'utf8');
    expect(text.split('\n')[0]).toBe('user,scenario,start,end,traces');
    for (const l of labels) {
      expect(new Date(l.start).toISOString().slice(0, 10)).toBe(new Date(l.end).toISOString().slice(0, 10));
      expect(eventsOf(l.user).some((e) => e.ts >= l.start && e.ts <= l.end)).toBe(true);
    }
  });

  it('rejects impossible options with every problem listed', () => {
    expect(() => resolveCertOptions({ users: 5, months: 1, start: '2010-13' })).toThrow(/users must be.*\n.*months must be.*\n.*start must be YYYY-MM/s);
    expect(() => generateCert({ users: 40, months: 2, insiders: [0, 0, 8] }, { write: () => {} })).toThrow(/system administrators/);
  });
});
