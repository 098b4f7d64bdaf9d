import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { domainOfUrl, jsonErrorPosition, mapEcsRecord, parseEcsLine } from '../../src/events/ecs.parser.ts';
import type { NormalizedEvent } from '../../src/events/event.ts';

const T0 = Date.UTC(2024, 2, 1, 8, 0, 0);

function parse(record: unknown): NormalizedEvent | string | undefined {
  return parseEcsLine(JSON.stringify(record));
}

const nested = {
  '@timestamp': '2024-03-01T08:00:00Z',
  event: { id: 'ev-1', category: 'web', action: 'HTTP_Request', outcome: 'success' },
  user: { name: 'jdoe' },
  host: { name: 'PC-17' },
  source: {
    ip: '10.0.0.5',
    bytes: 2048,
    geo: { country_iso_code: 'US', city_name: 'Pittsburgh', location: { lat: 40.44, lon: -79.99 } },
  },
  destination: { address: 'proxy-1', domain: 'ignored.example', bytes: 512 },
  service: { name: 'browser' },
  url: { original: 'https://WWW.Example.com:8443/a?b=c', domain: 'WWW.Example.COM' },
  file: { path: 'C:\\tmp\\a.zip', size: 4096 },
  email: { to: { address: ['Boss@Example.com', 'x@y.org'] }, attachments: [{ file: { size: 100 } }, { file: { size: 50 } }, {}] },
  agent: { type: 'filebeat' },
};

const expected: NormalizedEvent = {
  id: 'ev-1',
  ts: T0,
  category: 'web',
  action: 'http_request',
  outcome: 'success',
  user: 'jdoe',
  host: 'PC-17',
  ip: '10.0.0.5',
  country: 'US',
  city: 'Pittsburgh',
  lat: 40.44,
  lon: -79.99,
  asset: 'proxy-1',
  app: 'browser',
  domain: 'www.example.com',
  url: 'https://WWW.Example.com:8443/a?b=c',
  filePath: 'C:\\tmp\\a.zip',
  fileSize: 4096,
  emailTo: ['boss@example.com', 'x@y.org'],
  attachments: 3,
  attachmentBytes: 150,
  bytesOut: 2048,
  bytesIn: 512,
};

