/**
 * The normalized event: what every importer (ECS NDJSON, CMU CERT CSV, LANL auth.txt, the
 * HTTP bulk endpoint and the GraphQL mutation) produces and what the pipeline consumes.
 *
 * Field names are flat and short because a normalized event travels through Redis (BullMQ
 * job payloads) millions of times; the ECS field each one comes from is named beside it.
 * Times are epoch milliseconds, always UTC.
 */

/** `event.category` values riskgraph understands (ECS categories). */
export const EVENT_CATEGORIES = [
  'authentication',
  'web',
  'file',
  'email',
  'network',
  'session',
  'host',
  'malware',
  'iam',
  'process',
] as const;
export type EventCategory = (typeof EVENT_CATEGORIES)[number];

export const OUTCOMES = ['success', 'failure', 'unknown'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const EMPLOYMENT_STATUSES = ['ACTIVE', 'NOTICE_GIVEN', 'ON_LEAVE', 'TERMINATED'] as const;
export type EmploymentStatus = (typeof EMPLOYMENT_STATUSES)[number];

/** An HR directory record (CERT LDAP snapshot row, HR system push). Carried by `iam` events. */
export interface HrRecord {
  userId: string;
  name?: string;
  email?: string;
  department?: string;
  title?: string;
  /** The manager's user id. */
  manager?: string;
  location?: string;
  status?: EmploymentStatus;
  /** Epoch ms UTC. */
  effectiveDate?: number;
  /** Epoch ms UTC. */
  lastDay?: number;
}

export interface NormalizedEvent {
  /** `event.id`, or a content hash when the source has none. Ingestion is idempotent on it. */
  id: string;
  /** `@timestamp`, epoch ms UTC. */
  ts: number;
  /** `event.category`. */
  category: EventCategory;
  /** `event.action`, lower-case, e.g. `logon`, `http_request`, `file_copy`. */
  action: string;
  /** `event.outcome`; `unknown` when absent. */
  outcome: Outcome;
  /** `user.name`: the acting user, the User node's id. Absent only for host facts (malware). */
  user?: string;
  /** `host.name`: the device acted on or from (Device node). */
  host?: string;
  /** `source.ip`. */
  ip?: string;
  /** `source.geo.country_iso_code`. */
  country?: string;
  /** `source.geo.city_name`. */
  city?: string;
  /** `source.geo.location.lat` / `.lon`, degrees. */
  lat?: number;
  lon?: number;
  /** `destination.address` or `destination.domain`: the asset reached (Asset node). */
  asset?: string;
  /** `service.name`: the application used (Application node). */
  app?: string;
  /** `url.domain` (lower-case). */
  domain?: string;
  /** `url.original`. */
  url?: string;
  /** `file.path`. */
  filePath?: string;
  /** `file.size`, bytes. */
  fileSize?: number;
  /** `email.to.address`, lower-case. */
  emailTo?: string[];
  /** Number of `email.attachments`. */
  attachments?: number;
  /** Sum of `email.attachments[].file.size`, bytes. */
  attachmentBytes?: number;
  /** `source.bytes`: bytes sent by the user (upload). */
  bytesOut?: number;
  /** `destination.bytes`: bytes received by the user (download). */
  bytesIn?: number;
  /** HR directory record carried by an `iam` event (`event.action` `hr_update`). */
  hr?: HrRecord;
  /**
   * `process.command_line`: a command run in a privileged session (SSH, RDP, console), at most
   * MAX_COMMAND_LENGTH characters (longer lines are cut).
   */
  command?: string;
  /** `process.interactive`: the command ran attached to a terminal, i.e. a person typed it. */
  interactive?: boolean;
  /** `network.protocol`, lower-case: how the session was reached, e.g. `ssh`, `rdp`. */
  protocol?: string;
  /**
   * `riskgraph.secret.id` (or `labels.secret_id`): the vault secret or credential checked out,
   * on `secret_access` events. An Asset of kind `secret` in the graph.
   */
  secretId?: string;
}

/** The action of a credential or secret checkout from a vault. */
export const SECRET_ACCESS = 'secret_access';

/** Command lines longer than this are cut (characters): enough for any typed command. */
export const MAX_COMMAND_LENGTH = 2048;

/** A line an importer could not turn into an event. The import goes on without it. */
export interface DeadLetter {
  /** File name, or `http:<format>` / `graphql` for the other paths in. */
  source: string;
  /** 1-based line number in the source (for CSV, the record's first line). */
  line: number;
  reason: string;
  /** The raw text, cut to a bounded length. */
  raw: string;
  /** When it was rejected, epoch ms UTC. */
  at: number;
}

/** What an importer yields, in source order. */
export type ParsedItem =
  | { kind: 'event'; event: NormalizedEvent; line: number }
  | { kind: 'dead'; dead: DeadLetter };

/** Input formats. `cert` picks the CERT file kind from the file name (logon.csv, …). */
export const INPUT_FORMATS = [
  'ecs',
  'cert',
  'cert-logon',
  'cert-device',
  'cert-file',
  'cert-email',
  'cert-http',
  'cert-ldap',
  'lanl',
] as const;
export type InputFormat = (typeof INPUT_FORMATS)[number];

/** Dead letters keep at most this many characters of the raw line. */
export const DEAD_LETTER_RAW_LIMIT = 4096;
