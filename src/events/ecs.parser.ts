/**
 * The native format: one ECS-shaped JSON object per line (DESIGN.md, "Native event format").
 *
 * This is the ingestion hot path, so the mapper is hand-written rather than a zod schema: one
 * walk over the parsed object collects the fields riskgraph reads into fixed slots, accepting
 * nested (`{"user":{"name":"x"}}`), flat dotted (`{"user.name":"x"}`) and mixed spellings alike;
 * a second, fixed-order pass validates the slots, so a record's reasons always come out in the
 * same order whatever its key order. When a field is spelled both ways the later key wins
 * (as JSON.parse already does for duplicate keys). Unknown fields are ignored.
 *
 * JSON.parse takes about two thirds of the time per line; a hand-written JavaScript scanner
 * extracting only the needed fields measured slower than V8's native parser, so it stays.
 */
import { hash } from 'node:crypto';
import {
  EMPLOYMENT_STATUSES,
  EVENT_CATEGORIES,
  type EmploymentStatus,
  type EventCategory,
  type HrRecord,
  MAX_COMMAND_LENGTH,
  type NormalizedEvent,
  type Outcome,
  SECRET_ACCESS,
} from './event.ts';
import { show } from './dead-letter.ts';
import { parseIsoDateOrTimestamp, parseIsoTimestamp } from './utc-time.ts';

/** What a line maps to: the event, a dead-letter reason (a string), or `undefined` for a blank line. */
export type EcsLineResult = NormalizedEvent | string | undefined;

/**
 * Maps one NDJSON line. A string result is the dead-letter reason; `undefined` means the line
 * was blank and is skipped silently.
 */
export function parseEcsLine(line: string): EcsLineResult {
  const text = line.trim();
  if (text.length === 0) return undefined;
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch (error) {
    return `invalid JSON: ${jsonErrorMessage((error as Error).message, text)}`;
  }
  return mapEcsRecord(record, text);
}

/**
 * Maps one parsed ECS record (also used by the HTTP and GraphQL paths in). `content` is what
 * the id is hashed from when the record has no `event.id`: the trimmed line for NDJSON. A
 * SHA-1 of the content makes re-importing the same file idempotent; SHA-1 is used as a fast
 * content fingerprint here, not for security.
 */
export function mapEcsRecord(record: unknown, content: string): NormalizedEvent | string {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) {
    return `expected a JSON object, got ${Array.isArray(record) ? 'an array' : show(record)}`;
  }
  const f = new EcsFields();
  walk(record as Record<string, unknown>, 0, f);
  return validate(f, content);
}

/**
 * V8's JSON.parse message, made to name the position and not to echo the line (the dead
 * letter holds the line): `Unexpected token 'x', "{…}" is not valid JSON` gives no position,
 * so it is located here, on the error path only.
 */
function jsonErrorMessage(message: string, text: string): string {
  const echo = message.indexOf(', "');
  let m = echo >= 0 && message.endsWith('" is not valid JSON') ? message.slice(0, echo) : message;
  m = m.replace(/ \(line \d+ column \d+\)$/, '');
  return m.includes(' at position ') ? m : `${m} at position ${jsonErrorPosition(text)}`;
}

