import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EVENT_CATEGORIES, OUTCOMES, type ParsedItem } from '../../src/events/event.ts';
import { parseStream } from '../../src/events/importer.ts';

/**
 * Property-based fuzzing of the three importers through their one public entry point: for any
 * input (well-formed records with hostile values, broken records, arbitrary text, split into
 * chunks anywhere, even inside a UTF-8 character), parsing never throws and always finishes,
 * and every non-blank line comes out exactly once, as a well-formed event or as a dead letter
 * with a reason. Runs are bounded (numRuns) so the unit suite stays fast.
 */
const RUNS = 150;
const SEED_OPTIONS = { numRuns: RUNS, endOnFailure: true } as const;

/** Values a field may hold in hostile input: right types, wrong types, edge cases. */
const anyValue = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom('', ' ', '\u0000', '1e400', '-1', 'NaN', '2026-05-04T09:00:00Z', '9999-99-99T99:99:99Z', 'success', 'logon'),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string(), { maxKeys: 3 }),
);

/** Mostly the valid value, sometimes a hostile one. */
const mostly = <T,>(valid: fc.Arbitrary<T>) => fc.oneof({ weight: 20, arbitrary: valid }, { weight: 1, arbitrary: anyValue });
const name = fc.stringMatching(/^[a-z][a-z0-9._-]{0,10}$/);

const ecsRecord = fc.record(
  {
    '@timestamp': mostly(fc.date({ min: new Date(0), max: new Date(Date.UTC(2100, 0, 1)), noInvalidDate: true }).map((d) => d.toISOString())),
    event: fc.record(
      {
        id: mostly(fc.string({ minLength: 1 })),
        category: mostly(fc.constantFrom(...EVENT_CATEGORIES)),
        action: mostly(fc.constantFrom('logon', 'logoff', 'http_request', 'file_copy', 'email_send', 'usb_connect', 'malware_detected')),
        outcome: mostly(fc.constantFrom(...OUTCOMES)),
      },
      { requiredKeys: ['category', 'action'] },
    ),
    user: mostly(fc.record({ name: mostly(name) })),
    host: fc.record({ name: mostly(name) }, { requiredKeys: [] }),
    source: fc.record(
      {
        ip: mostly(fc.ipV4()),
        bytes: mostly(fc.nat()),
        geo: fc.record({ country_iso_code: mostly(fc.constantFrom('GB', 'US', 'FR')), location: fc.record({ lat: mostly(fc.double({ min: -90, max: 90, noNaN: true })), lon: mostly(fc.double({ min: -180, max: 180, noNaN: true })) }) }, { requiredKeys: [] }),
      },
      { requiredKeys: [] },
    ),
    destination: fc.record({ address: mostly(name), domain: mostly(fc.domain()), bytes: mostly(fc.nat()) }, { requiredKeys: [] }),
    url: fc.record({ domain: mostly(fc.domain()), original: mostly(fc.webUrl()) }, { requiredKeys: [] }),
    file: fc.record({ path: mostly(fc.string()), size: mostly(fc.nat()) }, { requiredKeys: [] }),
    email: fc.record({ to: fc.record({ address: mostly(fc.array(fc.emailAddress(), { maxLength: 3 })) }), attachments: mostly(fc.array(fc.record({ file: fc.record({ size: fc.nat() }) }), { maxLength: 2 })) }, { requiredKeys: [] }),
    'event.category': mostly(fc.constantFrom(...EVENT_CATEGORIES)),
  },
  { requiredKeys: ['@timestamp', 'event', 'user'] },
);

const ecsLine = fc.oneof(
  { weight: 5, arbitrary: ecsRecord.map((r) => JSON.stringify(r)) },
  { weight: 1, arbitrary: fc.json() },
  { weight: 1, arbitrary: fc.string() },
  { weight: 1, arbitrary: ecsRecord.map((r) => JSON.stringify(r).slice(0, -1)) },
);

