/**
 * Threat-intelligence and malware facts: the event's source or destination address is on the
 * IP list, its web domain (or a parent of it) or a mail recipient's domain is on the domain
 * list, or it happens on a device where malware was detected within validDays.
 */
import { domainMatches } from '../profiles/session-features.ts';
import { formatDuration, formatTime } from './format.ts';
import { type Baseline, defineEventIndicator, type Evidence, factHolds, param } from './indicator.ts';

export type IntelEvidence = Evidence<Extract<Baseline, { kind: 'threat-intel' }>>;
export type MalwareEvidence = Evidence<Extract<Baseline, { kind: 'malware' }>>;

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

export const threatIntelIp = defineEventIndicator<IntelEvidence>({
  id: 'threat-intel-ip',
  family: 'threat-intel',
  title: 'Address on a threat-intelligence list',
  description: "The event's source address, or a destination given as an address, is on the threat-intelligence IP list (exact match).",
  dataSources: ['threat-intel'],
  anchorScore: 50,
  test: { kind: 'fact' },
  basis: 'none',
  exfiltration: false,
  params: {},
  collect(ctx) {
    const list = ctx.threatIntel?.ips;
    if (list === undefined || list.size === 0) return [];
    const e = ctx.event;
    const candidates: Array<[string, string]> = [];
    if (e.ip !== undefined) candidates.push(['source address', e.ip]);
    if (e.asset !== undefined && (IPV4.test(e.asset) || e.asset.includes(':'))) candidates.push(['destination address', e.asset]);
    return candidates
      .filter(([, ip]) => list.has(ip))
      .map(([label, ip]) => ({
        observed: { label, value: ip, display: ip },
        test: { kind: 'fact' as const, fact: `${ip} is listed`, holds: true },
        baseline: { kind: 'threat-intel' as const, list: 'ip' as const, entry: ip, listSize: list.size },
        eventIds: [e.id],
        at: e.ts,
        facts: { direction: label },
      }));
  },
  holds: (e) => factHolds(e) && e.baseline.entry === e.observed.value,
  explain(e) {
    return `${e.facts['direction']} ${e.observed.display} is on the threat-intelligence IP list (${e.baseline.listSize} entries)`;
  },
});

export const threatIntelDomain = defineEventIndicator<IntelEvidence>({
  id: 'threat-intel-domain',
  family: 'threat-intel',
  title: 'Domain on a threat-intelligence list',
  description:
    "The event's web domain, or the domain of a mail recipient, is on the threat-intelligence domain list or is a subdomain of a listed domain.",
  dataSources: ['threat-intel'],
  anchorScore: 50,
  test: { kind: 'fact' },
  basis: 'none',
  exfiltration: false,
  params: {},
  collect(ctx) {
    const list = ctx.threatIntel?.domains;
    if (list === undefined || list.size === 0) return [];
    const e = ctx.event;
    const candidates: Array<[string, string]> = [];
    if (e.domain !== undefined) candidates.push(['web domain', e.domain.toLowerCase()]);
    for (const to of e.emailTo ?? []) {
      const at = to.lastIndexOf('@');
      if (at >= 0) candidates.push(['mail recipient domain', to.slice(at + 1).toLowerCase()]);
    }
    const out: IntelEvidence[] = [];
    for (const [label, domain] of candidates) {
      const entry = listedParent(domain, list);
      if (entry === null) continue;
      out.push({
        observed: { label, value: domain, display: domain },
        test: { kind: 'fact', fact: `${domain} matches listed ${entry}`, holds: true },
        baseline: { kind: 'threat-intel', list: 'domain', entry, listSize: list.size },
        eventIds: [e.id],
        at: e.ts,
        facts: { direction: label },
      });
    }
    return out;
  },
  holds: (e) => factHolds(e) && domainMatches(String(e.observed.value), e.baseline.entry),
  explain(e) {
    const via = e.baseline.entry === e.observed.value ? '' : ` (a subdomain of listed ${e.baseline.entry})`;
    return `${e.facts['direction']} ${e.observed.display} is on the threat-intelligence domain list${via} (${e.baseline.listSize} entries)`;
  },
});

/** The listed domain that `domain` equals or falls under, most specific first; null when none. */
function listedParent(domain: string, list: ReadonlySet<string>): string | null {
  let d = domain;
  for (;;) {
    if (list.has(d)) return d;
    const dot = d.indexOf('.');
    if (dot < 0) return null;
    d = d.slice(dot + 1);
  }
}

export const malwareOnDevice = defineEventIndicator<MalwareEvidence>({
  id: 'malware-on-device',
  family: 'threat-intel',
  title: 'Activity on a device with malware',
  description: 'The user acts on a device where malware was detected within the previous validDays days.',
  dataSources: ['malware'],
  anchorScore: 40,
  test: { kind: 'fact' },
  basis: 'none',
  exfiltration: false,
  params: { validDays: 30 },
  collect(ctx, self) {
    const e = ctx.event;
    const fact = e.host === undefined ? undefined : ctx.malwareDevices?.get(e.host);
    if (e.host === undefined || fact === undefined) return [];
    const age = e.ts - fact.malwareAt;
    const holds = age >= 0 && age <= param(self, 'validDays') * 86_400_000;
    return [
      {
        observed: { label: 'device', value: e.host, display: e.host },
        test: { kind: 'fact', fact: `malware detected ${formatDuration(Math.abs(age))} ${age >= 0 ? 'before' : 'after'}`, holds },
        baseline: { kind: 'malware', host: e.host, malwareAt: fact.malwareAt, signature: fact.signature },
        eventIds: [e.id],
        at: e.ts,
        facts: { ageMs: age, validDays: param(self, 'validDays') },
      },
    ];
  },
  holds: (e, self) => {
    const age = e.facts['ageMs'] as number;
    return age >= 0 && age <= param(self, 'validDays') * 86_400_000;
  },
  explain(e) {
    const b = e.baseline;
    return `activity on ${e.observed.display}, where malware${b.signature === null ? '' : ` (${b.signature})`} was detected at ${formatTime(b.malwareAt)}, ${formatDuration(e.facts['ageMs'] as number)} earlier`;
  },
});
