/**
 * CMU CERT insider-threat test data (releases r4.2 to r6.2): logon, device, file, email and
 * http activity CSVs and the monthly LDAP directory snapshots.
 *
 * Columns are found by header name, so the r4 and r6 layouts (r6 adds `activity`,
 * `file_tree`, `to_removable_media`, …) both work. Dates are `MM/DD/YYYY HH:MM:SS`, UTC.
 * The CERT `id` is unique only within its file (CERT errata), so the event id is
 * `cert:<kind>:<id>` to keep a logon and a device record with the same id apart.
 * Every activity record is something that happened, so its outcome is `success`.
 */
import type { DeadLetter, HrRecord, NormalizedEvent, ParsedItem } from './event.ts';
import type { CsvSink } from './csv.tokenizer.ts';
import { deadLetter, show } from './dead-letter.ts';
import { domainOfUrl } from './ecs.parser.ts';
import { type LdapSnapshotMonth, LdapSnapshotTracker } from './ldap-snapshot.tracker.ts';
import { digits, utcMs } from './utc-time.ts';

export const CERT_KINDS = ['logon', 'device', 'file', 'email', 'http', 'ldap'] as const;
export type CertKind = (typeof CERT_KINDS)[number];

const LDAP_FILE = /^(\d{4})-(\d{2})\.csv$/i;

function baseName(path: string): string {
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return path.slice(cut + 1);
}

/** The CERT file kind from a file name (`logon.csv`, …, `LDAP/2010-01.csv` or `2010-01.csv`). */
export function certKindFromFileName(path: string): CertKind | undefined {
  const name = baseName(path).toLowerCase();
  switch (name) {
    case 'logon.csv': return 'logon';
    case 'device.csv': return 'device';
    case 'file.csv': return 'file';
    case 'email.csv': return 'email';
    case 'http.csv': return 'http';
    default: return LDAP_FILE.test(name) ? 'ldap' : undefined;
  }
}

/** The month an LDAP snapshot file describes, from its name `YYYY-MM.csv`; its ts is the 1st, 00:00 UTC. */
export function ldapSnapshotMonth(path: string): LdapSnapshotMonth | undefined {
  const m = LDAP_FILE.exec(baseName(path));
  if (m === null) return undefined;
  const ts = utcMs(Number(m[1]), Number(m[2]), 1, 0, 0, 0, 0);
  return Number.isNaN(ts) ? undefined : { month: `${m[1]}-${m[2]}`, ts };
}