const lanlField = fc.oneof(fc.stringMatching(/^[A-Za-z0-9$@.?_-]{0,12}$/), fc.constantFrom('?', '', 'U1@DOM1', 'C1', 'LogOn', 'LogOff', 'Success', 'Fail', 'Network', 'Kerberos'));
const lanlLine = fc.oneof(
  {
    weight: 5,
    arbitrary: fc
      .tuple(
        fc.oneof({ weight: 6, arbitrary: fc.nat() }, { weight: 1, arbitrary: fc.integer() }, { weight: 1, arbitrary: fc.string() }),
        fc.constantFrom('U1@DOM1', 'U22@DOM1', 'ANONYMOUS LOGON@C586', 'C1$@DOM1'),
        fc.constantFrom('U1@DOM1', 'U22@DOM1', '?'),
        fc.constantFrom('C1', 'C586', '?'),
        fc.constantFrom('C2', 'C586', '?'),
        fc.constantFrom('Kerberos', 'NTLM', '?', 'Negotiate'),
        fc.constantFrom('Network', 'Interactive', 'Batch', '?', 'Service'),
        fc.constantFrom('LogOn', 'LogOff', 'TGS', 'TGT', 'AuthMap'),
        fc.constantFrom('Success', 'Fail'),
        fc.array(lanlField, { maxLength: 1 }),
      )
      .map(([t, ...rest]) => [String(t), ...rest.slice(0, 8), ...(rest[8] as string[])].join(',')),
  },
  { weight: 1, arbitrary: fc.tuple(fc.nat(), fc.array(lanlField, { minLength: 8, maxLength: 8 })).map(([t, rest]) => [String(t), ...rest].join(',')) },
  { weight: 1, arbitrary: fc.array(lanlField, { maxLength: 12 }).map((f) => f.join(',')) },
  { weight: 1, arbitrary: fc.string() },
);

const certDate = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 }), fc.integer({ min: 2000, max: 2030 }), fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }), fc.integer({ min: 0, max: 59 })) },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }), fc.integer({ min: 1990, max: 2030 }), fc.integer({ min: 0, max: 25 }), fc.integer({ min: 0, max: 61 }), fc.integer({ min: 0, max: 61 })) },
).map(
  ([mo, d, y, h, mi, s]) => `${String(mo).padStart(2, '0')}/${String(d).padStart(2, '0')}/${y} ${String(h).padStart(2, '0')}:${String(mi).padStart(2, '0')}:${String(s).padStart(2, '0')}`,
);
const anyCertDate = fc.oneof({ weight: 6, arbitrary: certDate }, { weight: 1, arbitrary: fc.string() });
const csvField = fc.oneof(fc.string(), fc.stringMatching(/^[a-z ]{0,10}$/), fc.constantFrom('', '"', '""', '"a,b"', 'Logon', 'Logoff', 'Connect', 'Disconnect', 'http://example.org/x', 'a;b;c', '1234'));
const certLine = (width: number) =>
  fc.oneof(
    {
      weight: 5,
      arbitrary: fc
        .tuple(fc.stringMatching(/^[A-Z0-9-]{1,8}$/), anyCertDate, name, fc.constantFrom('PC-1', 'PC-22'), fc.array(csvField, { minLength: width - 4, maxLength: width - 4 }))
        .map(([id, date, user, pc, rest]) => [`{${id}}`, date, user, pc, ...rest].join(',')),
    },
    { weight: 1, arbitrary: fc.array(csvField, { maxLength: width + 3 }).map((f) => f.join(',')) },
  );

const CERT_HEADERS: Record<string, string> = {
  'logon.csv': 'id,date,user,pc,activity',
  'device.csv': 'id,date,user,pc,activity',
  'file.csv': 'id,date,user,pc,filename,content',
  'http.csv': 'id,date,user,pc,url,content',
  'email.csv': 'id,date,user,pc,to,cc,bcc,from,size,attachments,content',
};

/** The text cut into chunks at arbitrary byte offsets (also inside multi-byte characters). */
function chunked(text: string, cuts: number[]): Uint8Array[] {
  const bytes = Buffer.from(text, 'utf8');
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const point of points) {
    chunks.push(bytes.subarray(start, point));
    start = point;
  }
  chunks.push(bytes.subarray(start));
  return chunks;
}

