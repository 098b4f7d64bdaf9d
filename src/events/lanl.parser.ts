/**
 * LANL "Comprehensive, Multi-Source Cyber-Security Events" `auth.txt`: one authentication per
 * line, `time,src_user@domain,dst_user@domain,src_computer,dst_computer,auth_type,logon_type,
 * auth_orientation,success/failure`, `?` for an unknown value.
 *
 * The acting user is the source user as written (`U12@DOM1`), the device is the source
 * computer and the asset reached is the destination computer. The destination user, the
 * authentication type and the logon type have no place in the event model and are dropped.
 */
import { hash } from 'node:crypto';
import type { NormalizedEvent } from './event.ts';
import { show } from './dead-letter.ts';

/**
 * LANL times are seconds since an undisclosed start (the data set is anonymised), so the
 * importer anchors them at this instant by default. Any fixed base keeps intervals, hour of
 * day and day of week self-consistent; 2015-01-01 is a Thursday near the publication date.
 */
export const DEFAULT_LANL_EPOCH = Date.UTC(2015, 0, 1);

const FIELD_COUNT = 9;

const ORIENTATIONS: Readonly<Record<string, string>> = {
  LogOn: 'logon',
  LogOff: 'logoff',
  TGS: 'kerberos_tgs',
  TGT: 'kerberos_tgt',
  AuthMap: 'auth_map',
};

/**
 * Logon types that put a person at a desktop. Only these open and close riskgraph sessions;
 * other LogOn/LogOff lines (network logons to a remote computer, batch, service) become
 * `remote_logon` / `remote_logoff`, or every SMB access would cut the user's session.
 */
const INTERACTIVE_LOGON_TYPES = new Set(['Interactive', 'RemoteInteractive', 'CachedInteractive', 'Unlock']);

export type LanlLineResult = NormalizedEvent | string | undefined;

/** `?` and empty both mean unknown. */
function known(value: string): string | undefined {
  return value === '?' || value === '' ? undefined : value;
}

/**
 * A parser for one auth.txt stream; a string result is a dead-letter reason, `undefined` a
 * blank line. It is stateful because of ids: LANL has none, and a line can repeat verbatim
 * (the same authentication twice in one second: two events, not one). The id is a hash of
 * the line and of how many identical lines came before it in the same second, so repeats get
 * distinct ids while re-importing the file gives every event the same id again (ingestion is
 * idempotent on ids). Counting within the second rather than only consecutive repeats also
 * keeps `A, B, A` in one second as three events. The file is sorted by time, so the count
 * table holds one second's lines at most.
 */
export function createLanlParser(epochMs: number = DEFAULT_LANL_EPOCH): (line: string) => LanlLineResult {
  let second = '';
  const seen = new Map<string, number>();
  return (line: string): LanlLineResult => {
    const text = line.trim();
    if (text === '') return undefined;
    const comma = text.indexOf(',');
    const time = comma < 0 ? text : text.slice(0, comma);
    if (time !== second) {
      second = time;
      seen.clear();
    }
    const repeats = seen.get(text) ?? 0;
    seen.set(text, repeats + 1);
    return mapLanlLine(text, epochMs, repeats);
  };
}

function mapLanlLine(text: string, epochMs: number, repeats: number): NormalizedEvent | string {
  const f = text.split(',');
  if (f.length !== FIELD_COUNT) return `expected ${FIELD_COUNT} comma-separated fields, got ${f.length}`;
  const [time, srcUser, , srcComputer, dstComputer, , logonType, orientation, result] = f as [
    string, string, string, string, string, string, string, string, string,
  ];
  const problems: string[] = [];
  const seconds = Number(time);
  if (time === '' || !Number.isSafeInteger(seconds) || seconds < 0) {
    problems.push(`time: ${show(time)} is not a whole, non-negative number of seconds`);
  }
  const user = known(srcUser);
  if (user === undefined) problems.push(`source user: unknown (${show(srcUser)})`);
  let action = 'unknown';
  const o = known(orientation);
  if (o !== undefined) action = ORIENTATIONS[o] ?? o.toLowerCase();
  if ((action === 'logon' || action === 'logoff') && !INTERACTIVE_LOGON_TYPES.has(logonType)) action = `remote_${action}`;
  let outcome: NormalizedEvent['outcome'] = 'unknown';
  if (result === 'Success') outcome = 'success';
  else if (result === 'Fail' || result === 'Failure') outcome = 'failure';
  else if (known(result) !== undefined) problems.push(`success/failure: ${show(result)} is not Success or Fail`);
  if (problems.length > 0) return problems.join('; ');

  const event: NormalizedEvent = {
    id: hash('sha1', repeats === 0 ? text : `${text}\n${repeats}`),
    ts: epochMs + seconds * 1000,
    category: 'authentication',
    action,
    outcome,
    user,
  };
  const host = known(srcComputer);
  if (host !== undefined) event.host = host;
  const asset = known(dstComputer);
  if (asset !== undefined) event.asset = asset;
  return event;
}
