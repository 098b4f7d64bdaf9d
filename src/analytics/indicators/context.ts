/**
 * What the pipeline hands an indicator: the event or the closed session, the user's profile
 * *before* it learns from them, the user's peer group, HR status, threat intelligence, which
 * data sources have been seen, and the clock. Everything here is plain data; nothing is read
 * from a store.
 */
import type { EmploymentStatus, HrRecord, NormalizedEvent } from '../../events/event.ts';
import type { MaturityConfig, EnforcementMode } from '../maturity.ts';
import type { NumericFeature } from '../profiles/histogram.profile.ts';
import type { SessionFeatures } from '../profiles/session-features.ts';
import type { UserProfile } from '../profiles/user-profile.ts';
import type { Session } from '../sessionizer.ts';

/**
 * Kinds of data an indicator may need. An indicator is active only when every source it lists
 * has been seen (`IndicatorContext.seenSources`); `dataSourcesOf` tells what an event shows.
 * `network` is access to networked assets and applications (ECS `network`, remote logons, any
 * event naming a destination asset or a service, and web traffic, which carries bytes too).
 * `process` is command lines of privileged sessions (`process.command_line`), `vault` secret
 * checkouts (`secret_access`).
 */
export const DATA_SOURCES = [
  'authentication',
  'network',
  'web',
  'file',
  'email',
  'usb',
  'hr',
  'threat-intel',
  'malware',
  'geo',
  'process',
  'vault',
] as const;
export type DataSource = (typeof DATA_SOURCES)[number];

/** The data sources one event proves present. */
export function dataSourcesOf(event: NormalizedEvent): DataSource[] {
  const out = new Set<DataSource>();
  switch (event.category) {
    case 'authentication':
    case 'session':
      out.add('authentication');
      break;
    case 'network':
      out.add('network');
      break;
    case 'web':
      out.add('web').add('network');
      break;
    case 'file':
      out.add('file');
      if (event.action === 'file_copy') out.add('usb');
      break;
    case 'email':
      out.add('email');
      break;
    case 'host':
      if (event.action.startsWith('usb_')) out.add('usb');
      break;
    case 'malware':
      out.add('malware');
      break;
    case 'iam':
      if (event.hr !== undefined) out.add('hr');
      break;
  }
  if (event.asset !== undefined || event.app !== undefined) out.add('network');
  if (event.country !== undefined || event.lat !== undefined) out.add('geo');
  if (event.command !== undefined) out.add('process');
  if (event.secretId !== undefined) out.add('vault');
  return [...out].sort();
}

/** Adds the sources an event shows to a running set (the pipeline keeps one per deployment). */
export function noteSources(seen: Set<DataSource>, event: NormalizedEvent): void {
  for (const source of dataSourcesOf(event)) seen.add(source);
}

/** A user's peer group, as the peer-group job summarises it for indicators. */
export interface PeerGroupSummary {
  groupId: string;
  /** Human name, e.g. 'finance-analysts'; the id when absent. */
  name?: string;
  /** Behaviour groups come from clustering access vectors; organisation groups from HR. */
  kind: 'behaviour' | 'organisation';
  /** The user's degree of membership, 0–1. */
  degree: number;
  /** Peers in the group, the user excluded. */
  size: number;
  /**
   * Per entity key (`entityKey` of entities.ts: `Type\u0000id`), how many peers (the user
   * excluded) have accessed it. Complete for the group: an absent key means no peer has.
   */
  accessedBy: ReadonlyMap<string, number>;
  /** Per session feature: the median over peers of their typical session value, and its MAD (raw units). */
  features: Partial<Record<NumericFeature, PeerFeatureStats>>;
  /**
   * Per command class (privileged-access.ts), how many peers (the user excluded) have run one,
   * from their profile checkpoints. Complete when present: an absent class means no peer has.
   * Absent when unknown (no checkpoint carries command classes yet).
   */
  commandClasses?: ReadonlyMap<string, number>;
}

export interface PeerFeatureStats {
  median: number;
  /** Median absolute deviation from the median, raw units, unscaled. */
  mad: number;
  /** Peers the statistics come from. */
  peers: number;
}

/**
 * Median and MAD of the peers' typical session values (`typicalSessionValue` of each peer's
 * profile, the user excluded), as `PeerGroupSummary.features` wants them.
 */
export function summarisePeerFeature(values: readonly number[]): PeerFeatureStats {
  const med = (xs: readonly number[]): number => {
    const s = [...xs].sort((a, b) => a - b);
    const mid = s.length >> 1;
    return s.length === 0 ? 0 : s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  };
  const median = med(values);
  return { median, mad: med(values.map((x) => Math.abs(x - median))), peers: values.length };
}

/** HR status of the user (the latest HR record). Dates are epoch ms UTC (midnight of the day). */
export interface HrStatus extends Pick<HrRecord, 'effectiveDate' | 'lastDay' | 'title' | 'department' | 'manager'> {
  status: EmploymentStatus;
}

export interface ThreatIntel {
  /** Source and destination addresses, exact. */
  ips: ReadonlySet<string>;
  /** Domains, lower-case; a listed domain matches its subdomains too. */
  domains: ReadonlySet<string>;
}

/**
 * Who a device belongs to, as the population's history shows it: its dominant user (the most
 * events on it), their events, everyone's events on it, and how many users used it. Read from
 * the graph for the devices a batch touches.
 */
