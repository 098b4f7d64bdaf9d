import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEAD_LETTER_RAW_LIMIT, type ParsedItem } from '../../src/events/event.ts';
import { LineSplitter, parseBatches, parseFile, parseStream, type ImportOptions } from '../../src/events/importer.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
const NOW = Date.UTC(2024, 5, 1, 12);
const now = () => NOW;

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** The bytes as a stream of `size`-byte chunks. */
async function* chunked(bytes: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

const ecs = (opts: Partial<ImportOptions> = {}): ImportOptions => ({ format: 'ecs', source: 'events.ndjson', now, ...opts });

const line1 = '{"@timestamp":"2024-03-01T08:00:00Z","event":{"id":"a","category":"authentication","action":"logon"},"user":{"name":"jdoe"}}';
const line2 = '{"@timestamp":"2024-03-01T08:00:00","event.id":"b","event.category":"web","event.action":"x","user.name":"jdoe"}';
const line3 = '{"@timestamp":"2024-03-01T08:00:01Z","event.id":"c","event.category":"web","event.action":"x","user.name":"Zoë Ångström 東京"}';

describe('importer: ECS NDJSON', () => {
  it('yields events and dead letters in source order, with line numbers, and goes on after a bad line', async () => {
    const items = await collect(parseStream([`${line1}\n\n${line2}\nnot json\n${line3}\n`], ecs()));
    expect(items.map((i) => (i.kind === 'event' ? `event ${i.line} ${i.event.id}` : `dead ${i.dead.line}`))).toStrictEqual([
      'event 1 a',
      'dead 3',
      'dead 4',
      'event 5 c',
    ]);
    expect(items[1]).toStrictEqual({
      kind: 'dead',
      dead: {
        source: 'events.ndjson',
        line: 3,
        reason: "@timestamp: '2024-03-01T08:00:00' has no time zone; add Z or an offset such as +01:00",
        raw: line2,
        at: NOW,
      },
    });
    expect(items[2]).toMatchObject({ dead: { line: 4, reason: "invalid JSON: Unexpected token 'o' at position 1", raw: 'not json' } });
  });

  it('gives the same result for CRLF, a missing final newline and one-byte chunks (UTF-8 split across chunks)', async () => {
    const lf = Buffer.from(`${line1}\n${line2}\n${line3}\n`);
    const expected = await collect(parseStream([lf], ecs()));
    expect(expected.filter((i) => i.kind === 'event')).toHaveLength(2);
    const crlf = Buffer.from(`${line1}\r\n${line2}\r\n${line3}`);
    expect(await collect(parseStream([crlf], ecs()))).toStrictEqual(expected);
    expect(await collect(parseStream(chunked(lf, 1), ecs()))).toStrictEqual(expected);
    expect(await collect(parseStream(chunked(crlf, 1), ecs()))).toStrictEqual(expected);
    expect(await collect(parseStream(chunked(crlf, 7), ecs()))).toStrictEqual(expected);
    expect(await collect(parseStream(Readable.from(chunked(lf, 3)), ecs()))).toStrictEqual(expected);
  });

  it('hashes the same id for a line with or without CR, so CRLF and LF files dedupe together', async () => {
    const noId = '{"@timestamp":"2024-03-01T08:00:00Z","event.category":"web","event.action":"x","user.name":"u"}';
    const [a] = await collect(parseStream([`${noId}\r\n`], ecs()));
    const [b] = await collect(parseStream([`${noId}`], ecs()));
    expect(a).toStrictEqual(b);
    expect(a).toMatchObject({ event: { id: createHash('sha1').update(noId).digest('hex') } });
  });

  it('drops a byte-order mark at the start of the input', async () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${line1}\n`)]);
    expect(await collect(parseStream(chunked(bytes, 1), ecs()))).toMatchObject([{ kind: 'event', line: 1 }]);
  });

  it('turns an overlong line into a dead letter holding only its head, and reads on', async () => {
    const long = `{"x":"${'y'.repeat(5000)}"}`;
    const bytes = Buffer.from(`${line1}\n${long}\n${line3}\n`);
    const expected = [
      { kind: 'event', line: 1 },
      { kind: 'dead', dead: { line: 2, reason: `line too long: ${long.length} bytes, the limit is 1000`, raw: long.slice(0, DEAD_LETTER_RAW_LIMIT) } },
      { kind: 'event', line: 3 },
    ];
    expect(await collect(parseStream([bytes], ecs({ maxLineBytes: 1000 })))).toMatchObject(expected);
    expect(await collect(parseStream(chunked(bytes, 100), ecs({ maxLineBytes: 1000 })))).toMatchObject(expected);
    expect(await collect(parseStream(chunked(bytes, 1), ecs({ maxLineBytes: 1000 })))).toMatchObject(expected);
    const [, dead] = await collect(parseStream([bytes], ecs({ maxLineBytes: 1000 })));
    expect(dead?.kind === 'dead' && dead.dead.raw.length).toBe(DEAD_LETTER_RAW_LIMIT);
  });

  it('cuts the raw text of a dead letter to DEAD_LETTER_RAW_LIMIT', async () => {
    const bad = `{"user.name":"${'u'.repeat(10_000)}"}`;
    const [item] = await collect(parseStream([bad], ecs()));
    expect(item?.kind === 'dead' && item.dead.raw).toBe(bad.slice(0, DEAD_LETTER_RAW_LIMIT));
  });

  it('yields one batch per input chunk', async () => {
    const batches = await collect(parseBatches([`${line1}\n${line3}\n`, `${line1}\n`], ecs()));
    expect(batches.map((b) => b.length)).toStrictEqual([2, 1]);
  });

  it('parses a file', async () => {
    const items = await collect(parseFile(fixture('ecs-sample.ndjson'), { format: 'ecs', now }));
    expect(items).toMatchObject([
      { kind: 'event', line: 1, event: { id: 'e1', action: 'logon', host: 'PC-1' } },
      { kind: 'dead', dead: { line: 3, source: fixture('ecs-sample.ndjson') } },
      { kind: 'event', line: 4, event: { id: 'e3', ts: Date.UTC(2024, 2, 1, 8), domain: 'example.com' } },
    ]);
  });
});

describe('importer: LANL', () => {
  it('parses auth.txt with CRLF, repeated lines getting distinct, stable ids', async () => {
    const run = () => collect(parseFile(fixture('lanl-auth.txt'), { format: 'lanl', lanlEpoch: 0 }));
    const items = await run();
    expect(items).toMatchObject([
      { kind: 'event', line: 1, event: { ts: 1000, user: 'U12@DOM1', host: 'C1250', asset: 'C586', action: 'remote_logon', outcome: 'success' } },
      { kind: 'event', line: 2, event: { ts: 1000 } },
      { kind: 'event', line: 3, event: { ts: 2000, user: 'C625$@DOM1', action: 'kerberos_tgs', outcome: 'failure' } },
    ]);
    const ids = items.map((i) => (i.kind === 'event' ? i.event.id : ''));
    expect(new Set(ids).size).toBe(3);
    expect((await run()).map((i) => (i.kind === 'event' ? i.event.id : ''))).toStrictEqual(ids);
  });
});

describe('importer: options are checked before reading', () => {
  const untouched: AsyncIterable<string> = {
    [Symbol.asyncIterator]() {
      throw new Error('input was read');
    },
  };
  it('rejects an unknown format', () => {
    expect(() => parseStream(untouched, { format: 'csv' as never, source: 'x' })).toThrow(/unknown input format "csv"/);
  });
  it('rejects a CERT file whose kind the name does not tell', () => {
    expect(() => parseStream(untouched, { format: 'cert', source: 'data/r4.2/psychometric.csv' })).toThrow(
      /cannot tell the CERT file kind of "data\/r4.2\/psychometric.csv"/,
    );
    expect(() => parseFile('/nonexistent/users.csv', { format: 'cert' })).toThrow(/cannot tell the CERT file kind/);
  });
  it('rejects an LDAP snapshot without a month in its name', () => {
    expect(() => parseStream(untouched, { format: 'cert-ldap', source: 'http:cert-ldap' })).toThrow(/name the file YYYY-MM.csv/);
  });
});

describe('LineSplitter', () => {
  it('numbers lines, keeps empty ones and emits a last line without newline', () => {
    const seen: string[] = [];
    const sink = {
      line: (text: string, line: number) => seen.push(`${line}:${text}`),
      overlong: (_: string, line: number, bytes: number) => seen.push(`${line}:overlong ${bytes}`),
    };
    const splitter = new LineSplitter(5);
    splitter.push(Buffer.from('ab\r\n\nabcdefgh\nxy'), sink);
    splitter.push('z', sink);
    splitter.end(sink);
    expect(seen).toStrictEqual(['1:ab', '2:', '3:overlong 8', '4:xyz']);
  });

  it('does not hold an overlong line in memory', () => {
    const lines: ParsedItem[] = [];
    let longest = 0;
    const sink = {
      line: () => {},
      overlong: (head: string, _line: number, bytes: number) => {
        longest = bytes;
        lines.push({ kind: 'dead', dead: { source: '', line: 0, reason: '', raw: head, at: 0 } });
      },
    };
    const splitter = new LineSplitter(1024);
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    for (let i = 0; i < 64; i++) splitter.push(chunk, sink); // 4 MiB, one line
    splitter.push(Buffer.from('\n'), sink);
    expect(longest).toBe(64 * 64 * 1024);
    expect(lines).toHaveLength(1);
  });
});