/** `MM/DD/YYYY HH:MM:SS` as epoch ms UTC, or NaN. */
export function parseCertDate(s: string): number {
  if (s.length !== 19 || s.charCodeAt(2) !== 47 || s.charCodeAt(5) !== 47 || s.charCodeAt(10) !== 32
    || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return Number.NaN;
  const month = digits(s, 0, 2);
  const day = digits(s, 3, 2);
  const year = digits(s, 6, 4);
  const hour = digits(s, 11, 2);
  const minute = digits(s, 14, 2);
  const second = digits(s, 17, 2);
  if (month < 0 || day < 0 || year < 0 || hour < 0 || minute < 0 || second < 0) return Number.NaN;
  return utcMs(year, month, day, hour, minute, second, 0);
}

/** Header columns each kind cannot do without. */
const REQUIRED_COLUMNS: Record<CertKind, readonly string[]> = {
  logon: ['id', 'date', 'user', 'pc', 'activity'],
  device: ['id', 'date', 'user', 'pc', 'activity'],
  file: ['id', 'date', 'user', 'pc', 'filename'],
  email: ['id', 'date', 'user', 'pc', 'to'],
  http: ['id', 'date', 'user', 'pc', 'url'],
  ldap: ['employee_name', 'user_id'],
};

/** Column positions by header name (lower-cased, trimmed); -1 when absent. */
class Columns {
  readonly names: string[];
  readonly #index: Map<string, number>;
  constructor(header: string[]) {
    this.names = header.map((h) => h.trim().toLowerCase());
    this.#index = new Map(this.names.map((name, i) => [name, i]));
  }
  at(name: string): number {
    return this.#index.get(name) ?? -1;
  }
}

/** A cell by column position; '' for an absent column. */
function cell(row: string[], at: number): string {
  return at < 0 ? '' : (row[at] ?? '');
}

/** Positions of the columns the mappers read, resolved once per file. */
interface Layout {
  id: number;
  date: number;
  user: number;
  pc: number;
  activity: number;
  filename: number;
  toRemovable: number;
  to: number;
  cc: number;
  bcc: number;
  size: number;
  attachments: number;
  url: number;
  employeeName: number;
  userId: number;
  email: number;
  role: number;
  functionalUnit: number;
  department: number;
  supervisor: number;
}

function layoutOf(c: Columns): Layout {
  return {
    id: c.at('id'),
    date: c.at('date'),
    user: c.at('user'),
    pc: c.at('pc'),
    activity: c.at('activity'),
    filename: c.at('filename'),
    toRemovable: c.at('to_removable_media'),
    to: c.at('to'),
    cc: c.at('cc'),
    bcc: c.at('bcc'),
    size: c.at('size'),
    attachments: c.at('attachments'),
    url: c.at('url'),
    employeeName: c.at('employee_name'),
    userId: c.at('user_id'),
    email: c.at('email'),
    role: c.at('role'),
    functionalUnit: c.at('functional_unit'),
    department: c.at('department'),
    supervisor: c.at('supervisor'),
  };
}

/** The id, time, user and PC every activity file has; problems are appended to `problems`. */
function baseEvent(kind: CertKind, row: string[], l: Layout, problems: string[]): NormalizedEvent {
  const id = cell(row, l.id).trim();
  if (id === '') problems.push('id: empty');
  const date = cell(row, l.date).trim();
  const ts = parseCertDate(date);
  if (Number.isNaN(ts)) problems.push(date === '' ? 'date: empty' : `date: ${show(date)} is not MM/DD/YYYY HH:MM:SS`);
  const user = cell(row, l.user).trim();
  if (user === '') problems.push('user: empty');
  const event: NormalizedEvent = { id: `cert:${kind}:${id}`, ts, category: 'host', action: '', outcome: 'success', user };
  const pc = cell(row, l.pc).trim();
  if (pc !== '') event.host = pc;
  return event;
}

/** Looks up a lower-cased activity value; pushes a problem naming the accepted values when unknown. */
function activity(
  row: string[],
  l: Layout,
  actions: Readonly<Record<string, string>>,
  accepted: string,
  problems: string[],
): string {
  const value = cell(row, l.activity).trim();
  const action = actions[value.toLowerCase()];
  if (action === undefined) problems.push(`activity: ${show(value)} is not one of ${accepted}`);
  return action ?? '';
}

const LOGON_ACTIONS: Record<string, string> = { logon: 'logon', logoff: 'logoff' };
const DEVICE_ACTIONS: Record<string, string> = { connect: 'usb_connect', disconnect: 'usb_disconnect' };
const FILE_ACTIONS: Record<string, string> = {
  'file open': 'file_open',
  'file write': 'file_write',
  'file copy': 'file_copy',
  'file delete': 'file_delete',
};
const EMAIL_ACTIONS: Record<string, string> = { send: 'email_send', receive: 'email_receive', view: 'email_view' };
const HTTP_ACTIONS: Record<string, string> = {
  'www visit': 'http_request',
  'www download': 'http_download',
  'www upload': 'http_upload',
};

function mapLogon(row: string[], l: Layout, problems: string[]): NormalizedEvent {
  const event = baseEvent('logon', row, l, problems);
  event.category = 'authentication';
  event.action = activity(row, l, LOGON_ACTIONS, 'Logon, Logoff', problems);
  return event;
}

/** device.csv. The r6 `file_tree` (directories on the drive) has no place in the event model. */
function mapDevice(row: string[], l: Layout, problems: string[]): NormalizedEvent {
  const event = baseEvent('device', row, l, problems);
  event.category = 'host';
  event.action = activity(row, l, DEVICE_ACTIONS, 'Connect, Disconnect', problems);
  return event;
}

/**
 * file.csv. r4 has no activity column and lists only copies to removable media, so every
 * record is a `file_copy`; in r6 a write to removable media is a `file_copy` too, whatever
 * the activity says, and the other activities map one to one.
 */
function mapFile(row: string[], l: Layout, problems: string[]): NormalizedEvent {
  const event = baseEvent('file', row, l, problems);
  event.category = 'file';
  const path = cell(row, l.filename).trim();
  if (path === '') problems.push('filename: empty');
  else event.filePath = path;
  if (l.activity < 0) {
    event.action = 'file_copy';
    return event;
  }
  const toRemovable = cell(row, l.toRemovable).trim().toLowerCase();
  if (toRemovable !== '' && toRemovable !== 'true' && toRemovable !== 'false') {
    problems.push(`to_removable_media: ${show(cell(row, l.toRemovable))} is not True or False`);
  }
  const action = activity(row, l, FILE_ACTIONS, 'File Open, File Write, File Copy, File Delete', problems);
  event.action = toRemovable === 'true' ? 'file_copy' : action;
  return event;
}

/** `;`-separated addresses of the given cells, lower-cased, in order, without repeats. */
function recipients(cells: string[]): string[] {
  const out: string[] = [];
  for (const list of cells) {
    for (const part of list.split(';')) {
      const address = part.trim().toLowerCase();
      if (address !== '' && !out.includes(address)) out.push(address);
    }
  }
  return out;
}

function isDigits(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/**
 * The email `attachments` cell: a count in r4 (`2`), a `;`-separated list of `name(size)` in
 * r6 (`C:\…\report.doc(38012);photo.jpg(12034)`). `bytes` is the sum of the sizes given.
 */
export function parseCertAttachments(s: string): { count: number; bytes?: number } {
  const text = s.trim();
  if (text === '') return { count: 0 };
  if (isDigits(text)) return { count: Number(text) };
  let count = 0;
  let bytes = 0;
  let sized = 0;
  for (const part of text.split(';')) {
    const item = part.trim();
    if (item === '') continue;
    count++;
    const open = item.lastIndexOf('(');
    if (open >= 0 && item.endsWith(')')) {
      const size = item.slice(open + 1, -1);
      if (isDigits(size)) {
        bytes += Number(size);
        sized++;
      }
    }
  }
  return sized > 0 ? { count, bytes } : { count };
}

/**
 * email.csv. All of to, cc and bcc are recipients. Only r6's `Send` is outbound mail; the
 * mail size counts as bytes sent for a send and received for a receive. When the
 * attachments' own sizes are unknown (r4), the mail size stands in for their bytes.
 */
function mapEmail(row: string[], l: Layout, problems: string[]): NormalizedEvent {
  const event = baseEvent('email', row, l, problems);
  event.category = 'email';
  event.action = l.activity < 0
    ? 'email_send'
    : activity(row, l, EMAIL_ACTIONS, 'Send, Receive, View', problems);
  const to = recipients([cell(row, l.to), cell(row, l.cc), cell(row, l.bcc)]);
  if (to.length > 0) event.emailTo = to;
  const sizeText = cell(row, l.size).trim();
  let size: number | undefined;
  if (isDigits(sizeText)) size = Number(sizeText);
  else if (sizeText !== '') problems.push(`size: ${show(sizeText)} is not a whole number of bytes`);
  if (l.attachments >= 0) {
    const attachments = parseCertAttachments(cell(row, l.attachments));
    event.attachments = attachments.count;
    if (attachments.bytes !== undefined) event.attachmentBytes = attachments.bytes;
    else if (attachments.count > 0 && size !== undefined) event.attachmentBytes = size;
  }
  if (size !== undefined) {
    if (event.action === 'email_send') event.bytesOut = size;
    else if (event.action === 'email_receive') event.bytesIn = size;
  }
  return event;
}

function mapHttp(row: string[], l: Layout, problems: string[]): NormalizedEvent {
  const event = baseEvent('http', row, l, problems);
  event.category = 'web';
  event.action = l.activity < 0
    ? 'http_request'
    : activity(row, l, HTTP_ACTIONS, 'WWW Visit, WWW Download, WWW Upload', problems);
  const url = cell(row, l.url).trim();
  if (url === '') {
    problems.push('url: empty');
  } else {
    event.url = url;
    const domain = domainOfUrl(url);
    if (domain !== undefined) event.domain = domain;
  }
  return event;
}

const MAPPERS: Record<Exclude<CertKind, 'ldap'>, (row: string[], l: Layout, problems: string[]) => NormalizedEvent> = {
  logon: mapLogon,
  device: mapDevice,
  file: mapFile,
  email: mapEmail,
  http: mapHttp,
};

/** An LDAP row kept until the whole snapshot is read (supervisors are named, not identified). */
interface LdapRow {
  line: number;
  hr: HrRecord;
  supervisor: string;
}

export interface CertReaderOptions {
  kind: CertKind;
  /** File name, for dead letters. */
  source: string;
  now: () => number;
  /** For `ldap`: the snapshot's month and the run's tracker. */
  snapshot?: LdapSnapshotMonth;
  ldap?: LdapSnapshotTracker;
}

/**
 * Consumes one CERT file's CSV records (it is the tokenizer's sink) and collects parsed
 * items in `out`, in source order; the caller drains `out` as it goes. The first record is
 * the header. An LDAP file's items come out only at `finish()`: supervisors are resolved
 * by name across the whole snapshot.
 */
export class CertReader implements CsvSink {
  out: ParsedItem[] = [];
  readonly #kind: CertKind;
  readonly #source: string;
  readonly #now: () => number;
  readonly #snapshot: LdapSnapshotMonth | undefined;
  readonly #ldap: LdapSnapshotTracker;
  #columns: Columns | undefined;
  #layout: Layout | undefined;
  /** LDAP: rows and dead letters in line order, held until finish(). */
  #pending: (LdapRow | DeadLetter)[] = [];
  #ldapLines = new Map<string, number>();

  constructor(options: CertReaderOptions) {
    this.#kind = options.kind;
    this.#source = options.source;
    this.#now = options.now;
    this.#snapshot = options.snapshot;
    this.#ldap = options.ldap ?? new LdapSnapshotTracker();
    if (this.#kind === 'ldap' && this.#snapshot === undefined) {
      throw new Error(`${this.#source}: an LDAP snapshot needs its month; name the file YYYY-MM.csv`);
    }
  }

  record(fields: string[], line: number, raw: string): void {
    if (this.#columns === undefined) {
      this.#readHeader(fields);
      return;
    }
    const columns = this.#columns;
    const width = columns.names.length;
    // r4 leaves the free-text `content` column unquoted, so commas in it make extra fields;
    // content is the last column and unused, so the extra fields are harmless.
    if (fields.length < width || (fields.length > width && columns.names[width - 1] !== 'content')) {
      this.#dead(line, `expected ${width} columns (${columns.names.join(', ')}), got ${fields.length}`, raw);
      return;
    }
    const layout = this.#layout as Layout;
    if (this.#kind === 'ldap') {
      this.#ldapRow(fields, layout, line, raw);
      return;
    }
    const problems: string[] = [];
    const event = MAPPERS[this.#kind](fields, layout, problems);
    if (problems.length > 0) this.#dead(line, problems.join('; '), raw);
    else this.out.push({ kind: 'event', event, line });
  }

  malformed(reason: string, line: number, raw: string): void {
    if (this.#columns === undefined) throw new Error(`${this.#source}: header row is not valid CSV: ${reason}`);
    this.#dead(line, reason, raw);
  }

  /** Ends the file: for LDAP, resolves supervisors, emits the snapshot and its terminations. */
  finish(): void {
    if (this.#columns === undefined) throw new Error(`${this.#source}: empty file, expected a header row`);
    if (this.#kind !== 'ldap') return;
    const snapshot = this.#snapshot as LdapSnapshotMonth;
    // Supervisors are given by name; a name shared by two employees resolves to nobody.
    const byName = new Map<string, string | null>();
    for (const item of this.#pending) {
      if (!('hr' in item) || item.hr.name === undefined) continue;
      byName.set(item.hr.name, byName.has(item.hr.name) ? null : item.hr.userId);
    }
    const records: HrRecord[] = [];
    for (const item of this.#pending) {
      if (!('hr' in item)) {
        this.out.push({ kind: 'dead', dead: item });
        continue;
      }
      const manager = item.supervisor === '' ? undefined : byName.get(item.supervisor);
      if (manager !== undefined && manager !== null) item.hr.manager = manager;
      records.push(item.hr);
      this.out.push({
        kind: 'event',
        line: item.line,
        event: {
          id: `cert:ldap:${snapshot.month}:${item.hr.userId}`,
          ts: snapshot.ts,
          category: 'iam',
          action: 'hr_update',
          outcome: 'unknown',
          user: item.hr.userId,
          hr: item.hr,
        },
      });
    }
    this.#pending = [];
    // Terminations are derived from two snapshots, not read from a line: line 0.
    for (const event of this.#ldap.observe(snapshot, records)) this.out.push({ kind: 'event', event, line: 0 });
  }

  #readHeader(fields: string[]): void {
    const columns = new Columns(fields);
    const missing = REQUIRED_COLUMNS[this.#kind].filter((name) => columns.at(name) < 0);
    if (missing.length > 0) {
      throw new Error(
        `${this.#source}: header of a CERT ${this.#kind} file lacks column(s) ${missing.join(', ')} (found: ${columns.names.join(', ')})`,
      );
    }
    this.#columns = columns;
    this.#layout = layoutOf(columns);
  }

  #ldapRow(row: string[], l: Layout, line: number, raw: string): void {
    const userId = cell(row, l.userId).trim();
    if (userId === '') {
      this.#pending.push(this.#letter(line, 'user_id: empty', raw));
      return;
    }
    const first = this.#ldapLines.get(userId);
    if (first !== undefined) {
      this.#pending.push(this.#letter(line, `user_id: ${show(userId)} already listed on line ${first}`, raw));
      return;
    }
    this.#ldapLines.set(userId, line);
    const hr: HrRecord = { userId };
    const name = cell(row, l.employeeName).trim();
    if (name !== '') hr.name = name;
    const email = cell(row, l.email).trim().toLowerCase();
    if (email !== '') hr.email = email;
    const department = cell(row, l.department).trim() || cell(row, l.functionalUnit).trim();
    if (department !== '') hr.department = department;
    const title = cell(row, l.role).trim();
    if (title !== '') hr.title = title;
    hr.status = 'ACTIVE';
    hr.effectiveDate = (this.#snapshot as LdapSnapshotMonth).ts;
    this.#pending.push({ line, hr, supervisor: cell(row, l.supervisor).trim() });
  }

  #letter(line: number, reason: string, raw: string): DeadLetter {
    return deadLetter(this.#source, line, reason, raw, this.#now());
  }

  #dead(line: number, reason: string, raw: string): void {
    this.out.push({ kind: 'dead', dead: this.#letter(line, reason, raw) });
  }
}
