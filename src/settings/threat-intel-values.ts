import { isIP } from 'node:net';
import { domainToASCII } from 'node:url';
import type { ThreatIntelKind } from '../store/settings.repository.ts';

/**
 * Threat-intelligence values as the analysis compares them: IP addresses exactly (IPv6 in lower
 * case), domains in lower-case ASCII (internationalised names in their punycode form, a trailing
 * root dot dropped), because the threat-intel indicators match event addresses exactly and
 * event domains lower-cased, a listed domain also matching its subdomains. Ranges, wildcards,
 * URLs and bare names are refused rather than guessed at.
 */

/** A host name of at least two labels: letters, digits and inner hyphens, 1–63 per label, 253 in all; the top-level label starts with a letter. */
const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** Problems listed in one error at most; the rest are counted. */
const MAX_LISTED_PROBLEMS = 20;

export interface NormalizedValues {
  /** Normalised, distinct, in the order given. */
  values: string[];
  /** One per bad value, naming its position and the value, e.g. `values[2]: '10.0.0' is not an IPv4 or IPv6 address`. */
  problems: string[];
}

export function normalizeThreatIntelValue(kind: ThreatIntelKind, raw: string): string | { problem: string } {
  const value = raw.trim();
  if (value.length === 0) return { problem: 'is empty' };
  if (kind === 'IP') {
    if (isIP(value) === 0) {
      const hint = value.includes('/') ? ' (ranges are not supported; list addresses)' : '';
      return { problem: `'${raw}' is not an IPv4 or IPv6 address${hint}` };
    }
    return value.toLowerCase();
  }
  if (isIP(value) !== 0) return { problem: `'${raw}' is an IP address; list it with kind IP` };
  const ascii = domainToASCII(value.replace(/\.$/, '')).toLowerCase();
  if (!DOMAIN.test(ascii)) {
    const hint = value.includes('*') ? ' (wildcards are not needed: a listed domain matches its subdomains)' : value.includes('/') ? ' (give the domain, not a URL)' : '';
    return { problem: `'${raw}' is not a domain name${hint}` };
  }
  return ascii;
}

/** Normalises every value, listing every bad one (`field[index]: …`). */
export function normalizeThreatIntelValues(kind: ThreatIntelKind, raw: readonly string[], field: string): NormalizedValues {
  const values = new Set<string>();
  const problems: string[] = [];
  raw.forEach((item, index) => {
    const normalized = normalizeThreatIntelValue(kind, item);
    if (typeof normalized === 'string') values.add(normalized);
    else problems.push(`${field}[${index}]: ${normalized.problem}`);
  });
  return { values: [...values], problems };
}

/** The problems as one message: the first MAX_LISTED_PROBLEMS, then how many more. */
export function summarizeProblems(problems: readonly string[]): string {
  const listed = problems.slice(0, MAX_LISTED_PROBLEMS).join('; ');
  return problems.length > MAX_LISTED_PROBLEMS ? `${listed}; and ${problems.length - MAX_LISTED_PROBLEMS} more` : listed;
}