/** Index of the first JSON syntax error in `s` (its length for a premature end); -1 when valid. */
export function jsonErrorPosition(s: string): number {
  let i = 0;
  const space = (): void => {
    for (let c = s.charCodeAt(i); c === 32 || c === 9 || c === 10 || c === 13; c = s.charCodeAt(++i));
  };
  const literal = (word: string): boolean => {
    for (let k = 0; k < word.length; k++, i++) if (s[i] !== word[k]) return false;
    return true;
  };
  const isDigit = (): boolean => s[i] !== undefined && s[i]! >= '0' && s[i]! <= '9';
  const number = (): boolean => {
    if (s[i] === '-') i++;
    if (s[i] === '0') i++;
    else if (isDigit()) while (isDigit()) i++;
    else return false;
    if (s[i] === '.') {
      i++;
      if (!isDigit()) return false;
      while (isDigit()) i++;
    }
    if (s[i] === 'e' || s[i] === 'E') {
      i++;
      if (s[i] === '+' || s[i] === '-') i++;
      if (!isDigit()) return false;
      while (isDigit()) i++;
    }
    return true;
  };
  const string = (): boolean => {
    i++; // opening quote
    while (i < s.length) {
      const c = s.charCodeAt(i);
      if (c === 34) {
        i++;
        return true;
      }
      if (c < 32) return false;
      if (c === 92) {
        i++;
        if (s[i] === 'u') {
          for (let k = 0; k < 4; k++) if (!/[0-9a-fA-F]/.test(s[++i] ?? '')) return false;
        } else if (!'"\\/bfnrt'.includes(s[i] ?? 'x')) return false;
      }
      i++;
    }
    return false;
  };
  const value = (): boolean => {
    space();
    const c = s[i];
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++;
      space();
      if (s[i] === close) {
        i++;
        return true;
      }
      for (;;) {
        if (c === '{') {
          space();
          if (s[i] !== '"' || !string()) return false;
          space();
          if (s[i] !== ':') return false;
          i++;
        }
        if (!value()) return false;
        space();
        if (s[i] === ',') i++;
        else if (s[i] === close) {
          i++;
          return true;
        } else return false;
      }
    }
    if (c === '"') return string();
    if (c === 't') return literal('true');
    if (c === 'f') return literal('false');
    if (c === 'n') return literal('null');
    return number();
  };
  if (!value()) return Math.min(i, s.length);
  space();
  return i < s.length ? i : -1;
}

/*
 * Every ECS path riskgraph reads has a slot; a record's values are collected into an array
 * indexed by slot. For each container (`''` for the top level, `event`, `source.geo`, …) a
 * table maps every key that may appear in it, nested or dotted (`geo`, `geo.city_name`,
 * `geo.location.lat` under `source`), to a slot or to a nested container. Property keys from
 * JSON.parse are internalized strings with cached hashes, so each key costs one Map lookup
 * and no string building.
 */
const PATHS: string[] = [];
function slot(path: string): number {
  PATHS.push(path);
  return PATHS.length - 1;
}
const TIMESTAMP = slot('@timestamp');
const EVENT_ID = slot('event.id');
const CATEGORY = slot('event.category');
const ACTION = slot('event.action');
const OUTCOME = slot('event.outcome');
const USER = slot('user.name');
const HOST = slot('host.name');
const IP = slot('source.ip');
const COUNTRY = slot('source.geo.country_iso_code');
const CITY = slot('source.geo.city_name');
const LAT = slot('source.geo.location.lat');
const LON = slot('source.geo.location.lon');
const BYTES_OUT = slot('source.bytes');
const DEST_ADDRESS = slot('destination.address');
const DEST_DOMAIN = slot('destination.domain');
const BYTES_IN = slot('destination.bytes');
const APP = slot('service.name');
const URL_DOMAIN = slot('url.domain');
const URL_ORIGINAL = slot('url.original');
const FILE_PATH = slot('file.path');
const FILE_SIZE = slot('file.size');
const EMAIL_TO = slot('email.to.address');
const ATTACHMENTS = slot('email.attachments');
const COMMAND_LINE = slot('process.command_line');
const INTERACTIVE = slot('process.interactive');
const PROTOCOL = slot('network.protocol');
const SECRET_ID = slot('riskgraph.secret.id');
const LABEL_SECRET_ID = slot('labels.secret_id');
// The riskgraph.hr slots come last: walk() tells an HR field by `slot >= HR_NAME`.
const HR_NAME = slot('riskgraph.hr.name');
const HR_EMAIL = slot('riskgraph.hr.email');
const HR_DEPARTMENT = slot('riskgraph.hr.department');
const HR_TITLE = slot('riskgraph.hr.title');
const HR_MANAGER = slot('riskgraph.hr.manager');
const HR_LOCATION = slot('riskgraph.hr.location');
const HR_STATUS = slot('riskgraph.hr.status');
const HR_EFFECTIVE_DATE = slot('riskgraph.hr.effective_date');
const HR_LAST_DAY = slot('riskgraph.hr.last_day');
const SLOT_COUNT = PATHS.length;

