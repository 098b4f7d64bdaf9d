/**
 * The one entry point for importing events: bytes in, parsed items out, in source order.
 *
 * `parseStream` yields one item at a time; `parseBatches` yields the items of each input chunk
 * as one array, which is what the ingestion pipeline wants (it enqueues in batches) and saves
 * an async step per line. Options are checked, and the CERT file kind picked from the file
 * name, when these functions are called, before any input is read: a wrong format or file
 * name throws at once.
 */
import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { INPUT_FORMATS, type InputFormat, type ParsedItem, type NormalizedEvent } from './event.ts';
import { CertReader, type CertKind, certKindFromFileName, ldapSnapshotMonth } from './cert.parser.ts';
import { CsvTokenizer } from './csv.tokenizer.ts';
import { deadLetter } from './dead-letter.ts';
import { parseEcsLine } from './ecs.parser.ts';
import { createLanlParser, DEFAULT_LANL_EPOCH } from './lanl.parser.ts';
import { type LdapSnapshotMonth, LdapSnapshotTracker } from './ldap-snapshot.tracker.ts';
import { DEFAULT_MAX_LINE_BYTES, type LineSink, LineSplitter } from './line.splitter.ts';

export { LineSplitter, type LineSink, DEFAULT_MAX_LINE_BYTES } from './line.splitter.ts';
export { LdapSnapshotTracker } from './ldap-snapshot.tracker.ts';

/** A byte stream, or chunks already in memory (an HTTP body, tests). */
export type ImportInput = NodeJS.ReadableStream | AsyncIterable<Uint8Array | string> | ReadonlyArray<Uint8Array | string>;

export interface ImportOptions {
  format: InputFormat;
  /** File name, or `http:<format>` for the bulk endpoint; named in dead letters. */
  source: string;
  /** LANL: the instant of time 0, epoch ms UTC (default DEFAULT_LANL_EPOCH, 2015-01-01). */
  lanlEpoch?: number;
  /** CERT LDAP: the tracker shared by the snapshots of one run, to detect terminations. */
  ldap?: LdapSnapshotTracker;
  /** Clock for `DeadLetter.at`, epoch ms (default Date.now). */
  now?: () => number;
  /**
   * Longest accepted line (NDJSON, LANL; bytes) or record (CERT CSV; characters, a record
   * may span lines). Longer ones become dead letters. Default 1 MiB.
   */
  maxLineBytes?: number;
}

/** What a source is, once the options are checked. */
type Plan =
  | { format: 'ecs' | 'lanl' }
  | { format: 'cert'; kind: CertKind; snapshot?: LdapSnapshotMonth };

const CERT_FORMAT_KINDS: Readonly<Record<string, CertKind>> = {
  'cert-logon': 'logon',
  'cert-device': 'device',
  'cert-file': 'file',
  'cert-email': 'email',
  'cert-http': 'http',
  'cert-ldap': 'ldap',
};

function plan(opts: ImportOptions): Plan {
  const { format, source } = opts;
  if (!(INPUT_FORMATS as readonly string[]).includes(format)) {
    throw new Error(`unknown input format ${JSON.stringify(format)}; expected one of ${INPUT_FORMATS.join(', ')}`);
  }
  if (format === 'ecs' || format === 'lanl') return { format };
  const kind = format === 'cert' ? certKindFromFileName(source) : CERT_FORMAT_KINDS[format];
  if (kind === undefined) {
    throw new Error(
      `cannot tell the CERT file kind of ${JSON.stringify(source)}: expected logon.csv, device.csv, file.csv, email.csv, http.csv or an LDAP snapshot YYYY-MM.csv`,
    );
  }
  if (kind !== 'ldap') return { format: 'cert', kind };
  const snapshot = ldapSnapshotMonth(source);
  if (snapshot === undefined) {
    throw new Error(`cannot tell the month of LDAP snapshot ${JSON.stringify(source)}: name the file YYYY-MM.csv`);
  }
  opts.ldap?.assertNext(snapshot.month);
  return { format: 'cert', kind, snapshot };
}

/** Parses a stream into batches of items (one batch per input chunk that completed any). */
export function parseBatches(input: ImportInput, opts: ImportOptions): AsyncIterable<ParsedItem[]> {
  const p = plan(opts);
  return run(p, () => input, opts);
}

