/**
 * One triggering and at least one quiet fixture per indicator, each with a known answer
 * (fixtures.ts describes the routine they stand on). indicators.test.ts runs every case through
 * the shared harness and checks that no indicator of the registry is missing here.
 */
import { expect } from 'vitest';
import type { NormalizedEvent } from '../../../src/events/event.ts';
import type { IndicatorContext } from '../../../src/analytics/indicators/context.ts';
import type { Finding } from '../../../src/analytics/indicators/indicator.ts';
import { createUserProfile, observeEvent, type UserProfile } from '../../../src/analytics/profiles/user-profile.ts';
import {
  alice,
  DAY,
  event,
  eventContext,
  HOUR,
  LONDON,
  MANCHESTER,
  MIN,
  peerGroup,
  READING,
  sessionContext,
  sessionWith,
  T0,
  T1,
  TOKYO,
  usual,
} from './fixtures.ts';
import { PRIVILEGED_CASES } from './privileged-cases.ts';

export interface Case {
  name: string;
  ctx: () => IndicatorContext;
}

export interface IndicatorCases {
  trigger: Case & { check?: (finding: Finding) => void };
  quiet: Case[];
}

/** First-access findings on servers SRV-0 … SRV-(n−1), as the pipeline hands them to session indicators. */
function novelViews(n: number, noveltyRate: number) {
  return Array.from({ length: n }, (_, i) => ({ indicatorId: 'first-asset-access', value: `SRV-${i}`, noveltyRate, eventIds: [`srv-${i}`] }));
}

/** alice's profile with extra events learnt (the profile as it stands before the tested event). */
function aliceAfter(events: readonly NormalizedEvent[]): UserProfile {
  const p = alice();
  for (const e of events) observeEvent(p, e);
  return p;
}

function failures(n: number): NormalizedEvent[] {
  return Array.from({ length: n }, (_, i) =>
    usual({ ts: T1 - (n - i) * MIN, category: 'authentication', action: 'logon', outcome: 'failure', ip: '203.0.113.50' }),
  );
}

function serviceAccount(): UserProfile {
  const p = createUserProfile('svc-etl');
  for (let d = 0; d < 20; d++) {
    observeEvent(p, event({ user: 'svc-etl', ts: T0 + d * DAY + 2 * HOUR, category: 'authentication', action: 'logon', host: 'FIN-APP-01' }));
    observeEvent(p, event({ user: 'svc-etl', ts: T0 + d * DAY + 2 * HOUR + MIN, asset: 'FIN-DB-01', app: 'mssql', host: 'FIN-APP-01' }));
  }
  return p;
}

const copies = (n: number): NormalizedEvent[] =>
  Array.from({ length: n }, (_, i) =>
    usual({ ts: T1 + i * MIN, category: 'file', action: 'file_copy', filePath: `E:\\export\\q${i}.xlsx`, fileSize: 2e6 }),
  );
const mail = (to: string, bytes: number): NormalizedEvent =>
  usual({ ts: T1, category: 'email', action: 'email_send', emailTo: [to], attachments: 3, attachmentBytes: bytes, bytesOut: bytes + 2000 });
const download = (bytes: number): NormalizedEvent => usual({ ts: T1, asset: 'CRM-DB-01', app: 'crm', bytesIn: bytes, bytesOut: 10_000 });
const upload = (bytes: number): NormalizedEvent =>
  usual({ ts: T1, category: 'web', action: 'http_request', domain: 'wetransfer.com', bytesOut: bytes, bytesIn: 30_000 });
const logonAt = (ts: number, fields: Partial<NormalizedEvent> = {}): NormalizedEvent =>
  usual({ ts, category: 'authentication', action: 'logon', ...fields });

const NOTICE = { status: 'NOTICE_GIVEN' as const, effectiveDate: T1 - 3 * DAY - 10 * HOUR, lastDay: T1 + 18 * DAY - 10 * HOUR };
/** Terminated; last day Saturday 2024-04-13 (T1 is Monday 10:00 two days later). */
const TERMINATED = { status: 'TERMINATED' as const, effectiveDate: T0 + 40 * DAY, lastDay: T0 + 40 * DAY };


