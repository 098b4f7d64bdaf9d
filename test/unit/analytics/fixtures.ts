/**
 * Known-answer fixtures for profile and indicator tests: a routine user whose six weeks of
 * behaviour are fully specified here, contexts around it, and peer groups.
 *
 * alice (London, UTC, workstation WS-1, home network 81.2.69.0/24) works every weekday from
 * 2024-03-04 (a Monday) for six weeks: a logon at 09:00 (on every fifth day one mistyped
 * password at 08:58 first), eight accesses to CRM-DB-01 / FILES-01 / WIKI-01 through the crm,
 * files and wiki applications (5–8 MB down, 200 kB up each), three web requests (google.com,
 * bbc.co.uk, salesforce.com), one internal mail with a 50 kB attachment, a logoff at 17:00.
 * On the first day only she also used ARCHIVE-01 through the archive application from the old
 * workstation WS-OLD: rare ever since. Her baseline is mature at T1.
 */
import type { NormalizedEvent } from '../../../src/events/event.ts';
import { entityKey } from '../../../src/analytics/entities.ts';
import {
  createUserProfile,
  observeEvent,
  observeSession,
  takeSessionFeatures,
  type UserProfile,
} from '../../../src/analytics/profiles/user-profile.ts';
import { deserialize, serialize } from '../../../src/analytics/profiles/profile.codec.ts';
import { createSessionFeatures, addToSessionFeatures, type SessionFeatures } from '../../../src/analytics/profiles/session-features.ts';
import {
  DATA_SOURCES,
  type DataSource,
  type EventContext,
  type PeerGroupSummary,
  type SessionContext,
} from '../../../src/analytics/indicators/context.ts';

export const MIN = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;
/** Monday 2024-03-04 00:00 UTC: the routine's first day. */
export const T0 = Date.UTC(2024, 2, 4);
/** Monday 2024-04-15 10:00 UTC, six weeks on: when the test behaviour happens. */
export const T1 = T0 + 42 * DAY + 10 * HOUR;

export const ALL_SOURCES: ReadonlySet<DataSource> = new Set(DATA_SOURCES);
export const INTERNAL_DOMAINS = ['corp.example'] as const;

export const LONDON = { country: 'GB', city: 'London', lat: 51.5074, lon: -0.1278 } as const;
export const READING = { country: 'GB', city: 'Reading', lat: 51.4543, lon: -0.9781 } as const;
export const MANCHESTER = { country: 'GB', city: 'Manchester', lat: 53.4808, lon: -2.2426 } as const;
export const TOKYO = { country: 'JP', city: 'Tokyo', lat: 35.6762, lon: 139.6503 } as const;

let counter = 0;

/** An event of alice's by default; ids are unique within a test run. */
export function event(fields: Partial<NormalizedEvent> & { ts: number }): NormalizedEvent {
  counter += 1;
  return {
    id: `evt-${counter}`,
    category: 'network',
    action: 'app_access',
    outcome: 'success',
    user: 'alice',
    ...fields,
  };
}

/** An event from alice's usual place: her workstation, home network and London geo. */
export function usual(fields: Partial<NormalizedEvent> & { ts: number }): NormalizedEvent {
  return event({ host: 'WS-1', ip: '81.2.69.10', ...LONDON, ...fields });
}

const ASSETS = [
  ['CRM-DB-01', 'crm'],
  ['FILES-01', 'files'],
  ['WIKI-01', 'wiki'],
] as const;

/** The routine user's profile after `weeks` weeks (default 6), every session closed and folded. */
export function routineProfile(options: { user?: string; weeks?: number } = {}): UserProfile {
  const user = options.user ?? 'alice';
  const profile = createUserProfile(user);
  const weeks = options.weeks ?? 6;
  for (let d = 0; d < weeks * 7; d++) {
    if (d % 7 >= 5) continue; // weekends
    const day = T0 + d * DAY;
    const at = (h: number, m: number): number => day + h * HOUR + m * MIN;
    const sessionId = `${user}-s${d}`;
    const learn = (fields: Partial<NormalizedEvent> & { ts: number }): void => {
      observeEvent(profile, usual({ user, ...fields }), { sessionId, internalDomains: INTERNAL_DOMAINS });
    };
    if (d % 5 === 2) learn({ ts: at(8, 58), category: 'authentication', action: 'logon', outcome: 'failure' });
    learn({ ts: at(9, 0), category: 'authentication', action: 'logon' });
    for (let k = 0; k < 8; k++) {
      const [asset, app] = ASSETS[k % 3]!;
      learn({ ts: at(9, 10 + k * 30), asset, app, bytesIn: (5 + ((d + k) % 4)) * 1e6, bytesOut: 200_000 });
    }
    ['google.com', 'bbc.co.uk', 'salesforce.com'].forEach((domain, i) => {
      learn({ ts: at(13 + i, 0), category: 'web', action: 'http_request', domain, bytesIn: 1e6, bytesOut: 20_000 });
    });
    learn({
      ts: at(16, 0),
      category: 'email',
      action: 'email_send',
      emailTo: ['bob@corp.example'],
      attachments: 1,
      attachmentBytes: 50_000,
      bytesOut: 52_000,
    });
    if (d === 0) learn({ ts: at(10, 0), asset: 'ARCHIVE-01', app: 'archive', host: 'WS-OLD' });
    learn({ ts: at(17, 0), category: 'authentication', action: 'logoff' });
    const features = takeSessionFeatures(profile, sessionId);
    if (features !== null) observeSession(profile, features);
  }
  return profile;
}