const CONTAINERS = [
  '', 'event', 'user', 'host', 'source', 'source.geo', 'source.geo.location', 'destination', 'service',
  'url', 'file', 'email', 'email.to', 'riskgraph', 'riskgraph.hr', 'process', 'network', 'labels', 'riskgraph.secret',
];
const HR_CONTAINER = CONTAINERS.indexOf('riskgraph.hr');

/** Per container: key → slot (≥ 0) or nested container (`~index`, < 0). */
const KEY_TABLES: Map<string, number>[] = CONTAINERS.map((container) => {
  const table = new Map<string, number>();
  const under = (path: string): string | undefined =>
    container === '' ? path : path.startsWith(`${container}.`) ? path.slice(container.length + 1) : undefined;
  PATHS.forEach((path, i) => {
    const key = under(path);
    if (key !== undefined) table.set(key, i);
  });
  CONTAINERS.forEach((path, i) => {
    const key = path === container ? undefined : under(path);
    if (key !== undefined && key !== '') table.set(key, ~i);
  });
  return table;
});

const NO_VALUES: readonly unknown[] = new Array<unknown>(SLOT_COUNT).fill(undefined);

/** The values riskgraph reads, as found in the record (not yet validated). */
class EcsFields {
  values: unknown[] = NO_VALUES.slice(); // copying a packed array is cheaper than building one
  hrSeen = false;
  /** Structural problems found during the walk (a container that is not an object). */
  errors: string[] | undefined = undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Collects the known fields of `obj`, container number `container`, into `f`; descends only
 * into known containers. Unknown fields stay in the raw record and are ignored by analytics.
 */
function walk(obj: Record<string, unknown>, container: number, f: EcsFields): void {
  const table = KEY_TABLES[container] as Map<string, number>;
  for (const key in obj) {
    const code = table.get(key);
    if (code === undefined) continue;
    const value = obj[key];
    if (value === null || value === undefined) continue; // null means absent
    if (code >= 0) {
      f.values[code] = value;
      if (code >= HR_NAME) f.hrSeen = true;
    } else {
      const inner = ~code;
      if (inner === HR_CONTAINER) f.hrSeen = true;
      if (isObject(value)) walk(value, inner, f);
      else (f.errors ??= []).push(`${CONTAINERS[inner]}: expected an object, got ${show(value)}`);
    }
  }
}

const CATEGORY_SET: ReadonlySet<string> = new Set(EVENT_CATEGORIES);
const STATUS_SET: ReadonlySet<string> = new Set(EMPLOYMENT_STATUSES);
const CATEGORY_LIST = EVENT_CATEGORIES.join(', ');
const STATUS_LIST = EMPLOYMENT_STATUSES.join(', ');
const ISO_WITHOUT_ZONE = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}(:\d{2}([.,]\d+)?)?$/;

/** Accumulates reasons; each field is checked independently so one dead letter lists all problems. */
class Problems {
  list: string[];
  constructor(initial: string[] | undefined) {
    this.list = initial ?? [];
  }
  add(reason: string): void {
    this.list.push(reason);
  }
  /** An optional string field: absent or empty → undefined; wrong type → a problem. */
  optString(v: unknown[], at: number): string | undefined {
    const value = v[at];
    if (value === undefined || value === '') return undefined;
    if (typeof value === 'string') return value;
    this.list.push(`${PATHS[at]}: expected a string, got ${show(value)}`);
    return undefined;
  }
  /** An optional byte count or size: a finite number ≥ 0. */
  optAmount(v: unknown[], at: number): number | undefined {
    const value = v[at];
    if (value === undefined) return undefined;
    if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
    this.list.push(`${PATHS[at]}: expected a finite non-negative number, got ${show(value)}`);
    return undefined;
  }
  /** An optional coordinate in degrees within ±limit. */
  optDegrees(v: unknown[], at: number, limit: number): number | undefined {
    const value = v[at];
    if (value === undefined) return undefined;
    if (typeof value === 'number' && value >= -limit && value <= limit) return value;
    this.list.push(`${PATHS[at]}: expected a number of degrees between -${limit} and ${limit}, got ${show(value)}`);
    return undefined;
  }
}

