/**
 * ECS-shaped NDJSON lines for the synthetic organisation (DESIGN.md, "Native event format").
 *
 * Lines are built as strings rather than through JSON.stringify of whole objects: the
 * ingest benchmark needs millions of events and string building is several times faster.
 * The JSON fragments that stay the same for a whole session (user, host, source address,
 * geo) are built once per session by `Actor`. Values inserted without quoting come from the
 * generator's own catalogues (ids, host and asset names, domains, generated URLs), which
 * contain no characters that need escaping; free text that may (file paths, people's names,
 * HR records) goes through JSON.stringify. Every catalogue is ASCII, so every line is: one
 * byte per character, which day-buckets.ts relies on.
 */
import type { HrFields, Location } from './organisation.ts';

export const SECOND_MS = 1000;
export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

const TWO_DIGITS = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
const THREE_DIGITS = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));
const datePrefixes = new Map<number, string>();

/**
 * `Date.prototype.toISOString` without allocating a Date per event: the `YYYY-MM-DDT` part is
 * cached per UTC day, the time of day is assembled from lookup tables.
 */
export function isoTimestamp(time: number): string {
  const ts = Math.floor(time);
  const day = Math.floor(ts / DAY_MS);
  let prefix = datePrefixes.get(day);
  if (prefix === undefined) {
    if (datePrefixes.size > 4096) datePrefixes.clear();
    prefix = new Date(day * DAY_MS).toISOString().slice(0, 11);
    datePrefixes.set(day, prefix);
  }
  let rest = ts - day * DAY_MS;
  const h = Math.floor(rest / HOUR_MS);
  rest -= h * HOUR_MS;
  const m = Math.floor(rest / MINUTE_MS);
  rest -= m * MINUTE_MS;
  const s = Math.floor(rest / SECOND_MS);
  const ms = rest - s * SECOND_MS;
  return `${prefix}${TWO_DIGITS[h]}:${TWO_DIGITS[m]}:${TWO_DIGITS[s]}.${THREE_DIGITS[ms]}Z`;
}

/** Who acts and from where, with its JSON fragments prebuilt. */
export class Actor {
  readonly user: string;
  readonly host: string;
  readonly ip: string;
  readonly location: Location | null;
  /** `"user":{"name":…},"host":{"name":…}` */
  readonly who: string;
  /** `"source":{"ip":…` (left open for bytes and geo). */
  readonly source: string;
  /** `,"geo":{…}` or empty. */
  readonly geo: string;

  constructor(user: string, host: string, ip: string, location: Location | null) {
    this.user = user;
    this.host = host;
    this.ip = ip;
    this.location = location;
    this.who = `"user":{"name":"${user}"},"host":{"name":"${host}"}`;
    this.source = `"source":{"ip":"${ip}"`;
    this.geo =
      location === null
        ? ''
        : `,"geo":{"country_iso_code":"${location.country}","city_name":"${location.city}","location":{"lat":${location.lat},"lon":${location.lon}}}`;
  }
}

/** Event ids: a fixed prefix naming the stream (seed, day, user) and a base-36 counter. */
export class IdSequence {
  readonly prefix: string;
  private n = 0;

  constructor(prefix: string) {
    this.prefix = prefix;
  }

  next(): string {
    return this.prefix + (this.n++).toString(36);
  }
}

/** Collects the time span and ids of the events one injected scenario wrote. */
export interface Capture {
  first: number;
  last: number;
  ids: string[];
}

export function newCapture(): Capture {
  return { first: Number.POSITIVE_INFINITY, last: Number.NEGATIVE_INFINITY, ids: [] };
}

/** Headers and body of a message, bytes, on top of its attachments (`source.bytes`). */
const MAIL_OVERHEAD_BYTES = 2000;

/** The HR fields carried by an `iam`/`hr_update` event under `riskgraph.hr`. */
// HrFields lives with the organisation that fills it (seeds/organisation.ts), so the two
// modules do not import each other.
export type { HrFields } from './organisation.ts';