describe('ECS line parser: valid records', () => {
  it('maps every field of a nested record onto the normalized event', () => {
    expect(parse(nested)).toStrictEqual(expected);
  });

  it('gives the same event for the flat dotted and the mixed spelling', () => {
    const flat = {
      '@timestamp': '2024-03-01T08:00:00Z',
      'event.id': 'ev-1',
      'event.category': 'web',
      'event.action': 'HTTP_Request',
      'event.outcome': 'success',
      'user.name': 'jdoe',
      'host.name': 'PC-17',
      'source.ip': '10.0.0.5',
      'source.bytes': 2048,
      'source.geo.country_iso_code': 'US',
      'source.geo.city_name': 'Pittsburgh',
      'source.geo.location.lat': 40.44,
      'source.geo.location.lon': -79.99,
      'destination.address': 'proxy-1',
      'destination.domain': 'ignored.example',
      'destination.bytes': 512,
      'service.name': 'browser',
      'url.original': 'https://WWW.Example.com:8443/a?b=c',
      'url.domain': 'WWW.Example.COM',
      'file.path': 'C:\\tmp\\a.zip',
      'file.size': 4096,
      'email.to.address': ['Boss@Example.com', 'x@y.org'],
      'email.attachments': [{ 'file.size': 100 }, { file: { size: 50 } }, {}],
    };
    const mixed = {
      '@timestamp': '2024-03-01T08:00:00Z',
      event: { id: 'ev-1', 'category': 'web' },
      'event.action': 'HTTP_Request',
      'event.outcome': 'success',
      user: { name: 'jdoe' },
      'host.name': 'PC-17',
      source: { ip: '10.0.0.5', bytes: 2048, 'geo.country_iso_code': 'US', geo: { city_name: 'Pittsburgh', 'location.lat': 40.44 }, 'geo.location': { lon: -79.99 } },
      'destination': { address: 'proxy-1', bytes: 512 },
      'service.name': 'browser',
      url: { original: 'https://WWW.Example.com:8443/a?b=c', domain: 'WWW.Example.COM' },
      file: { path: 'C:\\tmp\\a.zip', size: 4096 },
      email: { 'to.address': ['Boss@Example.com', 'x@y.org'], attachments: [{ file: { size: 100 } }, { file: { size: 50 } }, {}] },
    };
    expect(parse(flat)).toStrictEqual(expected);
    expect(parse(mixed)).toStrictEqual(expected);
  });

  it('hashes the trimmed line into the id when event.id is absent, so re-imports are idempotent', () => {
    const line = JSON.stringify({ '@timestamp': '2024-03-01T08:00:00Z', 'event.category': 'authentication', 'event.action': 'logon', 'user.name': 'jdoe' });
    const sha1 = createHash('sha1').update(line).digest('hex');
    expect(parseEcsLine(line)).toStrictEqual({ id: sha1, ts: T0, category: 'authentication', action: 'logon', outcome: 'unknown', user: 'jdoe' });
    expect((parseEcsLine(`  ${line}\t`) as NormalizedEvent).id).toBe(sha1);
  });

  it('converts offsets, fractions and lower-case z to UTC milliseconds', () => {
    const at = (ts: string) => (parse({ '@timestamp': ts, 'event.category': 'web', 'event.action': 'a', 'user.name': 'u' }) as NormalizedEvent).ts;
    expect(at('2024-03-01T09:30:00+01:30')).toBe(T0);
    expect(at('2024-03-01T03:00:00-0500')).toBe(T0);
    expect(at('2024-03-01T10:00:00+02')).toBe(T0);
    expect(at('2024-03-01T08:00:00.123456789z')).toBe(T0 + 123);
    expect(at('2024-03-01T08:00Z')).toBe(T0);
    expect(at('2024-02-29T00:00:00Z')).toBe(Date.UTC(2024, 1, 29));
  });

  it('derives the domain from url.original when url.domain is absent', () => {
    const event = parse({ '@timestamp': '2024-03-01T08:00:00Z', 'event.category': 'web', 'event.action': 'http_request', 'user.name': 'u', 'url.original': 'http://user:pw@Mail.Example.org:8080/x' });
    expect(event).toMatchObject({ domain: 'mail.example.org', url: 'http://user:pw@Mail.Example.org:8080/x' });
  });

  it('uses destination.domain as the asset when destination.address is absent', () => {
    const event = parse({ '@timestamp': '2024-03-01T08:00:00Z', 'event.category': 'network', 'event.action': 'connect', 'user.name': 'u', destination: { domain: 'db.internal' } });
    expect(event).toMatchObject({ asset: 'db.internal' });
  });

  it('accepts a single email.to.address string and ECS array categories', () => {
    const event = parse({ '@timestamp': '2024-03-01T08:00:00Z', event: { category: ['configuration', 'email'], action: 'email_send' }, 'user.name': 'u', 'email.to.address': 'A@B.com' });
    expect(event).toMatchObject({ category: 'email', emailTo: ['a@b.com'] });
  });

  it('accepts a malware host fact without user.name', () => {
    const event = parse({ '@timestamp': '2024-03-01T08:00:00Z', 'event.id': 'm1', 'event.category': 'malware', 'event.action': 'malware_detected', 'host.name': 'PC-9' });
    expect(event).toStrictEqual({ id: 'm1', ts: T0, category: 'malware', action: 'malware_detected', outcome: 'unknown', host: 'PC-9' });
  });

  it('maps an HR update carried in riskgraph.hr', () => {
    const event = parse({
      '@timestamp': '2024-03-01T08:00:00Z',
      event: { id: 'hr-1', category: 'iam', action: 'hr_update' },
      user: { name: 'jdoe' },
      riskgraph: {
        hr: {
          name: 'John Doe', email: 'John.Doe@Corp.com', department: 'R&D', title: 'Engineer', manager: 'asmith',
          location: 'Pittsburgh', status: 'notice_given', effective_date: '2024-03-01', last_day: '2024-03-15T17:00:00-04:00',
        },
      },
    });
    expect(event).toStrictEqual({
      id: 'hr-1', ts: T0, category: 'iam', action: 'hr_update', outcome: 'unknown', user: 'jdoe',
      hr: {
        userId: 'jdoe', name: 'John Doe', email: 'john.doe@corp.com', department: 'R&D', title: 'Engineer',
        manager: 'asmith', location: 'Pittsburgh', status: 'NOTICE_GIVEN',
        effectiveDate: Date.UTC(2024, 2, 1), lastDay: Date.UTC(2024, 2, 15, 21),
      },
    });
    const flat = parse({ '@timestamp': '2024-03-01T08:00:00Z', 'event.id': 'hr-2', 'event.category': 'iam', 'event.action': 'hr_update', 'user.name': 'jdoe', 'riskgraph.hr.status': 'TERMINATED' });
    expect(flat).toMatchObject({ hr: { userId: 'jdoe', status: 'TERMINATED' } });
  });

  it('skips blank and whitespace-only lines', () => {
    expect(parseEcsLine('')).toBeUndefined();
    expect(parseEcsLine('  \t ')).toBeUndefined();
  });
});