/** Parses a stream into items, in source order. */
export function parseStream(input: ImportInput, opts: ImportOptions): AsyncIterable<ParsedItem> {
  return flatten(parseBatches(input, opts));
}

export type ParseFileOptions = Omit<ImportOptions, 'source'> & { source?: string };

/** Parses a file; `source` defaults to the path. The file is opened when iteration starts. */
export function parseFile(path: string, opts: ParseFileOptions): AsyncIterable<ParsedItem> {
  const options: ImportOptions = { ...opts, source: opts.source ?? path };
  const p = plan(options);
  return flatten(run(p, () => createReadStream(path, { highWaterMark: 1024 * 1024 }), options));
}

async function* flatten(batches: AsyncIterable<ParsedItem[]>): AsyncGenerator<ParsedItem> {
  for await (const batch of batches) yield* batch;
}

function run(p: Plan, open: () => ImportInput, opts: ImportOptions): AsyncGenerator<ParsedItem[]> {
  const now = opts.now ?? Date.now;
  const max = opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  switch (p.format) {
    case 'ecs':
      return lineBatches(open, opts.source, now, max, parseEcsLine);
    case 'lanl':
      return lineBatches(open, opts.source, now, max, createLanlParser(opts.lanlEpoch ?? DEFAULT_LANL_EPOCH));
    case 'cert': {
      const reader = () => new CertReader({
        kind: p.kind,
        source: opts.source,
        now,
        ...(p.snapshot ? { snapshot: p.snapshot } : {}),
        ...(opts.ldap ? { ldap: opts.ldap } : {}),
      });
      return csvBatches(open, reader, max);
    }
  }
}

/** Turns lines into items with a line parser (string result: dead-letter reason; undefined: skip). */
class ParsedLineSink implements LineSink {
  out: ParsedItem[] = [];
  readonly #source: string;
  readonly #now: () => number;
  readonly #parse: (line: string) => NormalizedEvent | string | undefined;
  readonly #max: number;

  constructor(source: string, now: () => number, max: number, parse: (line: string) => NormalizedEvent | string | undefined) {
    this.#source = source;
    this.#now = now;
    this.#max = max;
    this.#parse = parse;
  }

  line(text: string, line: number): void {
    const result = this.#parse(text);
    if (result === undefined) return;
    if (typeof result === 'string') {
      this.out.push({ kind: 'dead', dead: deadLetter(this.#source, line, result, text, this.#now()) });
    } else {
      this.out.push({ kind: 'event', event: result, line });
    }
  }

  overlong(head: string, line: number, bytes: number): void {
    const reason = `line too long: ${bytes} bytes, the limit is ${this.#max}`;
    this.out.push({ kind: 'dead', dead: deadLetter(this.#source, line, reason, head, this.#now()) });
  }
}

async function* lineBatches(
  open: () => ImportInput,
  source: string,
  now: () => number,
  max: number,
  parse: (line: string) => NormalizedEvent | string | undefined,
): AsyncGenerator<ParsedItem[]> {
  const splitter = new LineSplitter(max);
  const sink = new ParsedLineSink(source, now, max, parse);
  for await (const chunk of open()) {
    splitter.push(chunk as Uint8Array | string, sink);
    if (sink.out.length > 0) {
      yield sink.out;
      sink.out = [];
    }
  }
  splitter.end(sink);
  if (sink.out.length > 0) yield sink.out;
}

async function* csvBatches(open: () => ImportInput, makeReader: () => CertReader, max: number): AsyncGenerator<ParsedItem[]> {
  const reader = makeReader();
  const tokenizer = new CsvTokenizer(max);
  // StringDecoder keeps a UTF-8 sequence split across chunks until it is complete.
  const decoder = new StringDecoder('utf8');
  let first = true;
  for await (const chunk of open()) {
    let text = typeof chunk === 'string' ? chunk : decoder.write(chunk as Buffer);
    if (first && text !== '') {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // byte-order mark
      first = false;
    }
    tokenizer.push(text, reader);
    if (reader.out.length > 0) {
      yield reader.out;
      reader.out = [];
    }
  }
  const rest = decoder.end();
  if (rest !== '') tokenizer.push(rest, reader);
  tokenizer.end(reader);
  reader.finish();
  if (reader.out.length > 0) yield reader.out;
}