export interface DeviceOwnership {
  owner: string;
  ownerCount: number;
  total: number;
  users: number;
}

/**
 * How common places are in the population: users seen in each country and city (profile keys:
 * `CC`, `CC/City`) and users seen in any country. The new-country and new-city indicators use
 * it as the prior of which new place a user turns up in.
 */
export interface PlacePopulation {
  users: number;
  countries: ReadonlyMap<string, number>;
  cities: ReadonlyMap<string, number>;
}

/** A device with malware (the aggregator's DeviceFact minus the host, which is the map key). */
export interface MalwareFact {
  malwareAt: number;
  signature: string | null;
}

export const ACCOUNT_TYPES = ['human', 'privileged', 'service'] as const;
export type AccountType = (typeof ACCOUNT_TYPES)[number];

export interface AccountInfo {
  /**
   * `service`: a non-interactive account; `privileged`: a dedicated administrative account
   * (`adm-jdoe`, `jdoe-admin`), meant for administration only; `human`: a person's own account.
   */
  type: AccountType;
  /** Why: 'naming', 'hr-title', 'input'. */
  basis: string;
  /** A person whose role is privileged (e.g. a Systems Administrator by HR title), whatever the account. */
  privilegedRole: boolean;
}

const SERVICE_NAME = /^(svc|srv|service)[-_.]|[-_.](svc|service)$|\$(@|$)/i;
const ADMIN_NAME = /^(adm|admin|da|priv)[-_.]|[-_.](adm|admin|da)$/i;
const SERVICE_TITLE = /\bservice\b|\brunner\b|\bbot\b/i;
const PRIVILEGED_TITLE = /\b(system|systems|domain|database|network)\s+administrator\b|\bsysadmin\b|\bdba\b/i;

/**
 * Classifies an account from its name and HR title, when the pipeline has no explicit type:
 * `svc-…`, `…-svc` and machine accounts (`…$`) are service accounts, `adm-…` / `…-admin`
 * dedicated privileged accounts, and an HR title naming an administrator marks a privileged
 * role. A deployment with an account inventory passes `AccountInfo` instead.
 */
export function classifyAccount(user: string, hr?: Pick<HrStatus, 'title'> | null): AccountInfo {
  const title = hr?.title ?? '';
  const privilegedRole = PRIVILEGED_TITLE.test(title);
  if (SERVICE_NAME.test(user)) return { type: 'service', basis: 'naming', privilegedRole };
  if (title !== '' && SERVICE_TITLE.test(title)) return { type: 'service', basis: 'hr-title', privilegedRole };
  if (ADMIN_NAME.test(user)) return { type: 'privileged', basis: 'naming', privilegedRole: true };
  return { type: 'human', basis: privilegedRole ? 'hr-title' : 'naming', privilegedRole };
}

/** What a session-level evaluation needs of the sessionizer's Session. */
export type SessionSummary = Pick<Session, 'id' | 'user' | 'start' | 'lastTs' | 'end' | 'eventCount' | 'failures'>;

export interface IndicatorContextBase {
  /** The clock: when the evaluation runs, epoch ms (recorded on findings). */
  now: number;
  /** The user's profile before learning from this event or session. */
  profile: UserProfile;
  /** Global mode: in `learning` every finding is a learning finding. */
  mode: EnforcementMode;
  maturity?: Partial<MaturityConfig>;
  peerGroup?: PeerGroupSummary | null;
  hr?: HrStatus | null;
  /** Defaults to `classifyAccount(user, hr)`. */
  account?: AccountInfo;
  threatIntel?: ThreatIntel | null;
  /** Devices with malware, by host name. */
  malwareDevices?: ReadonlyMap<string, MalwareFact> | null;
  /** The organisation's mail domains: mail to any other domain is external. */
  internalDomains?: readonly string[];
  /** How common countries and cities are in the population (absent: not known). */
  placePopulation?: PlacePopulation | null;
  /** Ownership of the devices the events name, by host name (absent: not known). */
  deviceOwners?: ReadonlyMap<string, DeviceOwnership> | null;
  /** Data sources seen so far; indicators needing others are inactive. */
  seenSources: ReadonlySet<DataSource>;
}

export interface EventContext extends IndicatorContextBase {
  event: NormalizedEvent;
  /** The session the event belongs to, when sessionized. */
  sessionId?: string | null;
  /** True when this event opened its session (the sessionizer knows). */
  opensSession?: boolean;
}

/** A finding already made in the session, as session-level indicators may read it. */
export interface SessionFindingView {
  indicatorId: string;
  /** The observed value (e.g. the asset). */
  value: string | number | boolean | null;
  /** For first-access findings: the user's novelty rate the access was tested against. */
  noveltyRate: number | null;
  eventIds: readonly string[];
}

export interface SessionContext extends IndicatorContextBase {
  /** The session just closed. */
  session: SessionSummary;
  /** Its features (`takeSessionFeatures` on the profile). */
  features: SessionFeatures;
  /** Event-level findings made in the session so far (the pipeline keeps them). */
  sessionFindings?: readonly SessionFindingView[];
}

export type IndicatorContext = EventContext | SessionContext;

/** The context with the account resolved (evaluate.ts fills it in). */
export type Resolved<C extends IndicatorContext> = C & { account: AccountInfo; internalDomains: readonly string[] };