function timestampProblem(value: unknown): string {
  if (typeof value !== 'string') return `@timestamp: expected an ISO-8601 string, got ${show(value)}`;
  if (ISO_WITHOUT_ZONE.test(value)) {
    return `@timestamp: ${show(value)} has no time zone; add Z or an offset such as +01:00`;
  }
  return `@timestamp: ${show(value)} is not an ISO-8601 timestamp with Z or an offset (e.g. 2024-01-31T13:45:00Z)`;
}

function readCategory(value: unknown, p: Problems): EventCategory | undefined {
  if (value === undefined) {
    p.add('event.category: missing');
    return undefined;
  }
  if (typeof value === 'string') {
    if (CATEGORY_SET.has(value)) return value as EventCategory;
    p.add(`event.category: ${show(value)} is not one of ${CATEGORY_LIST}`);
    return undefined;
  }
  // ECS defines event.category as an array (Beats and Elastic Agent send ["authentication"]);
  // the first value riskgraph knows is the one used.
  if (Array.isArray(value)) {
    for (const item of value) {
      if (typeof item === 'string' && CATEGORY_SET.has(item)) return item as EventCategory;
    }
    p.add(`event.category: none of [${value.map(show).join(', ')}] is one of ${CATEGORY_LIST}`);
    return undefined;
  }
  p.add(`event.category: expected a string, got ${show(value)}`);
  return undefined;
}

function readOutcome(value: unknown, p: Problems): Outcome {
  if (value === undefined) return 'unknown';
  if (value === 'success' || value === 'failure' || value === 'unknown') return value;
  if (typeof value === 'string') {
    const v = value.toLowerCase();
    if (v === 'success' || v === 'failure' || v === 'unknown') return v;
  }
  p.add(`event.outcome: ${show(value)} is not one of success, failure, unknown`);
  return 'unknown';
}

function readEmailTo(value: unknown, p: Problems): string[] | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value === '' ? undefined : [value.toLowerCase()];
  if (Array.isArray(value)) {
    const out: string[] = [];
    for (const item of value) {
      if (typeof item !== 'string') {
        p.add(`email.to.address: expected strings, got ${show(item)} in the array`);
        return undefined;
      }
      if (item !== '') out.push(item.toLowerCase());
    }
    return out.length > 0 ? out : undefined;
  }
  p.add(`email.to.address: expected a string or an array of strings, got ${show(value)}`);
  return undefined;
}

/** `email.attachments`: an array of `{file:{size}}` (or `{"file.size":…}`); count and total bytes. */
function readAttachments(value: unknown, p: Problems, out: NormalizedEvent): void {
  if (value === undefined) return;
  if (!Array.isArray(value)) {
    p.add(`email.attachments: expected an array of {file:{size}}, got ${show(value)}`);
    return;
  }
  let bytes = 0;
  let sized = 0;
  for (let i = 0; i < value.length; i++) {
    const item: unknown = value[i];
    if (!isObject(item)) {
      p.add(`email.attachments[${i}]: expected an object {file:{size}}, got ${show(item)}`);
      return;
    }
    const file = item['file'];
    const size = isObject(file) ? file['size'] : item['file.size'];
    if (size === undefined || size === null) continue;
    if (typeof size !== 'number' || !Number.isFinite(size) || size < 0) {
      p.add(`email.attachments[${i}].file.size: expected a finite non-negative number, got ${show(size)}`);
      return;
    }
    bytes += size;
    sized++;
  }
  out.attachments = value.length;
  if (sized > 0) out.attachmentBytes = bytes;
}