/** A profile built once by `build` and handed out as a fresh copy each call (indicators' tests mutate profiles). */
export function builtOnce(build: () => UserProfile): () => UserProfile {
  let cached: string | null = null;
  return () => {
    if (cached === null) cached = JSON.stringify(serialize(build()));
    return deserialize(JSON.parse(cached));
  };
}

/** A fresh copy of the six-week routine profile (built once, cloned per use). */
export const alice = builtOnce(routineProfile);


/** An event-level context around `event` for `profile` (alice's routine by default). */
export function eventContext(evt: NormalizedEvent, extra: Partial<EventContext> = {}): EventContext {
  return {
    now: evt.ts + MIN,
    profile: extra.profile ?? alice(),
    mode: 'enforcement',
    seenSources: ALL_SOURCES,
    internalDomains: INTERNAL_DOMAINS,
    event: evt,
    sessionId: 'alice-s42',
    ...extra,
  };
}

/** Session features built from events, as the profile would accumulate them. */
export function features(events: readonly NormalizedEvent[], sessionId = 'alice-s42'): SessionFeatures {
  const f = createSessionFeatures(sessionId, events[0]?.ts ?? T1);
  for (const e of events) addToSessionFeatures(f, e, INTERNAL_DOMAINS);
  return f;
}

/** A session-level context for a session made of `events`. */
export function sessionContext(events: readonly NormalizedEvent[], extra: Partial<SessionContext> = {}): SessionContext {
  const f = features(events);
  return {
    now: f.last + MIN,
    profile: extra.profile ?? alice(),
    mode: 'enforcement',
    seenSources: ALL_SOURCES,
    internalDomains: INTERNAL_DOMAINS,
    session: { id: f.sessionId, user: events[0]?.user ?? 'alice', start: f.start, lastTs: f.last, end: f.last, eventCount: f.events, failures: f.failures },
    features: f,
    ...extra,
  };
}

/** A usual working session on T1's day, with extra events mixed in. */
export function sessionWith(extra: readonly NormalizedEvent[]): NormalizedEvent[] {
  return [
    usual({ ts: T1 - HOUR, category: 'authentication', action: 'logon' }),
    usual({ ts: T1 - 50 * MIN, asset: 'CRM-DB-01', app: 'crm', bytesIn: 6e6, bytesOut: 200_000 }),
    usual({ ts: T1 - 40 * MIN, asset: 'FILES-01', app: 'files', bytesIn: 5e6, bytesOut: 200_000 }),
    ...extra,
    usual({ ts: T1 + 5 * HOUR, category: 'authentication', action: 'logoff' }),
  ];
}

/**
 * alice's behaviour peer group: 14 peers who use CRM-DB-01, FILES-01 and WIKI-01 and their
 * applications; FIN-DB-02 and payroll are nobody's; LEGAL-DB-01 and ediscovery one peer's
 * (rare), HR-DB-01 six peers' (not rare). Peers' sessions download 50 MB and upload 2 MB.
 */
export function peerGroup(overrides: Partial<PeerGroupSummary> = {}): PeerGroupSummary {
  const accessedBy = new Map<string, number>([
    [entityKey({ type: 'Asset', id: 'CRM-DB-01' }), 14],
    [entityKey({ type: 'Asset', id: 'FILES-01' }), 13],
    [entityKey({ type: 'Asset', id: 'WIKI-01' }), 14],
    [entityKey({ type: 'Asset', id: 'LEGAL-DB-01' }), 1],
    [entityKey({ type: 'Asset', id: 'HR-DB-01' }), 6],
    [entityKey({ type: 'Application', id: 'crm' }), 14],
    [entityKey({ type: 'Application', id: 'ediscovery' }), 1],
    [entityKey({ type: 'Application', id: 'workday' }), 7],
    [entityKey({ type: 'Device', id: 'WS-SHARED' }), 9],
  ]);
  return {
    groupId: 'pg-7',
    name: 'sales-operations',
    kind: 'behaviour',
    degree: 0.82,
    size: 14,
    accessedBy,
    features: {
      'bytes-in': { median: 50e6, mad: 15e6, peers: 14 },
      'bytes-out': { median: 2e6, mad: 0.8e6, peers: 14 },
      'usb-files': { median: 0, mad: 0, peers: 14 },
      'external-attachment-bytes': { median: 0, mad: 0, peers: 14 },
    },
    ...overrides,
  };
}