export interface Attachment {
  name: string;
  size: number;
}

/** Receives each finished line with its time; `null` only counts (calibration runs). */
export type LineSink = ((ts: number, line: string) => void) | null;

/**
 * Writes events as NDJSON lines. One method per kind of event, so behaviour and scenarios
 * say what happened and this class alone knows the field layout.
 */
export class EventWriter {
  /** Events written so far. */
  count = 0;
  /** When set, every event written is also recorded here (ground truth of a scenario). */
  capture: Capture | null = null;
  private readonly sink: LineSink;

  constructor(sink: LineSink) {
    this.sink = sink;
  }

  /** The opening of a line up to and including the `event` object. */
  private head(ts: number, id: string, category: string, action: string, outcome: string | null): string {
    const tail = outcome === null ? '}' : `,"outcome":"${outcome}"}`;
    return `{"@timestamp":"${isoTimestamp(ts)}","event":{"id":"${id}","category":"${category}","action":"${action}"${tail}`;
  }

  /**
   * Counts the event and tells whether its line is wanted. The id is drawn either way so
   * that a counting run consumes ids exactly as a writing run does.
   */
  private take(ts: number, ids: IdSequence): string | null {
    const id = ids.next();
    this.count++;
    const c = this.capture;
    if (c !== null) {
      if (ts < c.first) c.first = ts;
      if (ts > c.last) c.last = ts;
      c.ids.push(id);
    }
    return this.sink === null ? null : id;
  }

  private put(ts: number, line: string): void {
    (this.sink as (ts: number, line: string) => void)(ts, line);
  }

  logon(ts: number, ids: IdSequence, a: Actor, outcome: 'success' | 'failure'): void {
    const id = this.take(ts, ids);
    if (id === null) return;
    this.put(ts, `${this.head(ts, id, 'authentication', 'logon', outcome)},${a.who},${a.source}${a.geo}}}`);
  }

  logoff(ts: number, ids: IdSequence, a: Actor): void {
    const id = this.take(ts, ids);
    if (id === null) return;
    this.put(ts, `${this.head(ts, id, 'authentication', 'logoff', 'success')},${a.who},${a.source}${a.geo}}}`);
  }

  vpn(ts: number, ids: IdSequence, a: Actor, action: 'vpn_connect' | 'vpn_disconnect'): void {
    const id = this.take(ts, ids);
    if (id === null) return;
    this.put(ts, `${this.head(ts, id, 'session', action, 'success')},${a.who},${a.source}${a.geo}}}`);
  }

  /** Use of an application, optionally on a named asset; bytes as seen from the user. */
  appAccess(
    ts: number,
    ids: IdSequence,
    a: Actor,
    service: string,
    address: string | null,
    bytesIn: number,
    bytesOut: number,
  ): void {
    const id = this.take(ts, ids);
    if (id === null) return;
    const dest = address === null ? `"destination":{` : `"destination":{"address":"${address}",`;
    this.put(
      ts,
      `${this.head(ts, id, 'network', 'app_access', 'success')},${a.who},${a.source},"bytes":${Math.round(bytesOut)}},${dest}"bytes":${Math.round(bytesIn)}},"service":{"name":"${service}"}}`,
    );
  }

  remoteLogon(ts: number, ids: IdSequence, a: Actor, address: string, outcome: 'success' | 'failure'): void {
    const id = this.take(ts, ids);
    if (id === null) return;
    this.put(
      ts,
      `${this.head(ts, id, 'network', 'remote_logon', outcome)},${a.who},${a.source}},"destination":{"address":"${address}"}}`,
    );
  }

  web(ts: number, ids: IdSequence, a: Actor, domain: string, url: string, bytesOut: number, bytesIn: number): void {
    const id = this.take(ts, ids);
    if (id === null) return;
    this.put(
      ts,
      `${this.head(ts, id, 'web', 'http_request', 'success')},${a.who},${a.source},"bytes":${Math.round(bytesOut)}},"destination":{"bytes":${Math.round(bytesIn)}},"url":{"domain":"${domain}","original":"${url}"}}`,
    );
  }

