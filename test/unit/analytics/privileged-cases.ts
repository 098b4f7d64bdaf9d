/**
 * Known-answer fixtures of the privileged-access indicators (and the service account's first
 * interactive use), spread into indicator-cases.ts's CASES.
 *
 * rhale is a database administrator (London, UTC, jump host ITO-JUMP-01) who works every
 * weekday from 2024-03-04 for six weeks: a logon at 09:00, then over SSH to DB-PROD-01 four
 * commands — `systemctl status postgresql`, `df -h`, `sudo -i`, `tail -n 100 /var/log/postgresql/main.log`
 * (classes normal-admin and privilege-escalation) — and two vault checkouts, `prod/db/app-ro`
 * and `prod/db/backup`; on the first day only also `prod/db/migrations`. A logoff at 17:00.
 * Her peers (12, 'database-admins'): every one checks out prod/db/app-ro, 3 prod/db/replica,
 * nobody prod/payments/db-root; every one runs normal-admin and privilege-escalation commands,
 * 8 run recon commands, 1 account management.
 */
import { entityKey } from '../../../src/analytics/entities.ts';
import type { PeerGroupSummary, SessionContext } from '../../../src/analytics/indicators/context.ts';
import type { NormalizedEvent } from '../../../src/events/event.ts';
import {
  createUserProfile,
  observeEvent,
  observeSession,
  takeSessionFeatures,
  type UserProfile,
} from '../../../src/analytics/profiles/user-profile.ts';
import { ALL_SOURCES, builtOnce, DAY, event, eventContext, HOUR, INTERNAL_DOMAINS, MIN, T0, T1 } from './fixtures.ts';
import type { IndicatorCases } from './indicator-cases.ts';

const ROUTINE_COMMANDS = ['systemctl status postgresql', 'df -h', 'sudo -i', 'tail -n 100 /var/log/postgresql/main.log'] as const;
const ROUTINE_SECRETS = ['prod/db/app-ro', 'prod/db/backup'] as const;

/** An event of rhale's over SSH from her jump host. */
function rhale(fields: Partial<NormalizedEvent> & { ts: number }): NormalizedEvent {
  return event({ user: 'rhale', host: 'ITO-JUMP-01', ip: '10.20.0.5', ...fields });
}
const command = (ts: number, line: string, extra: Partial<NormalizedEvent> = {}): NormalizedEvent =>
  rhale({ ts, category: 'process', action: 'command', command: line, interactive: true, protocol: 'ssh', asset: 'DB-PROD-01', ...extra });
const checkout = (ts: number, secret: string): NormalizedEvent =>
  rhale({ ts, category: 'iam', action: 'secret_access', secretId: secret, app: 'vault' });

function buildAdmin(): UserProfile {
  const profile = createUserProfile('rhale');
  for (let d = 0; d < 42; d++) {
    if (d % 7 >= 5) continue;
    const at = (h: number, m: number): number => T0 + d * DAY + h * HOUR + m * MIN;
    const sessionId = `rhale-s${d}`;
    const learn = (e: NormalizedEvent): void => {
      observeEvent(profile, e, { sessionId, internalDomains: INTERNAL_DOMAINS });
    };
    learn(rhale({ ts: at(9, 0), category: 'authentication', action: 'logon' }));
    ROUTINE_COMMANDS.forEach((line, i) => learn(command(at(10 + i, 0), line)));
    ROUTINE_SECRETS.forEach((secret, i) => learn(checkout(at(11, 30 + i), secret)));
    if (d === 0) learn(checkout(at(12, 0), 'prod/db/migrations'));
    learn(rhale({ ts: at(17, 0), category: 'authentication', action: 'logoff' }));
    const features = takeSessionFeatures(profile, sessionId);
    if (features !== null) observeSession(profile, features);
  }
  return profile;
}

/** A fresh copy of rhale's six-week profile. */
export const admin = builtOnce(buildAdmin);

export function adminPeers(overrides: Partial<PeerGroupSummary> = {}): PeerGroupSummary {
  return {
    groupId: 'pg-dba',
    name: 'database-admins',
    kind: 'behaviour',
    degree: 0.9,
    size: 12,
    accessedBy: new Map([
      [entityKey({ type: 'Asset', id: 'prod/db/app-ro' }), 12],
      [entityKey({ type: 'Asset', id: 'prod/db/replica' }), 3],
      [entityKey({ type: 'Asset', id: 'DB-PROD-01' }), 12],
    ]),
    features: {},
    commandClasses: new Map([
      ['normal-admin', 12],
      ['privilege-escalation', 12],
      ['recon', 8],
      ['account-management', 1],
    ]),
    ...overrides,
  };
}