/**
 * A logon-only user: a logon at 09:00 and a logoff at 17:00 on every weekday from `fromDay`
 * (days from T0, may be negative) to `toDay` (default day 41, the Friday before T1), on WS-1; plus extra logons
 * (day, hour, host) and removable-media connects (day, hour), learnt in time order.
 */
function logonDays(fromDay: number, extra: { logons?: Array<[number, number, string?]>; usb?: Array<[number, number]> } = {}, toDay = 41): UserProfile {
  const p = createUserProfile('alice');
  const all: NormalizedEvent[] = [];
  for (let d = fromDay; d <= toDay; d++) {
    if ((((d % 7) + 7) % 7) >= 5) continue;
    all.push(event({ ts: T0 + d * DAY + 9 * HOUR, category: 'authentication', action: 'logon', host: 'WS-1' }));
    all.push(event({ ts: T0 + d * DAY + 17 * HOUR, category: 'authentication', action: 'logoff', host: 'WS-1' }));
  }
  for (const [d, h, host] of extra.logons ?? []) {
    all.push(event({ ts: T0 + d * DAY + h * HOUR, category: 'authentication', action: 'logon', host: host ?? 'WS-1' }));
  }
  for (const [d, h] of extra.usb ?? []) all.push(event({ ts: T0 + d * DAY + h * HOUR, category: 'host', action: 'usb_connect', host: 'WS-1' }));
  all.sort((a, b) => a.ts - b.ts);
  for (const e of all) observeEvent(p, e);
  return p;
}

/** alice's routine, plus logons on other devices on each of the last 25 weekdays: an administrator's spread. */
function administrator(): UserProfile {
  const days: Array<[number, number, string]> = [];
  for (let d = 6; d <= 41; d++) if (d % 7 < 5) for (const host of ['SRV-1', 'SRV-2', 'SRV-3']) days.push([d, 11, host]);
  return logonDays(-40, { logons: days });
}

const hrRecord = (status: 'TERMINATED' | 'NOTICE_GIVEN' | 'ACTIVE', effectiveDate: number): NormalizedEvent =>
  event({ ts: T1, category: 'iam', action: 'hr_update', outcome: 'unknown', hr: { userId: 'alice', status, effectiveDate } });
/** Night logons at 22:00 on four days of the last three weeks, and removable media on three. */
const RISE = { logons: [[29, 22], [32, 22], [36, 22], [39, 22]] as Array<[number, number]>, usb: [[32, 22], [36, 22], [39, 22]] as Array<[number, number]> };
const OWNERS = new Map([
  ['WS-BOB', { owner: 'bob', ownerCount: 380, total: 400, users: 3 }],
  ['PC-SHARED', { owner: 'carol', ownerCount: 100, total: 300, users: 9 }],
  ['WS-NEW', { owner: 'dave', ownerCount: 6, total: 6, users: 1 }],
]);

/** Logons to a new machine every weekday for 36 days. */
function administratorOfMany(): UserProfile {
  const days: Array<[number, number, string]> = [];
  for (let d = 6; d <= 41; d++) if (d % 7 < 5) days.push([d, 11, `SRV-${d}`]);
  return logonDays(-10, { logons: days });
}
const LEAVING = { status: 'TERMINATED' as const, effectiveDate: T1 + 10 * DAY };