function readHr(v: unknown[], userId: string, p: Problems): HrRecord {
  const hr: HrRecord = { userId };
  const name = p.optString(v, HR_NAME);
  if (name !== undefined) hr.name = name;
  const email = p.optString(v, HR_EMAIL);
  if (email !== undefined) hr.email = email.toLowerCase();
  const department = p.optString(v, HR_DEPARTMENT);
  if (department !== undefined) hr.department = department;
  const title = p.optString(v, HR_TITLE);
  if (title !== undefined) hr.title = title;
  const manager = p.optString(v, HR_MANAGER);
  if (manager !== undefined) hr.manager = manager;
  const location = p.optString(v, HR_LOCATION);
  if (location !== undefined) hr.location = location;
  const statusValue = v[HR_STATUS];
  if (statusValue !== undefined) {
    const status = typeof statusValue === 'string' ? statusValue.toUpperCase() : '';
    if (STATUS_SET.has(status)) hr.status = status as EmploymentStatus;
    else p.add(`riskgraph.hr.status: ${show(statusValue)} is not one of ${STATUS_LIST}`);
  }
  const effective = readHrDate(v, HR_EFFECTIVE_DATE, p);
  if (effective !== undefined) hr.effectiveDate = effective;
  const lastDay = readHrDate(v, HR_LAST_DAY, p);
  if (lastDay !== undefined) hr.lastDay = lastDay;
  return hr;
}

function readHrDate(v: unknown[], at: number, p: Problems): number | undefined {
  const value = v[at];
  if (value === undefined || value === '') return undefined;
  const ms = typeof value === 'string' ? parseIsoDateOrTimestamp(value) : Number.NaN;
  if (!Number.isNaN(ms)) return ms;
  p.add(`${PATHS[at]}: ${show(value)} is not an ISO-8601 date (YYYY-MM-DD) or timestamp with a zone`);
  return undefined;
}

/** Lower-case host of a URL: after `scheme://` if any, before the path, without user info or port. */
export function domainOfUrl(url: string): string | undefined {
  let start = 0;
  const sep = url.indexOf('://');
  if (sep > 0) {
    let scheme = true;
    for (let i = 0; i < sep && scheme; i++) {
      const c = url.charCodeAt(i) | 0x20; // ASCII lower-case
      scheme = (c >= 97 && c <= 122) || (i > 0 && ((c >= 48 && c <= 57) || c === 0x2b || c === 0x2d || c === 0x2e));
    }
    if (scheme) start = sep + 3;
  } else if (url.startsWith('//')) {
    start = 2;
  }
  let end = url.length;
  for (let i = start; i < end; i++) {
    const c = url.charCodeAt(i);
    if (c === 47 || c === 63 || c === 35 || c === 92) end = i; // / ? # \
  }
  let host = url.slice(start, end);
  const at = host.lastIndexOf('@');
  if (at >= 0) host = host.slice(at + 1);
  if (host.startsWith('[')) {
    const close = host.indexOf(']');
    if (close > 0) host = host.slice(0, close + 1);
  } else {
    const colon = host.indexOf(':');
    if (colon >= 0) host = host.slice(0, colon);
  }
  return host === '' ? undefined : host.toLowerCase();
}