const adminContext = (e: NormalizedEvent, extra: Parameters<typeof eventContext>[1] = {}) =>
  eventContext(e, { profile: admin(), peerGroup: adminPeers(), sessionId: 'rhale-s42', ...extra });

/** A session of rhale's on T1's day: the events are learnt (as the pipeline does) and the session's features taken. */
function adminSession(extra: readonly NormalizedEvent[], peerGroup: PeerGroupSummary | null = adminPeers()): SessionContext {
  const profile = admin();
  const sessionId = 'rhale-s42';
  const events = [
    rhale({ ts: T1 - HOUR, category: 'authentication', action: 'logon' }),
    command(T1 - 50 * MIN, 'df -h'),
    checkout(T1 - 40 * MIN, 'prod/db/app-ro'),
    ...extra,
    rhale({ ts: T1 + 5 * HOUR, category: 'authentication', action: 'logoff' }),
  ];
  for (const e of events) observeEvent(profile, e, { sessionId, internalDomains: INTERNAL_DOMAINS });
  const features = takeSessionFeatures(profile, sessionId)!;
  return {
    now: features.last + MIN,
    profile,
    mode: 'enforcement',
    seenSources: ALL_SOURCES,
    internalDomains: INTERNAL_DOMAINS,
    peerGroup,
    session: { id: sessionId, user: 'rhale', start: features.start, lastTs: features.last, end: features.last, eventCount: features.events, failures: 0 },
    features,
  };
}

/** svc-etl: a batch account that logged on to FIN-APP-01 and queried FIN-DB-01 at 02:00 for 30 days, never interactively. */
function batchAccount(extra: readonly NormalizedEvent[] = []): UserProfile {
  const p = createUserProfile('svc-etl');
  for (let d = 0; d < 30; d++) {
    const ts = T0 + d * DAY + 2 * HOUR;
    observeEvent(p, event({ user: 'svc-etl', ts, category: 'authentication', action: 'logon', host: 'FIN-APP-01' }));
    observeEvent(p, event({ user: 'svc-etl', ts: ts + MIN, asset: 'FIN-DB-01', app: 'mssql', host: 'FIN-APP-01' }));
  }
  for (const e of extra) observeEvent(p, e);
  return p;
}
const rdpLogon = (ts: number): NormalizedEvent =>
  event({ user: 'svc-etl', ts, category: 'authentication', action: 'remote_logon', protocol: 'rdp', host: 'WS-0042', asset: 'FIN-APP-01' });