describe('ECS line parser: rejected records name the field and the problem', () => {
  const valid = { '@timestamp': '2024-03-01T08:00:00Z', 'event.category': 'web', 'event.action': 'http_request', 'user.name': 'u' };
  const cases: [string, Record<string, unknown>, string][] = [
    ['missing @timestamp', { ...valid, '@timestamp': undefined }, '@timestamp: missing'],
    ['timestamp without zone', { ...valid, '@timestamp': '2024-03-01T08:00:00' }, "@timestamp: '2024-03-01T08:00:00' has no time zone; add Z or an offset such as +01:00"],
    ['space-separated timestamp', { ...valid, '@timestamp': '2024-03-01 08:00:00Z' }, "@timestamp: '2024-03-01 08:00:00Z' is not an ISO-8601 timestamp with Z or an offset (e.g. 2024-01-31T13:45:00Z)"],
    ['impossible date', { ...valid, '@timestamp': '2023-02-29T08:00:00Z' }, "@timestamp: '2023-02-29T08:00:00Z' is not an ISO-8601 timestamp with Z or an offset (e.g. 2024-01-31T13:45:00Z)"],
    ['numeric timestamp', { ...valid, '@timestamp': 1709280000000 }, '@timestamp: expected an ISO-8601 string, got 1709280000000'],
    ['unknown category', { ...valid, 'event.category': 'foo' }, "event.category: 'foo' is not one of authentication, web, file, email, network, session, host, malware, iam, process"],
    ['missing category', { ...valid, 'event.category': undefined }, 'event.category: missing'],
    ['missing action', { ...valid, 'event.action': undefined }, 'event.action: missing'],
    ['empty action', { ...valid, 'event.action': ' ' }, 'event.action: empty'],
    ['bad outcome', { ...valid, 'event.outcome': 'ok' }, "event.outcome: 'ok' is not one of success, failure, unknown"],
    ['missing user', { ...valid, 'user.name': undefined }, 'user.name: missing (required except for event.category malware)'],
    ['numeric user', { ...valid, 'user.name': 42 }, 'user.name: expected a string, got 42'],
    ['negative size', { ...valid, 'file.size': -1 }, 'file.size: expected a finite non-negative number, got -1'],
    ['size as a string', { ...valid, 'source.bytes': '12' }, "source.bytes: expected a finite non-negative number, got '12'"],
    ['latitude out of range', { ...valid, 'source.geo.location.lat': 91, 'source.geo.location.lon': 0 }, 'source.geo.location.lat: expected a number of degrees between -90 and 90, got 91'],
    ['lat without lon', { ...valid, 'source.geo.location.lat': 10 }, 'source.geo.location: lat and lon must be given together'],
    ['recipient not a string', { ...valid, 'email.to.address': ['a@b.c', 3] }, 'email.to.address: expected strings, got 3 in the array'],
    ['attachments not an array', { ...valid, 'email.attachments': { file: { size: 1 } } }, 'email.attachments: expected an array of {file:{size}}, got an object'],
    ['attachment size negative', { ...valid, 'email.attachments': [{ file: { size: 1 } }, { file: { size: -5 } }] }, 'email.attachments[1].file.size: expected a finite non-negative number, got -5'],
    ['user as a string', { ...valid, 'user.name': undefined, user: 'jdoe' }, "user: expected an object, got 'jdoe'; user.name: missing (required except for event.category malware)"],
    ['host.name not a string', { ...valid, 'host.name': ['a'] }, 'host.name: expected a string, got an array'],
    ['event.id not a string', { ...valid, 'event.id': 7 }, 'event.id: expected a non-empty string, got 7'],
    ['hr_update without the record', { ...valid, 'event.category': 'iam', 'event.action': 'hr_update' }, 'riskgraph.hr: missing (an iam hr_update event carries the HR record)'],
    ['hr record on a web event', { ...valid, 'riskgraph.hr.status': 'ACTIVE' }, 'riskgraph.hr: only allowed with event.category iam, not web'],
    ['bad employment status', { ...valid, 'event.category': 'iam', 'event.action': 'hr_update', 'riskgraph.hr': { status: 'FIRED' } }, "riskgraph.hr.status: 'FIRED' is not one of ACTIVE, NOTICE_GIVEN, ON_LEAVE, TERMINATED"],
    ['bad HR date', { ...valid, 'event.category': 'iam', 'event.action': 'hr_update', 'riskgraph.hr': { last_day: '15/03/2024' } }, "riskgraph.hr.last_day: '15/03/2024' is not an ISO-8601 date (YYYY-MM-DD) or timestamp with a zone"],
  ];
  for (const [name, record, reason] of cases) {
    it(`rejects ${name}`, () => {
      expect(parse(record)).toBe(reason);
    });
  }

  it('lists every problem of a record, in field order', () => {
    expect(parse({ 'event.category': 'foo', 'user.name': 'u' })).toBe(
      "@timestamp: missing; event.category: 'foo' is not one of authentication, web, file, email, network, session, host, malware, iam, process; event.action: missing",
    );
  });

  it('reports invalid JSON with the parser message and the position, without echoing the line', () => {
    expect(parseEcsLine('{"@timestamp": x}')).toBe("invalid JSON: Unexpected token 'x' at position 15");
    expect(parseEcsLine('{"a":[1,]}')).toBe("invalid JSON: Unexpected token ']' at position 8");
    expect(parseEcsLine('{"a":1')).toBe("invalid JSON: Expected ',' or '}' after property value in JSON at position 6");
    expect(parseEcsLine('{"a":1}x')).toBe('invalid JSON: Unexpected non-whitespace character after JSON at position 7');
  });

  it.each([
    ['{"a": x}', 6],
    ['{"a":[1,2,]}', 10],
    ['{"a":tru}', 8],
    ['{"a":"\\q"}', 7],
    ['{"a":-}', 6],
    ['{"a":1', 6],
    ['{"a":{"b":[true,false,null,"s",1.5e3]}} x', 40],
    ['{"a":{"b":[true,false,null,"s",1.5e3]}}', -1],
  ])('locates the JSON error in %s at %i', (text, position) => {
    expect(jsonErrorPosition(text)).toBe(position);
  });

  it('rejects JSON that is not an object', () => {
    expect(parseEcsLine('[1,2]')).toBe('expected a JSON object, got an array');
    expect(parseEcsLine('"x"')).toBe("expected a JSON object, got 'x'");
    expect(mapEcsRecord(null, 'null')).toBe('expected a JSON object, got null');
  });
});