function validate(f: EcsFields, content: string): NormalizedEvent | string {
  const v = f.values;
  const p = new Problems(f.errors);

  let ts = Number.NaN;
  const timestamp = v[TIMESTAMP];
  if (timestamp === undefined) p.add('@timestamp: missing');
  else {
    ts = typeof timestamp === 'string' ? parseIsoTimestamp(timestamp) : Number.NaN;
    if (Number.isNaN(ts)) p.add(timestampProblem(timestamp));
  }

  const category = readCategory(v[CATEGORY], p);

  let action = '';
  const actionValue = v[ACTION];
  if (actionValue === undefined) p.add('event.action: missing');
  else if (typeof actionValue !== 'string') p.add(`event.action: expected a string, got ${show(actionValue)}`);
  else if (actionValue.trim() === '') p.add('event.action: empty');
  else action = actionValue.toLowerCase();

  const outcome = readOutcome(v[OUTCOME], p);

  let user: string | undefined;
  const userValue = v[USER];
  if (userValue === undefined) {
    if (category !== 'malware') p.add('user.name: missing (required except for event.category malware)');
  } else if (typeof userValue !== 'string') p.add(`user.name: expected a string, got ${show(userValue)}`);
  else if (userValue.trim() === '') p.add('user.name: empty');
  else user = userValue;

  let id: string | undefined;
  const idValue = v[EVENT_ID];
  if (idValue !== undefined) {
    if (typeof idValue === 'string' && idValue !== '') id = idValue;
    else p.add(`event.id: expected a non-empty string, got ${show(idValue)}`);
  }

  const event: NormalizedEvent = {
    id: '',
    ts,
    category: category ?? 'host',
    action,
    outcome,
  };
  if (user !== undefined) event.user = user;
  const host = p.optString(v, HOST);
  if (host !== undefined) event.host = host;
  const ip = p.optString(v, IP);
  if (ip !== undefined) event.ip = ip;
  const country = p.optString(v, COUNTRY);
  if (country !== undefined) event.country = country;
  const city = p.optString(v, CITY);
  if (city !== undefined) event.city = city;
  const lat = p.optDegrees(v, LAT, 90);
  const lon = p.optDegrees(v, LON, 180);
  if (lat !== undefined && lon !== undefined) {
    event.lat = lat;
    event.lon = lon;
  } else if ((v[LAT] === undefined) !== (v[LON] === undefined)) {
    p.add('source.geo.location: lat and lon must be given together');
  }
  const destAddress = p.optString(v, DEST_ADDRESS);
  const destDomain = p.optString(v, DEST_DOMAIN);
  const asset = destAddress ?? destDomain;
  if (asset !== undefined) event.asset = asset;
  const app = p.optString(v, APP);
  if (app !== undefined) event.app = app;
  const urlOriginal = p.optString(v, URL_ORIGINAL);
  const urlDomain = p.optString(v, URL_DOMAIN);
  const domain = urlDomain !== undefined ? urlDomain.toLowerCase() : urlOriginal !== undefined ? domainOfUrl(urlOriginal) : undefined;
  if (domain !== undefined) event.domain = domain;
  if (urlOriginal !== undefined) event.url = urlOriginal;
  const filePath = p.optString(v, FILE_PATH);
  if (filePath !== undefined) event.filePath = filePath;
  const fileSize = p.optAmount(v, FILE_SIZE);
  if (fileSize !== undefined) event.fileSize = fileSize;
  const emailTo = readEmailTo(v[EMAIL_TO], p);
  if (emailTo !== undefined) event.emailTo = emailTo;
  readAttachments(v[ATTACHMENTS], p, event);
  const bytesOut = p.optAmount(v, BYTES_OUT);
  if (bytesOut !== undefined) event.bytesOut = bytesOut;
  const bytesIn = p.optAmount(v, BYTES_IN);
  if (bytesIn !== undefined) event.bytesIn = bytesIn;
  const command = p.optString(v, COMMAND_LINE);
  if (command !== undefined && command.trim() !== '') event.command = command.length > MAX_COMMAND_LENGTH ? command.slice(0, MAX_COMMAND_LENGTH) : command;
  const interactive = v[INTERACTIVE];
  if (interactive !== undefined) {
    if (typeof interactive === 'boolean') event.interactive = interactive;
    else p.add(`process.interactive: expected true or false, got ${show(interactive)}`);
  }
  const protocol = p.optString(v, PROTOCOL);
  if (protocol !== undefined) event.protocol = protocol.toLowerCase();
  // riskgraph.secret.id is the documented field; labels.secret_id lets a shipper that may only
  // add ECS labels name the secret. The first wins when both are given.
  const secretId = p.optString(v, SECRET_ID) ?? p.optString(v, LABEL_SECRET_ID);
  if (secretId !== undefined) event.secretId = secretId;
  else if (action === SECRET_ACCESS) p.add(`riskgraph.secret.id: missing (a ${SECRET_ACCESS} event names the secret checked out, in riskgraph.secret.id or labels.secret_id)`);

  if (f.hrSeen) {
    if (category !== undefined && category !== 'iam') {
      p.add(`riskgraph.hr: only allowed with event.category iam, not ${category}`);
    } else if (user !== undefined) {
      event.hr = readHr(v, user, p);
    }
  } else if (action === 'hr_update' && category === 'iam') {
    p.add('riskgraph.hr: missing (an iam hr_update event carries the HR record)');
  }

  if (p.list.length > 0) return p.list.join('; ');
  event.id = id ?? hash('sha1', content);
  return event;
}