export const PRIVILEGED_CASES: Readonly<Record<string, IndicatorCases>> = {
  'risky-command': {
    trigger: {
      name: 'rhale reads /etc/shadow on DB-PROD-01',
      ctx: () => adminContext(command(T1, 'sudo cat /etc/shadow')),
      check: (f) => {
        if (f.evidence.facts['commandClass'] !== 'credential-dumping') throw new Error(`class ${String(f.evidence.facts['commandClass'])}`);
        if (!f.reason.startsWith('credential dumping')) throw new Error(f.reason);
        if (!f.reason.includes('never ran one before')) throw new Error(f.reason);
      },
    },
    quiet: [
      { name: 'systemctl status postgresql, her routine', ctx: () => adminContext(command(T1, 'systemctl status postgresql')) },
      { name: 'sudo -i: privilege escalation is not risky by itself', ctx: () => adminContext(command(T1, 'sudo -i')) },
      { name: 'a vault checkout, no command', ctx: () => adminContext(checkout(T1, 'prod/db/app-ro')) },
    ],
  },
  'new-command-class': {
    trigger: {
      name: 'rhale creates an account, which she never did and 1 of 12 peers does',
      ctx: () => adminContext(command(T1, 'useradd -m -s /bin/bash support2')),
      check: (f) => {
        if (f.evidence.facts['commandClass'] !== 'account-management' || f.evidence.facts['peersUsed'] !== 1) throw new Error(JSON.stringify(f.evidence.facts));
        if (!f.reason.includes("1 of 12 peers in 'database-admins' has run one")) throw new Error(f.reason);
        if (f.evidence.test.kind !== 'p-value' || !(f.evidence.test.pValue < 0.05)) throw new Error('p-value');
      },
    },
    quiet: [
      { name: 'df -h, a class she runs daily', ctx: () => adminContext(command(T1, 'df -h')) },
      { name: 'whoami /all: recon is new to her but 8 of 12 peers run it', ctx: () => adminContext(command(T1, 'whoami /all')) },
      {
        name: 'a brand-new profile: a new class is no surprise (p = 1/2)',
        ctx: () => adminContext(command(T1, 'useradd x'), { profile: createUserProfile('rhale') }),
      },
    ],
  },
  'unusual-secret-access': {
    trigger: {
      name: 'rhale checks out prod/payments/db-root, never hers and no peer’s',
      ctx: () => adminContext(checkout(T1, 'prod/payments/db-root')),
      check: (f) => {
        if (f.evidence.facts['testedAgainst'] !== 'peers' || f.evidence.facts['peersCheckedOut'] !== 0) throw new Error(JSON.stringify(f.evidence.facts));
        // (0 + 1) / (12 + 2)
        if (f.evidence.test.kind !== 'p-value' || Math.abs(f.evidence.test.pValue - 1 / 14) > 1e-12) throw new Error('p-value');
      },
    },
    quiet: [
      { name: 'prod/db/app-ro, checked out daily', ctx: () => adminContext(checkout(T1, 'prod/db/app-ro')) },
      { name: 'prod/db/replica: new to her, but 3 of 12 peers check it out ((3+1)/14 > 0.1)', ctx: () => adminContext(checkout(T1, 'prod/db/replica')) },
      {
        name: 'a user with no checkout history (novelty 1/2)',
        ctx: () => adminContext(checkout(T1, 'prod/payments/db-root'), { profile: createUserProfile('rhale') }),
      },
    ],
  },
  'secret-checkout-unusual-hour': {
    trigger: {
      name: 'rhale, never active before 09:00, checks out prod/db/backup at 03:10',
      ctx: () => adminContext(checkout(T1 - 7 * HOUR + 10 * MIN, 'prod/db/backup')),
      check: (f) => {
        if (f.evidence.facts['hour'] !== 3 || !f.reason.startsWith('secret prod/db/backup checked out at 03:10 local time')) throw new Error(f.reason);
      },
    },
    quiet: [
      { name: 'the same secret at 11:30, her checkout time', ctx: () => adminContext(checkout(T1 + 90 * MIN, 'prod/db/backup')) },
      { name: 'a command at 03:10 (not a checkout)', ctx: () => adminContext(command(T1 - 7 * HOUR + 10 * MIN, 'df -h')) },
    ],
  },
  'secret-checkout-burst': {
    trigger: {
      name: 'five secrets new to rhale in one session',
      ctx: () => adminSession(['a', 'b', 'c', 'd', 'e'].map((x, i) => checkout(T1 + i * MIN, `prod/payments/${x}`))),
      check: (f) => {
        if (f.evidence.facts['novel'] !== 5 || f.evidence.facts['distinct'] !== 6) throw new Error(JSON.stringify(f.evidence.facts));
      },
    },
    quiet: [
      { name: 'her two routine secrets', ctx: () => adminSession([checkout(T1, 'prod/db/backup')]) },
      { name: 'one new secret', ctx: () => adminSession([checkout(T1, 'prod/db/replica')]) },
    ],
  },
  'service-account-first-interactive': {
    trigger: {
      name: 'svc-etl, 60 events and never interactive, opens an RDP desktop',
      ctx: () => eventContext(rdpLogon(T1), { profile: batchAccount() }),
      check: (f) => {
        if (f.evidence.facts['channel'] !== 'rdp' || f.evidence.facts['priorEvents'] !== 60) throw new Error(JSON.stringify(f.evidence.facts));
      },
    },
    quiet: [
      {
        name: 'svc-etl browsed the web once before: not the first interactive use',
        ctx: () =>
          eventContext(rdpLogon(T1), {
            profile: batchAccount([event({ user: 'svc-etl', ts: T1 - DAY, category: 'web', action: 'http_request', domain: 'example.org' })]),
          }),
      },
      {
        name: 'svc-etl runs a command without a terminal (automation)',
        ctx: () =>
          eventContext(event({ user: 'svc-etl', ts: T1, category: 'process', action: 'command', command: 'rsync -a /data /backup', host: 'FIN-APP-01' }), {
            profile: batchAccount(),
          }),
      },
      {
        name: 'a service account with little history (10 events)',
        ctx: () => {
          const p = createUserProfile('svc-etl');
          for (let i = 0; i < 10; i++) observeEvent(p, event({ user: 'svc-etl', ts: T0 + i * HOUR, asset: 'FIN-DB-01' }));
          return eventContext(rdpLogon(T1), { profile: p });
        },
      },
      { name: 'rhale (a person) opens an RDP desktop', ctx: () => adminContext(rhale({ ts: T1, category: 'authentication', action: 'remote_logon', protocol: 'rdp' })) },
    ],
  },
};