  /** A file written locally, or to a share when `address` names it. */
  fileWrite(ts: number, ids: IdSequence, a: Actor, path: string, size: number, address: string | null): void {
    const id = this.take(ts, ids);
    if (id === null) return;
    const dest = address === null ? '' : `,"destination":{"address":"${address}"}`;
    this.put(
      ts,
      `${this.head(ts, id, 'file', 'file_write', 'success')},${a.who},${a.source}}${dest},"file":{"path":${JSON.stringify(path)},"size":${Math.round(size)}}}`,
    );
  }

  /** A file copied to removable media. */
  fileCopy(ts: number, ids: IdSequence, a: Actor, path: string, size: number): void {
    const id = this.take(ts, ids);
    if (id === null) return;
    this.put(
      ts,
      `${this.head(ts, id, 'file', 'file_copy', 'success')},${a.who},${a.source}},"file":{"path":${JSON.stringify(path)},"size":${Math.round(size)}}}`,
    );
  }

  usb(ts: number, ids: IdSequence, a: Actor, action: 'usb_connect' | 'usb_disconnect'): void {
    const id = this.take(ts, ids);
    if (id === null) return;
    this.put(ts, `${this.head(ts, id, 'host', action, 'success')},${a.who},${a.source}}}`);
  }

  email(
    ts: number,
    ids: IdSequence,
    a: Actor,
    from: string,
    to: readonly string[],
    attachments: readonly Attachment[],
  ): void {
    const id = this.take(ts, ids);
    if (id === null) return;
    let total = 0;
    let files = '';
    for (const f of attachments) {
      const size = Math.round(f.size);
      total += size;
      files += `${files === '' ? '' : ','}{"file":{"name":${JSON.stringify(f.name)},"size":${size}}}`;
    }
    const attached = files === '' ? '' : `,"attachments":[${files}]`;
    this.put(
      ts,
      `${this.head(ts, id, 'email', 'email_send', 'success')},${a.who},${a.source},"bytes":${total + MAIL_OVERHEAD_BYTES}},"email":{"from":{"address":["${from}"]},"to":{"address":["${to.join('","')}"]}${attached}}}`,
    );
  }

  /**
   * A command run in a privileged session on `address` (SSH or RDP from the actor's device);
   * `interactive` when typed at a terminal. The command line is free text, so it is quoted.
   */
  command(ts: number, ids: IdSequence, a: Actor, address: string, protocol: 'ssh' | 'rdp', commandLine: string, interactive: boolean): void {
    const id = this.take(ts, ids);
    if (id === null) return;
    this.put(
      ts,
      `${this.head(ts, id, 'process', 'command', null)},${a.who},${a.source}},"destination":{"address":"${address}"},"network":{"protocol":"${protocol}"},"process":{"command_line":${JSON.stringify(commandLine)},"interactive":${interactive}}}`,
    );
  }

  /** A credential or secret checked out of the vault (`secret_access`, `riskgraph.secret.id`). */
  secretAccess(ts: number, ids: IdSequence, a: Actor, secret: string): void {
    const id = this.take(ts, ids);
    if (id === null) return;
    this.put(
      ts,
      `${this.head(ts, id, 'iam', 'secret_access', 'success')},${a.who},${a.source}},"service":{"name":"vault"},"riskgraph":{"secret":{"id":${JSON.stringify(secret)}}}}`,
    );
  }

  /** An HR directory record for `user` (see DESIGN.md "HR records"). */
  hr(ts: number, ids: IdSequence, user: string, record: HrFields): void {
    const id = this.take(ts, ids);
    if (id === null) return;
    this.put(
      ts,
      `${this.head(ts, id, 'iam', 'hr_update', 'success')},"user":{"name":"${user}"},"riskgraph":{"hr":${JSON.stringify(record)}}}`,
    );
  }
}
