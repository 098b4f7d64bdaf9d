import { describe, expect, it } from 'vitest';
import { normalizeThreatIntelValues, summarizeProblems } from '../../../src/settings/threat-intel-values.ts';

/** Threat-intelligence values are normalised to what the indicators compare, or refused by name. */
describe('threat-intelligence values', () => {
  it('keeps IPv4 and IPv6 addresses (IPv6 in lower case), trimmed and de-duplicated', () => {
    expect(normalizeThreatIntelValues('IP', [' 203.0.113.7', '2001:DB8::1', '203.0.113.7', '::ffff:10.0.0.1'], 'values')).toEqual({
      values: ['203.0.113.7', '2001:db8::1', '::ffff:10.0.0.1'],
      problems: [],
    });
  });

  it('refuses anything but an address, naming the position and the value', () => {
    expect(normalizeThreatIntelValues('IP', ['10.0.0', '10.0.0.0/8', 'evil.example', '', '256.1.1.1'], 'input.values').problems).toEqual([
      "input.values[0]: '10.0.0' is not an IPv4 or IPv6 address",
      "input.values[1]: '10.0.0.0/8' is not an IPv4 or IPv6 address (ranges are not supported; list addresses)",
      "input.values[2]: 'evil.example' is not an IPv4 or IPv6 address",
      'input.values[3]: is empty',
      "input.values[4]: '256.1.1.1' is not an IPv4 or IPv6 address",
    ]);
  });

  it('lower-cases domains, drops a root dot and stores internationalised names as punycode', () => {
    expect(normalizeThreatIntelValues('DOMAIN', ['Evil.Example.COM', 'evil.example.com.', 'bücher.example', 'xn--p1ai.example', 'a-b.c0.io'], 'values')).toEqual({
      values: ['evil.example.com', 'xn--bcher-kva.example', 'xn--p1ai.example', 'a-b.c0.io'],
      problems: [],
    });
  });

  it('refuses what is not a domain name, with a hint where it helps', () => {
    expect(normalizeThreatIntelValues('DOMAIN', ['localhost', '*.evil.com', 'http://evil.com/x', '203.0.113.7', '-bad.com', 'a..b.com', 'x.123', `${'a'.repeat(64)}.com`, 'ev il.com'], 'values').problems).toEqual([
      "values[0]: 'localhost' is not a domain name",
      "values[1]: '*.evil.com' is not a domain name (wildcards are not needed: a listed domain matches its subdomains)",
      "values[2]: 'http://evil.com/x' is not a domain name (give the domain, not a URL)",
      "values[3]: '203.0.113.7' is an IP address; list it with kind IP",
      "values[4]: '-bad.com' is not a domain name",
      "values[5]: 'a..b.com' is not a domain name",
      "values[6]: 'x.123' is not a domain name",
      `values[7]: '${'a'.repeat(64)}.com' is not a domain name`,
      "values[8]: 'ev il.com' is not a domain name",
    ]);
  });

  it('lists the first twenty problems and counts the rest', () => {
    const problems = Array.from({ length: 25 }, (_, i) => `values[${i}]: bad`);
    const message = summarizeProblems(problems);
    expect(message.startsWith('values[0]: bad; values[1]: bad')).toBe(true);
    expect(message).toContain('values[19]: bad; and 5 more');
    expect(message).not.toContain('values[20]');
  });
});