describe('domainOfUrl', () => {
  it.each([
    ['https://Example.com/path', 'example.com'],
    ['http://ow.ly/Ifn/fsogkbhbxnckle/qnmreqnplx.jsp', 'ow.ly'],
    ['www.example.com/x?u=http://other.org/', 'www.example.com'],
    ['//cdn.example.net/lib.js', 'cdn.example.net'],
    ['http://[2001:db8::1]:8080/', '[2001:db8::1]'],
    ['ftp://u@files.example.org', 'files.example.org'],
    ['https:///nohost', undefined],
  ])('%s → %s', (url, domain) => {
    expect(domainOfUrl(url)).toBe(domain);
  });
});

describe('ECS line parser: privileged sessions and vault checkouts', () => {
  const at = '2024-03-01T08:00:00Z';

  it('reads a command of an SSH session: process.command_line, process.interactive, network.protocol', () => {
    const e = parse({
      '@timestamp': at,
      event: { id: 'cmd-1', category: ['process'], action: 'command' },
      user: { name: 'adm-rhale' },
      host: { name: 'JUMP-01' },
      destination: { address: 'DB-PROD-01' },
      network: { protocol: 'SSH' },
      process: { command_line: 'sudo cat /etc/shadow', interactive: true, pid: 4242 },
    }) as NormalizedEvent;
    expect(e).toEqual({
      id: 'cmd-1',
      ts: T0,
      category: 'process',
      action: 'command',
      outcome: 'unknown',
      user: 'adm-rhale',
      host: 'JUMP-01',
      asset: 'DB-PROD-01',
      command: 'sudo cat /etc/shadow',
      interactive: true,
      protocol: 'ssh',
    });
  });

  it('accepts the flat dotted spelling and cuts very long command lines', () => {
    const long = `echo ${'x'.repeat(5000)}`;
    const e = parse({ '@timestamp': at, 'event.category': 'process', 'event.action': 'command', 'user.name': 'a', 'process.command_line': long }) as NormalizedEvent;
    expect(e.command).toBe(long.slice(0, 2048));
  });

  it('reads a secret checkout from riskgraph.secret.id, or from labels.secret_id', () => {
    const base = { '@timestamp': at, event: { category: 'iam', action: 'secret_access', outcome: 'success' }, user: { name: 'adm-rhale' }, service: { name: 'vault' } };
    const a = parse({ ...base, riskgraph: { secret: { id: 'prod/db/root' } } }) as NormalizedEvent;
    expect(a.secretId).toBe('prod/db/root');
    expect(a.category).toBe('iam');
    expect(a.action).toBe('secret_access');
    const b = parse({ ...base, labels: { secret_id: 'prod/db/root', team: 'dba' } }) as NormalizedEvent;
    expect(b.secretId).toBe('prod/db/root');
    const both = parse({ ...base, 'riskgraph.secret.id': 'first', 'labels.secret_id': 'second' }) as NormalizedEvent;
    expect(both.secretId).toBe('first');
  });

  it('rejects a secret_access without a secret, and wrong types, naming the field', () => {
    const base = { '@timestamp': at, event: { category: 'iam', action: 'secret_access' }, user: { name: 'x' } };
    expect(parse(base)).toBe(
      'riskgraph.secret.id: missing (a secret_access event names the secret checked out, in riskgraph.secret.id or labels.secret_id)',
    );
    expect(parse({ ...base, riskgraph: { secret: { id: 7 } }, process: { interactive: 'yes' } })).toBe(
      "process.interactive: expected true or false, got 'yes'; riskgraph.secret.id: expected a string, got 7; riskgraph.secret.id: missing (a secret_access event names the secret checked out, in riskgraph.secret.id or labels.secret_id)",
    );
    expect(parse({ ...base, riskgraph: { secret: 'abc' } })).toContain('riskgraph.secret: expected an object');
  });
});