async function parseAll(chunks: Uint8Array[], format: 'ecs' | 'lanl' | 'cert', source: string): Promise<ParsedItem[]> {
  const items: ParsedItem[] = [];
  for await (const item of parseStream(chunks, { format, source, now: () => 0, maxLineBytes: 4_096 })) items.push(item);
  return items;
}

function expectWellFormed(item: ParsedItem): void {
  seen[item.kind]++;
  if (item.kind === 'event') {
    const { event } = item;
    expect(typeof event.id).toBe('string');
    expect(event.id.length).toBeGreaterThan(0);
    expect(Number.isFinite(event.ts)).toBe(true);
    expect(EVENT_CATEGORIES).toContain(event.category);
    expect(OUTCOMES).toContain(event.outcome);
    expect(typeof event.action).toBe('string');
    if (event.user !== undefined) expect(typeof event.user).toBe('string');
    expect(item.line).toBeGreaterThanOrEqual(1);
  } else {
    expect(typeof item.dead.reason).toBe('string');
    expect(item.dead.reason.length).toBeGreaterThan(0);
    expect(item.dead.line).toBeGreaterThanOrEqual(1);
  }
}

/** Across all runs of a property: the generators must reach both outcomes to mean anything. */
const seen = { event: 0, dead: 0 };

const lineOf = (item: ParsedItem) => (item.kind === 'event' ? item.line : item.dead.line);

/** Line-oriented formats: each non-blank line gives exactly one item, with its own line number. */
async function checkLineFormat(lines: string[], cuts: number[], format: 'ecs' | 'lanl'): Promise<void> {
  const text = lines.join('\n');
  const started = performance.now();
  const items = await parseAll(chunked(text, cuts), format, `fuzz.${format}`);
  expect(performance.now() - started).toBeLessThan(2_000);
  for (const item of items) expectWellFormed(item);
  // The splitter's own notion of a line: \n-separated, a trailing \r dropped, then trimmed.
  const expected = text
    .split('\n')
    .map((line, i) => ({ line: i + 1, blank: line.replace(/\r$/, '').trim() === '' }))
    .filter((l) => !l.blank)
    .map((l) => l.line);
  expect(items.map(lineOf)).toEqual(expected);
}

describe('importer fuzzing', () => {
  beforeEach(() => {
    seen.event = 0;
    seen.dead = 0;
  });
  afterEach(() => {
    expect(seen.event).toBeGreaterThan(RUNS / 2);
    expect(seen.dead).toBeGreaterThan(RUNS / 2);
  });

  it('ECS NDJSON: every non-blank line is an event or a dead letter with a reason', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof({ weight: 9, arbitrary: ecsLine }, { weight: 1, arbitrary: fc.constantFrom('', '   ', '\r') }), { maxLength: 30 }), fc.array(fc.nat(), { maxLength: 6 }), (lines, cuts) =>
        checkLineFormat(lines, cuts, 'ecs'),
      ),
      SEED_OPTIONS,
    );
  });

  it('LANL auth.txt: every non-blank line is an event or a dead letter with a reason', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(lanlLine, { maxLength: 30 }), fc.array(fc.nat(), { maxLength: 6 }), (lines, cuts) => checkLineFormat(lines, cuts, 'lanl')),
      SEED_OPTIONS,
    );
  });

  it('CERT CSV: never throws, finishes, and yields only well-formed events and reasoned dead letters', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...Object.keys(CERT_HEADERS)), fc.array(fc.nat(), { maxLength: 6 }), fc.infiniteStream(fc.nat()), async (file, cuts, seeds) => {
        const header = CERT_HEADERS[file]!;
        const width = header.split(',').length;
        const lines = fc.sample(fc.array(certLine(width), { maxLength: 25 }), { numRuns: 1, seed: seeds.next().value as number })[0]!;
        const text = [header, ...lines].join('\n');
        const started = performance.now();
        const items = await parseAll(chunked(text, cuts), 'cert', `/data/${file}`);
        expect(performance.now() - started).toBeLessThan(2_000);
        for (const item of items) expectWellFormed(item);
        // One item at most per record, and never one for the header line.
        expect(items.length).toBeLessThanOrEqual(lines.length);
        for (const item of items) expect(lineOf(item)).toBeGreaterThanOrEqual(2);
      }),
      SEED_OPTIONS,
    );
  });
});
