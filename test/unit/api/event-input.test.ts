import { describe, expect, it } from 'vitest';
import { mapEventInput, toEcsRecord } from '../../../src/api/event-input.ts';

const base = { timestamp: new Date(Date.UTC(2026, 4, 4, 9)), category: 'web', action: 'http_request', user: 'alice' };

describe('EventInput to the ECS mapper', () => {
  it('spells the input as dotted ECS fields and maps it like an NDJSON line', () => {
    const input = { ...base, id: 'e1', urlDomain: 'Example.org', bytesOut: 10, attachmentSizes: [5, 7], latitude: 1, longitude: 2 };
    expect(toEcsRecord(input)).toMatchObject({
      '@timestamp': '2026-05-04T09:00:00.000Z',
      'event.id': 'e1',
      'url.domain': 'Example.org',
      'source.bytes': 10,
      'email.attachments': [{ file: { size: 5 } }, { file: { size: 7 } }],
    });
    expect(mapEventInput(input, 'events[0]')).toMatchObject({ id: 'e1', user: 'alice', domain: 'example.org', bytesOut: 10, attachments: 2, attachmentBytes: 12 });
  });

  it("renames the mapper's ECS field names to the input's", () => {
    expect(mapEventInput({ ...base, user: null, latitude: 95, longitude: 0, fileSize: -1 }, 'events[3]')).toEqual([
      'events[3].user: missing (required except for event.category malware)',
      'events[3].latitude: expected a number of degrees between -90 and 90, got 95',
      'events[3].fileSize: expected a finite non-negative number, got -1',
    ]);
  });

  it('gives events without an id a content id, the same for the same event', () => {
    const a = mapEventInput(base, 'e');
    const b = mapEventInput({ ...base }, 'e');
    expect(typeof a === 'object' && !Array.isArray(a) && typeof b === 'object' && !Array.isArray(b) && a.id === b.id).toBe(true);
  });

  it('carries privileged-session fields: command line, terminal, protocol and the secret checked out', () => {
    const cmd = { ...base, category: 'process', action: 'command', commandLine: 'whoami /all', interactive: true, protocol: 'RDP' };
    expect(mapEventInput(cmd, 'e')).toMatchObject({ command: 'whoami /all', interactive: true, protocol: 'rdp' });
    const checkout = { ...base, category: 'iam', action: 'secret_access', secretId: 'prod/db/root' };
    expect(mapEventInput(checkout, 'e')).toMatchObject({ secretId: 'prod/db/root' });
    expect(mapEventInput({ ...checkout, secretId: null }, 'events[1]')).toEqual([
      'events[1].secretId: missing (a secret_access event names the secret checked out, in riskgraph.secret.id or labels.secret_id)',
    ]);
  });
});
