/**
 * Strict, allocation-free timestamp parsing for the importers' hot paths. `Date.parse` is
 * neither strict (it guesses a local zone for `2024-01-31T10:00:00`) nor fast, and `Date.UTC`
 * maps years 0–99 to 1900–1999, so the civil date is converted here directly.
 */

const MS_PER_DAY = 86_400_000;

/** Days since 1970-01-01 for a proleptic Gregorian date (H. Hinnant, "days_from_civil"). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Epoch ms UTC for valid civil fields, NaN when any is out of range. */
export function utcMs(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  ms: number,
): number {
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return Number.NaN;
  if (hour > 23 || minute > 59 || second > 59) return Number.NaN;
  return daysFromCivil(year, month, day) * MS_PER_DAY + ((hour * 60 + minute) * 60 + second) * 1000 + ms;
}

/** The value of `n` ASCII digits at `s[at…]`, or -1 when any is not a digit. */
export function digits(s: string, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const d = s.charCodeAt(i) - 48;
    if (!(d >= 0 && d <= 9)) return -1; // written so that NaN (past the end) fails too
    v = v * 10 + d;
  }
  return v;
}

/**
 * ISO-8601 / RFC 3339 timestamp with an explicit zone:
 * `YYYY-MM-DDTHH:MM[:SS[.fff…]](Z|±HH[:MM]|±HHMM)`; epoch ms UTC, or NaN.
 * A time without a zone is rejected: its instant would depend on the importing machine.
 * Digits beyond milliseconds are truncated.
 */
export function parseIsoTimestamp(s: string): number {
  const year = digits(s, 0, 4);
  const month = digits(s, 5, 2);
  const day = digits(s, 8, 2);
  const hour = digits(s, 11, 2);
  const minute = digits(s, 14, 2);
  if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0) return Number.NaN;
  const t = s.charCodeAt(10);
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || (t !== 84 && t !== 116) || s.charCodeAt(13) !== 58) {
    return Number.NaN;
  }
  let i = 16;
  let second = 0;
  let ms = 0;
  if (s.charCodeAt(i) === 58) {
    second = digits(s, i + 1, 2);
    if (second < 0) return Number.NaN;
    i += 3;
    if (s.charCodeAt(i) === 46 || s.charCodeAt(i) === 44) {
      i++;
      const from = i;
      let scale = 100;
      for (let d = s.charCodeAt(i) - 48; d >= 0 && d <= 9; d = s.charCodeAt(++i) - 48) {
        ms += d * scale;
        scale /= 10;
      }
      if (i === from) return Number.NaN;
      ms = Math.floor(ms);
    }
  }
  const base = utcMs(year, month, day, hour, minute, second, ms);
  const z = s.charCodeAt(i);
  if (z === 90 || z === 122) return i + 1 === s.length ? base : Number.NaN; // Z, z
  if (z !== 43 && z !== 45) return Number.NaN; // +, -
  const offH = digits(s, i + 1, 2);
  let offM = 0;
  let end = i + 3;
  if (end < s.length) {
    const colon = s.charCodeAt(end) === 58 ? 1 : 0;
    offM = digits(s, end + colon, 2);
    end += colon + 2;
  }
  if (offH < 0 || offH > 23 || offM < 0 || offM > 59 || end !== s.length) return Number.NaN;
  const offset = (offH * 60 + offM) * 60_000;
  return z === 43 ? base - offset : base + offset;
}

/** `YYYY-MM-DD` as UTC midnight, or a full timestamp as above; epoch ms, or NaN. */
export function parseIsoDateOrTimestamp(s: string): number {
  if (s.length === 10) {
    const year = digits(s, 0, 4);
    const month = digits(s, 5, 2);
    const day = digits(s, 8, 2);
    if (year < 0 || month < 0 || day < 0 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return Number.NaN;
    return utcMs(year, month, day, 0, 0, 0, 0);
  }
  return parseIsoTimestamp(s);
}
