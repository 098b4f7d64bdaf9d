/**
 * Building dead letters and the short value descriptions their reasons quote. Shared by the
 * importers so every rejected line reads the same way: `<field>: <what is wrong>`.
 */
import { DEAD_LETTER_RAW_LIMIT, type DeadLetter } from './event.ts';

/** A dead letter for `line` of `source`; `raw` is cut to DEAD_LETTER_RAW_LIMIT characters. */
export function deadLetter(source: string, line: number, reason: string, raw: string, at: number): DeadLetter {
  return {
    source,
    line,
    reason,
    raw: raw.length > DEAD_LETTER_RAW_LIMIT ? raw.slice(0, DEAD_LETTER_RAW_LIMIT) : raw,
    at,
  };
}

/** Longest quoted value in a reason; the whole line is in `raw` anyway. */
const SHOWN_VALUE_LIMIT = 80;

/** A value as a reason quotes it: strings in single quotes (cut), containers by kind. */
export function show(value: unknown): string {
  if (typeof value === 'string') {
    return value.length > SHOWN_VALUE_LIMIT ? `'${value.slice(0, SHOWN_VALUE_LIMIT)}…'` : `'${value}'`;
  }
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return String(value);
}