export const CASES: Readonly<Record<string, IndicatorCases>> = {
  'first-asset-access': {
    trigger: {
      name: 'alice reaches FIN-DB-02, never used, and her activity rarely brings new assets',
      ctx: () => eventContext(usual({ ts: T1, asset: 'FIN-DB-02', app: 'crm' })),
    },
    quiet: [
      { name: 'CRM-DB-01, used daily', ctx: () => eventContext(usual({ ts: T1, asset: 'CRM-DB-01', app: 'crm' })) },
      {
        name: 'a brand-new profile: a first access is no surprise (p = 1/2)',
        ctx: () => eventContext(usual({ user: 'carol', ts: T1, asset: 'FIN-DB-02' }), { profile: createUserProfile('carol') }),
      },
    ],
  },
  'first-application-access': {
    trigger: { name: 'payroll, never used', ctx: () => eventContext(usual({ ts: T1, asset: 'CRM-DB-01', app: 'payroll' })) },
    quiet: [{ name: 'crm, used daily', ctx: () => eventContext(usual({ ts: T1, asset: 'CRM-DB-01', app: 'crm' })) }],
  },
  'first-device-access': {
    trigger: { name: 'a logon on WS-9', ctx: () => eventContext(logonAt(T1, { host: 'WS-9' })) },
    quiet: [{ name: 'a logon on WS-1', ctx: () => eventContext(logonAt(T1)) }],
  },
  'rare-asset-access': {
    trigger: { name: 'ARCHIVE-01, used once six weeks ago', ctx: () => eventContext(usual({ ts: T1, asset: 'ARCHIVE-01' })) },
    quiet: [{ name: 'CRM-DB-01', ctx: () => eventContext(usual({ ts: T1, asset: 'CRM-DB-01' })) }],
  },
  'rare-application-access': {
    trigger: { name: 'archive, used once six weeks ago', ctx: () => eventContext(usual({ ts: T1, app: 'archive' })) },
    quiet: [{ name: 'wiki', ctx: () => eventContext(usual({ ts: T1, app: 'wiki' })) }],
  },
  'rare-device-access': {
    trigger: { name: 'WS-OLD, used once six weeks ago', ctx: () => eventContext(logonAt(T1, { host: 'WS-OLD' })) },
    quiet: [{ name: 'WS-1', ctx: () => eventContext(logonAt(T1)) }],
  },
  'peer-unseen-asset': {
    trigger: {
      name: 'FIN-DB-02, which none of 14 peers has accessed',
      ctx: () => eventContext(usual({ ts: T1, asset: 'FIN-DB-02' }), { peerGroup: peerGroup() }),
      check: (f) => {
        if (f.evidence.peer?.degree !== 0.82) throw new Error('membership degree missing from the evidence');
      },
    },
    quiet: [
      { name: 'HR-DB-01, which 6 peers use', ctx: () => eventContext(usual({ ts: T1, asset: 'HR-DB-01' }), { peerGroup: peerGroup() }) },
      { name: 'no peer group known', ctx: () => eventContext(usual({ ts: T1, asset: 'FIN-DB-02' })) },
      { name: 'a group of 3 is too small', ctx: () => eventContext(usual({ ts: T1, asset: 'FIN-DB-02' }), { peerGroup: peerGroup({ size: 3 }) }) },
    ],
  },
  'peer-unseen-application': {
    trigger: { name: 'payroll, no peer uses it', ctx: () => eventContext(usual({ ts: T1, app: 'payroll' }), { peerGroup: peerGroup() }) },
    quiet: [{ name: 'workday, 7 peers use it', ctx: () => eventContext(usual({ ts: T1, app: 'workday' }), { peerGroup: peerGroup() }) }],
  },
  'peer-unseen-device': {
    trigger: {
      name: 'an unknown DESKTOP- machine',
      ctx: () => eventContext(logonAt(T1, { host: 'DESKTOP-7QX2M3K' }), { peerGroup: peerGroup() }),
    },
    quiet: [{ name: 'the shared kiosk 9 peers use', ctx: () => eventContext(logonAt(T1, { host: 'WS-SHARED' }), { peerGroup: peerGroup() }) }],
  },
  'peer-rare-asset': {
    trigger: {
      name: 'LEGAL-DB-01: 1 of 24 peers, (1+1)/(24+2) = 0.077',
      ctx: () => eventContext(usual({ ts: T1, asset: 'LEGAL-DB-01' }), { peerGroup: peerGroup({ size: 24 }) }),
    },
    quiet: [
      {
        name: 'HR-DB-01: 6 of 24 peers, 0.27',
        ctx: () => eventContext(usual({ ts: T1, asset: 'HR-DB-01' }), { peerGroup: peerGroup({ size: 24 }) }),
      },
    ],
  },
  'peer-rare-application': {
    trigger: {
      name: 'ediscovery: 1 of 24 peers',
      ctx: () => eventContext(usual({ ts: T1, app: 'ediscovery' }), { peerGroup: peerGroup({ size: 24 }) }),
    },
    quiet: [{ name: 'workday: 7 of 24 peers', ctx: () => eventContext(usual({ ts: T1, app: 'workday' }), { peerGroup: peerGroup({ size: 24 }) }) }],
  },
  'peer-download-outlier': {
    trigger: { name: '3 GB down; peers 50 MB', ctx: () => sessionContext(sessionWith([download(3e9)]), { peerGroup: peerGroup() }) },
    quiet: [{ name: '40 MB down', ctx: () => sessionContext(sessionWith([download(40e6)]), { peerGroup: peerGroup() }) }],
  },
  'peer-upload-outlier': {
    trigger: { name: '1.5 GB up; peers 2 MB', ctx: () => sessionContext(sessionWith([upload(1.5e9)]), { peerGroup: peerGroup() }) },
    quiet: [{ name: '2.5 MB up', ctx: () => sessionContext(sessionWith([upload(2e6)]), { peerGroup: peerGroup() }) }],
  },
  'peer-usb-copy-outlier': {
    trigger: { name: '30 files to USB; peers none', ctx: () => sessionContext(sessionWith(copies(30)), { peerGroup: peerGroup() }) },
    quiet: [{ name: '2 files, under minValue 5', ctx: () => sessionContext(sessionWith(copies(2)), { peerGroup: peerGroup() }) }],
  },
  'peer-external-email-outlier': {
    trigger: {
      name: '40 MB of attachments to gmail; peers none',
      ctx: () => sessionContext(sessionWith([mail('alice.private@gmail.com', 40e6)]), { peerGroup: peerGroup() }),
    },
    quiet: [
      {
        name: '1 MB external, under minValue 5 MB',
        ctx: () => sessionContext(sessionWith([mail('partner@globex.example.net', 1e6)]), { peerGroup: peerGroup() }),
      },
    ],
  },
  'unusual-hour': {
    trigger: { name: 'a logon at 03:00', ctx: () => eventContext(logonAt(T1 - 7 * HOUR)) },
    quiet: [
      { name: 'a logon at 09:00', ctx: () => eventContext(logonAt(T1 - HOUR)) },
      { name: 'activity at 03:00 that starts nothing', ctx: () => eventContext(usual({ ts: T1 - 7 * HOUR, asset: 'CRM-DB-01' })) },
    ],
  },
  'unusual-day': {
    trigger: { name: 'a logon on Sunday', ctx: () => eventContext(logonAt(T1 - DAY - HOUR)) },
    quiet: [{ name: 'a logon on Monday', ctx: () => eventContext(logonAt(T1 - HOUR)) }],
  },
  'new-country': {
    trigger: { name: 'from Japan', ctx: () => eventContext(logonAt(T1, { ...TOKYO, ip: '203.0.113.5' })) },
    quiet: [{ name: 'from the UK', ctx: () => eventContext(logonAt(T1)) }],
  },
  'new-city': {
    trigger: { name: 'from Manchester', ctx: () => eventContext(logonAt(T1, { ...MANCHESTER })) },
    quiet: [{ name: 'from London', ctx: () => eventContext(logonAt(T1, { ...LONDON })) }],
  },
  'new-source-network': {
    trigger: { name: 'from 203.0.113.0/24', ctx: () => eventContext(logonAt(T1, { ip: '203.0.113.5' })) },
    quiet: [
      { name: 'from the home network', ctx: () => eventContext(logonAt(T1, { ip: '81.2.69.77' })) },
      { name: 'from a private address', ctx: () => eventContext(logonAt(T1, { ip: '10.1.2.3' })) },
    ],
  },
  'impossible-travel': {
    trigger: {
      name: 'London, then Tokyo an hour later',
      ctx: () =>
        eventContext(logonAt(T1, { ...TOKYO, ip: '203.0.113.5', host: 'DESKTOP-7QX2M3K' }), {
          profile: aliceAfter([logonAt(T1 - HOUR)]),
        }),
    },
    quiet: [
      {
        name: 'London, then Tokyo 14 hours later (680 km/h)',
        ctx: () => eventContext(logonAt(T1 + 13 * HOUR, { ...TOKYO }), { profile: aliceAfter([logonAt(T1 - HOUR)]) }),
      },
      {
        name: 'London, then Reading 5 minutes later: 62 km, under the distance floor',
        ctx: () => eventContext(logonAt(T1 + 5 * MIN, { ...READING }), { profile: aliceAfter([logonAt(T1)]) }),
      },
    ],
  },
  'download-volume-outlier': {
    trigger: { name: '2 GB down in a session; usually ~55 MB', ctx: () => sessionContext(sessionWith([download(2e9)])) },
    quiet: [{ name: 'a usual session', ctx: () => sessionContext(sessionWith([download(30e6)])) }],
  },
  'upload-volume-outlier': {
    trigger: { name: '1.5 GB up; usually ~1.7 MB', ctx: () => sessionContext(sessionWith([upload(1.5e9)])) },
    quiet: [{ name: '1 MB up', ctx: () => sessionContext(sessionWith([upload(1e6)])) }],
  },
  'usb-copy-outlier': {
    trigger: { name: '25 files to USB; never before', ctx: () => sessionContext(sessionWith(copies(25))) },
    quiet: [
      { name: '2 files, under minValue 3', ctx: () => sessionContext(sessionWith(copies(2))) },
      { name: 'no copies', ctx: () => sessionContext(sessionWith([])) },
    ],
  },
  'external-email-attachment-outlier': {
    trigger: { name: '40 MB of attachments to gmail', ctx: () => sessionContext(sessionWith([mail('alice.private@gmail.com', 40e6)])) },
    quiet: [
      { name: '40 MB to a colleague (internal)', ctx: () => sessionContext(sessionWith([mail('bob@corp.example', 40e6)])) },
      { name: '60 kB to a partner, under minValue', ctx: () => sessionContext(sessionWith([mail('ap@globex.example.net', 60_000)])) },
    ],
  },
  'failed-logon-burst': {
    trigger: {
      name: 'the fifth failure within the hour',
      ctx: () => eventContext(logonAt(T1, { outcome: 'failure', ip: '203.0.113.50' }), { profile: aliceAfter(failures(4)) }),
    },
    quiet: [
      { name: 'a second failure', ctx: () => eventContext(logonAt(T1, { outcome: 'failure' }), { profile: aliceAfter(failures(1)) }) },
      {
        name: 'the sixth failure: the burst was reported at the fifth',
        ctx: () => eventContext(logonAt(T1, { outcome: 'failure' }), { profile: aliceAfter(failures(5)) }),
      },
    ],
  },
  'success-after-failed-burst': {
    trigger: { name: 'success after 8 failures', ctx: () => eventContext(logonAt(T1, { ip: '203.0.113.50' }), { profile: aliceAfter(failures(8)) }) },
    quiet: [{ name: 'success after one mistyped password', ctx: () => eventContext(logonAt(T1), { profile: aliceAfter(failures(1)) }) }],
  },
  'lateral-movement-burst': {
    trigger: {
      name: '20 servers by remote logon within minutes, a third refused',
      ctx: () =>
        sessionContext(
          sessionWith(
            Array.from({ length: 20 }, (_, i) =>
              usual({ ts: T1 + i * 20_000, action: 'remote_logon', asset: `SRV-${i}`, outcome: i % 3 === 0 ? 'failure' : 'success' }),
            ),
          ),
        ),
    },
    quiet: [{ name: 'a usual session (2 assets)', ctx: () => sessionContext(sessionWith([])) }],
  },
  'novel-asset-burst': {
    trigger: {
      name: 'eight servers new to her among twenty reached in one session',
      ctx: () =>
        sessionContext(sessionWith(Array.from({ length: 20 }, (_, i) => usual({ ts: T1 + i * 60_000, asset: `SRV-${i}` }))), {
          sessionFindings: novelViews(8, 0.02),
        }),
    },
    quiet: [
      {
        name: 'two new servers in a session',
        ctx: () =>
          sessionContext(sessionWith(Array.from({ length: 20 }, (_, i) => usual({ ts: T1 + i * 60_000, asset: `SRV-${i}` }))), {
            sessionFindings: novelViews(2, 0.02),
          }),
      },
      {
        name: 'six new servers for a user who explores a third of the time',
        ctx: () =>
          sessionContext(sessionWith(Array.from({ length: 20 }, (_, i) => usual({ ts: T1 + i * 60_000, asset: `SRV-${i}` }))), {
            sessionFindings: novelViews(6, 0.3),
          }),
      },
      { name: 'no findings in the session', ctx: () => sessionContext(sessionWith([])) },
    ],
  },
  'threat-intel-ip': {
    trigger: {
      name: 'a logon from a listed address',
      ctx: () =>
        eventContext(logonAt(T1, { ip: '198.51.100.7' }), { threatIntel: { ips: new Set(['198.51.100.7']), domains: new Set() } }),
    },
    quiet: [
      {
        name: 'an unlisted address',
        ctx: () => eventContext(logonAt(T1), { threatIntel: { ips: new Set(['198.51.100.7']), domains: new Set() } }),
      },
    ],
  },
  'threat-intel-domain': {
    trigger: {
      name: 'a subdomain of a listed domain',
      ctx: () =>
        eventContext(usual({ ts: T1, category: 'web', action: 'http_request', domain: 'cdn.evil-updates.example' }), {
          threatIntel: { ips: new Set(), domains: new Set(['evil-updates.example']) },
        }),
    },
    quiet: [
      {
        name: 'google.com',
        ctx: () =>
          eventContext(usual({ ts: T1, category: 'web', action: 'http_request', domain: 'google.com' }), {
            threatIntel: { ips: new Set(), domains: new Set(['evil-updates.example']) },
          }),
      },
    ],
  },
  'malware-on-device': {
    trigger: {
      name: 'WS-1, malware found yesterday',
      ctx: () => eventContext(logonAt(T1), { malwareDevices: new Map([['WS-1', { malwareAt: T1 - DAY, signature: 'Trojan.Agent' }]]) }),
    },
    quiet: [
      {
        name: 'WS-1, malware found 40 days ago (beyond validDays 30)',
        ctx: () => eventContext(logonAt(T1), { malwareDevices: new Map([['WS-1', { malwareAt: T1 - 40 * DAY, signature: null }]]) }),
      },
      {
        name: 'another device has malware',
        ctx: () => eventContext(logonAt(T1), { malwareDevices: new Map([['WS-2', { malwareAt: T1 - DAY, signature: null }]]) }),
      },
    ],
  },
  'dga-domain': {
    trigger: {
      name: 'xjqnxnulajhhnz6d.top',
      ctx: () => eventContext(usual({ ts: T1, category: 'web', action: 'http_request', domain: 'xjqnxnulajhhnz6d.top' })),
    },
    quiet: [
      {
        name: 'stackoverflow.com',
        ctx: () => eventContext(usual({ ts: T1, category: 'web', action: 'http_request', domain: 'stackoverflow.com' })),
      },
      {
        name: 'krzysztof.pl: unlike English, but not random-looking',
        ctx: () => eventContext(usual({ ts: T1, category: 'web', action: 'http_request', domain: 'krzysztof.pl' })),
      },
    ],
  },
  'service-account-interactive': {
    trigger: {
      name: 'svc-etl browses the web',
      ctx: () =>
        eventContext(event({ user: 'svc-etl', ts: T1, category: 'web', action: 'http_request', domain: 'pastebin.com', host: 'WS-0042' }), {
          profile: serviceAccount(),
        }),
    },
    quiet: [
      {
        name: 'svc-etl logs on to its own server',
        ctx: () =>
          eventContext(event({ user: 'svc-etl', ts: T1, category: 'authentication', action: 'logon', host: 'FIN-APP-01' }), {
            profile: serviceAccount(),
          }),
      },
      {
        name: 'alice (a person) browses the web',
        ctx: () => eventContext(usual({ ts: T1, category: 'web', action: 'http_request', domain: 'pastebin.com' })),
      },
    ],
  },
  'privileged-account-interactive': {
    trigger: {
      name: 'adm-jdoe browses the web',
      ctx: () =>
        eventContext(event({ user: 'adm-jdoe', ts: T1, category: 'web', action: 'http_request', domain: 'news.example', host: 'WS-7' }), {
          profile: createUserProfile('adm-jdoe'),
        }),
    },
    quiet: [
      {
        name: 'adm-jdoe logs on to a domain controller',
        ctx: () =>
          eventContext(event({ user: 'adm-jdoe', ts: T1, action: 'remote_logon', asset: 'ITO-DC-01', host: 'ITO-JUMP-01' }), {
            profile: createUserProfile('adm-jdoe'),
          }),
      },
    ],
  },
  'departing-employee-activity': {
    trigger: {
      name: 'notice given three days ago; 20 files to USB',
      ctx: () => sessionContext(sessionWith(copies(20)), { hr: NOTICE }),
    },
    quiet: [
      { name: 'an active employee copying 20 files', ctx: () => sessionContext(sessionWith(copies(20)), { hr: { status: 'ACTIVE' } }) },
      { name: 'notice given, an ordinary session', ctx: () => sessionContext(sessionWith([]), { hr: NOTICE }) },
    ],
  },
  'activity-after-termination': {
    trigger: {
      name: 'a VPN logon two days after the last day',
      ctx: () => eventContext(usual({ ts: T1, category: 'session', action: 'vpn_connect', ip: '203.0.113.9' }), { hr: TERMINATED }),
    },
    quiet: [
      {
        name: 'activity during the last day',
        ctx: () => eventContext(logonAt(T0 + 40 * DAY + 15 * HOUR), { hr: TERMINATED }),
      },
      { name: 'an active employee', ctx: () => eventContext(logonAt(T1), { hr: { status: 'ACTIVE' } }) },
    ],
  },
  ...PRIVILEGED_CASES,
  'new-start-hour-band': {
    trigger: { name: 'a logon at 03:00 by someone who starts at 09:00', ctx: () => eventContext(logonAt(T1 - 7 * HOUR)) },
    quiet: [
      { name: 'a logon at 08:30', ctx: () => eventContext(logonAt(T1 - 90 * MIN)) },
      {
        name: 'a second start in the band the same night',
        ctx: () => eventContext(logonAt(T1 - 7 * HOUR), { profile: aliceAfter([logonAt(T1 - 7 * HOUR - 40 * MIN)]) }),
      },
      { name: 'a logon at 03:00 with 10 active days known', ctx: () => eventContext(logonAt(T1 - 7 * HOUR), { profile: logonDays(28) }) },
    ],
  },
  'weekend-work': {
    trigger: { name: 'a logon on Sunday by a weekday worker', ctx: () => eventContext(logonAt(T1 - DAY - HOUR)) },
    quiet: [
      { name: 'a logon on Monday', ctx: () => eventContext(logonAt(T1 - HOUR)) },
      {
        name: 'a second start on the same Sunday',
        ctx: () => eventContext(logonAt(T1 - DAY - HOUR), { profile: aliceAfter([logonAt(T1 - DAY - 2 * HOUR)]) }),
      },
    ],
  },
  'after-hours-onset': {
    trigger: {
      name: 'a third night start within two weeks by someone who never worked nights',
      ctx: () => eventContext(logonAt(T1 - 7 * HOUR), { profile: logonDays(-30, { logons: [[38, 22], [39, 22]] }) }),
    },
    quiet: [
      {
        name: 'a single night start in 60 days',
        ctx: () => eventContext(logonAt(T1 - 7 * HOUR), { profile: logonDays(-30) }),
      },
      { name: 'a logon at 09:00 after two night starts', ctx: () => eventContext(logonAt(T1 - HOUR), { profile: logonDays(-30, { logons: [[38, 22], [39, 22]] }) }) },
      {
        name: 'a night start by someone who works nights every week',
        ctx: () =>
          eventContext(logonAt(T1 - 2 * HOUR - 8 * HOUR - 30 * MIN + DAY), {
            profile: logonDays(-30, { logons: Array.from({ length: 30 }, (_, i): [number, number] => [-28 + i * 2 + ((i * 2 - 28) % 7 >= 5 ? 1 : 0), 23]) }),
          }),
      },
    ],
  },
  'device-velocity': {
    trigger: {
      name: 'a third device in a day by someone who uses one',
      ctx: () => eventContext(logonAt(T1, { host: 'WS-3' }), { profile: aliceAfter([logonAt(T1 - HOUR), logonAt(T1 - 30 * MIN, { host: 'WS-2' })]) }),
    },
    quiet: [
      { name: 'a second device', ctx: () => eventContext(logonAt(T1, { host: 'WS-2' }), { profile: aliceAfter([logonAt(T1 - HOUR)]) }) },
      {
        name: 'a fourth device by an administrator who reaches four a day',
        ctx: () =>
          eventContext(logonAt(T1 + HOUR, { host: 'SRV-9' }), {
            profile: (() => {
              const p = administrator();
              for (const host of ['WS-1', 'SRV-1', 'SRV-2']) observeEvent(p, logonAt(T1 - HOUR, { host }));
              return p;
            })(),
          }),
      },
    ],
  },
  'pre-departure-rise': {
    trigger: {
      name: 'a departure revealed after weeks of night work and removable media',
      ctx: () => eventContext(hrRecord('TERMINATED', LEAVING.effectiveDate), { profile: logonDays(-60, RISE), hr: LEAVING }),
    },
    quiet: [
      {
        name: 'a departure after ordinary weeks',
        ctx: () => eventContext(hrRecord('TERMINATED', LEAVING.effectiveDate), { profile: logonDays(-60), hr: LEAVING }),
      },
      {
        name: 'the same rise without a departure',
        ctx: () => eventContext(logonAt(T1 + 12 * HOUR), { profile: logonDays(-60, RISE), hr: { status: 'ACTIVE' } }),
      },
      {
        name: 'an HR record that is no departure',
        ctx: () => eventContext(hrRecord('ACTIVE', T1), { profile: logonDays(-60, RISE), hr: { status: 'ACTIVE' } }),
      },
    ],
  },
  'departure-window': {
    trigger: {
      name: 'a termination record for a user active every weekday of the last weeks',
      ctx: () => eventContext(hrRecord('TERMINATED', LEAVING.effectiveDate), { profile: logonDays(-60), hr: LEAVING }),
      check: (f) => {
        expect(f.anchorScore).toBe(10);
        expect(f.learning).toBe(false);
        // Weekdays from day 12 (T1's day 42 less 30) to day 41: 20 active days.
        expect(f.evidence.facts).toMatchObject({ departure: LEAVING.effectiveDate, activeDays: 20, windowDays: 30 });
        expect(f.reason).toContain(new Date(LEAVING.effectiveDate).toISOString().slice(0, 10));
      },
    },
    quiet: [
      {
        name: 'a termination record for an account idle for the last 30 days',
        ctx: () => eventContext(hrRecord('TERMINATED', LEAVING.effectiveDate), { profile: logonDays(-60, {}, 11), hr: LEAVING }),
      },
      {
        name: 'a termination recorded two months after the last day',
        ctx: () => eventContext(hrRecord('TERMINATED', T1 - 60 * DAY), { profile: logonDays(-60), hr: { status: 'TERMINATED', effectiveDate: T1 - 60 * DAY } }),
      },
      {
        name: 'an HR record that is no departure',
        ctx: () => eventContext(hrRecord('ACTIVE', T1), { profile: logonDays(-60), hr: { status: 'ACTIVE' } }),
      },
      {
        name: 'a behaviour event of a departing user (the prior is carried by the HR record alone)',
        ctx: () => eventContext(logonAt(T1 + 12 * HOUR), { profile: logonDays(-60), hr: LEAVING }),
      },
    ],
  },
  'other-users-device': {
    trigger: {
      name: "a logon to bob's workstation",
      ctx: () => eventContext(logonAt(T1, { host: 'WS-BOB' }), { deviceOwners: OWNERS }),
      check: (f) => {
        expect(f.evidence.baseline).toMatchObject({ kind: 'device-owner', owner: 'bob', ownerShare: 0.95, ownerCount: 380, users: 3, userCount: 0 });
        expect(f.evidence.facts['offHours']).toBe(false);
      },
    },
    quiet: [
      { name: 'a logon to her own workstation', ctx: () => eventContext(logonAt(T1, { host: 'WS-1' }), { deviceOwners: new Map([['WS-1', { owner: 'alice', ownerCount: 400, total: 410, users: 2 }]]) }) },
      { name: 'a logon to a shared PC (no user holds 60 %)', ctx: () => eventContext(logonAt(T1, { host: 'PC-SHARED' }), { deviceOwners: OWNERS }) },
      { name: "a logon to a device whose owner has few events", ctx: () => eventContext(logonAt(T1, { host: 'WS-NEW' }), { deviceOwners: OWNERS }) },
      {
        name: "a logon to bob's workstation at 14:00 by an administrator who keeps reaching new machines",
        ctx: () => eventContext(logonAt(T1 + 4 * HOUR, { host: 'WS-BOB' }), { deviceOwners: OWNERS, profile: administratorOfMany() }),
      },
    ],
  },
};
