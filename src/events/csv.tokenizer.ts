/**
 * A streaming RFC 4180 CSV tokenizer for the CERT importer.
 *
 * Hand-written rather than csv-parse because the importer needs, per record, the number of the
 * line it starts on (a quoted field may span lines), the raw text for dead letters, and to go
 * on after a malformed record; csv-parse reports the line a record ends on and stops at the
 * first error unless told to skip, after which line bookkeeping is ours anyway.
 *
 * Rules: fields are separated by commas and records by LF or CRLF; a field that starts with a
 * double quote is quoted, may contain commas, quotes doubled (`""`) and newlines; a quote
 * inside an unquoted field is kept as text (real exports contain `5" drive`); text after a
 * closing quote makes the record malformed; an empty or whitespace-only line is skipped.
 * Text is fed already decoded (the caller owns UTF-8 decoding across chunk boundaries).
 */
import { DEAD_LETTER_RAW_LIMIT } from './event.ts';

export interface CsvSink {
  /** A well-formed record; `line` is the 1-based line it starts on. `fields` is not reused. */
  record(fields: string[], line: number, raw: string): void;
  malformed(reason: string, line: number, raw: string): void;
}

/** Longest record accepted by default, characters. */
export const DEFAULT_MAX_RECORD_CHARS = 1024 * 1024;

// Tokenizer states (plain constants: enums are not erasable syntax).
const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
/** A quote seen inside a quoted field: either the first of `""` or the closing quote. */
const QUOTE_IN_QUOTED = 3;

const COMMA = 0x2c;
const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

export class CsvTokenizer {
  readonly maxRecordChars: number;
  #state = FIELD_START;
  #fields: string[] = [];
  #field = '';
  #fieldQuoted = false;
  /** Line of the current position, 1-based. */
  #line = 1;
  #recordLine = 1;
  #recordChars = 0;
  #raw = '';
  #problem: string | undefined = undefined;
  #quoteOpenedOn = 0;

  constructor(maxRecordChars: number = DEFAULT_MAX_RECORD_CHARS) {
    this.maxRecordChars = maxRecordChars;
  }

  push(text: string, sink: CsvSink): void {
    const n = text.length;
    let i = 0;
    /** Where the current record's raw text starts in this chunk. */
    let rawFrom = 0;
    let state = this.#state;
    while (i < n) {
      if (state === QUOTED) {
        const from = i;
        while (i < n) {
          const c = text.charCodeAt(i);
          if (c === QUOTE) break;
          if (c === LF) this.#line++;
          i++;
        }
        this.#append(text, from, i);
        if (i === n) break;
        i++;
        state = QUOTE_IN_QUOTED;
      } else if (state === QUOTE_IN_QUOTED) {
        const c = text.charCodeAt(i);
        if (c === QUOTE) {
          this.#append('"', 0, 1);
          i++;
          state = QUOTED;
        } else if (c === COMMA) {
          i++;
          this.#endField();
          state = FIELD_START;
        } else if (c === LF) {
          this.#endField();
          this.#appendRaw(text, rawFrom, i);
          this.#endRecord(sink, true);
          i++;
          rawFrom = i;
          state = FIELD_START;
        } else if (c === CR) {
          i++; // the CR of a CRLF after a closing quote
        } else {
          this.#problem ??= `column ${this.#fields.length + 1}: text after the closing quote`;
          state = UNQUOTED;
        }
      } else {
        if (state === FIELD_START && text.charCodeAt(i) === QUOTE) {
          this.#fieldQuoted = true;
          this.#quoteOpenedOn = this.#line;
          this.#recordChars++;
          i++;
          state = QUOTED;
          continue;
        }
        const from = i;
        let c = 0;
        while (i < n) {
          c = text.charCodeAt(i);
          if (c === COMMA || c === LF) break;
          i++;
        }
        this.#append(text, from, i);
        if (i === n) {
          state = UNQUOTED;
          break;
        }
        if (c === COMMA) {
          i++;
          this.#endField();
          state = FIELD_START;
        } else {
          this.#endField();
          this.#appendRaw(text, rawFrom, i);
          this.#endRecord(sink, true);
          i++;
          rawFrom = i;
          state = FIELD_START;
        }
      }
    }
    this.#appendRaw(text, rawFrom, n);
    this.#state = state;
  }

  /** Ends the input: a last record without a newline is still a record. */
  end(sink: CsvSink): void {
    if (this.#state === QUOTED) {
      this.#problem = `column ${this.#fields.length + 1}: quoted field opened on line ${this.#quoteOpenedOn} is never closed`;
    }
    if (this.#state !== FIELD_START || this.#fields.length > 0) {
      this.#endField();
      this.#endRecord(sink, false);
    }
    this.#state = FIELD_START;
  }

  #append(text: string, from: number, to: number): void {
    this.#recordChars += to - from;
    if (this.#recordChars <= this.maxRecordChars) this.#field += from === 0 && to === text.length ? text : text.slice(from, to);
  }

  #appendRaw(text: string, from: number, to: number): void {
    const room = DEAD_LETTER_RAW_LIMIT - this.#raw.length;
    if (room > 0 && to > from) this.#raw += text.slice(from, Math.min(to, from + room));
  }

  #endField(): void {
    let field = this.#field;
    // A record ending in CRLF leaves the CR on its last unquoted field.
    if (!this.#fieldQuoted && field.charCodeAt(field.length - 1) === CR) field = field.slice(0, -1);
    this.#fields.push(field);
    this.#field = '';
    this.#fieldQuoted = false;
  }

  #endRecord(sink: CsvSink, endedByNewline: boolean): void {
    let raw = this.#raw;
    if (raw.charCodeAt(raw.length - 1) === CR) raw = raw.slice(0, -1);
    const fields = this.#fields;
    const line = this.#recordLine;
    const chars = this.#recordChars;
    const problem = this.#problem;
    this.#fields = [];
    this.#raw = '';
    this.#problem = undefined;
    this.#recordChars = 0;
    // The newline that ended this record is counted here: the next record starts after it.
    if (endedByNewline) this.#line++;
    this.#recordLine = this.#line;

    if (chars > this.maxRecordChars) {
      sink.malformed(`record longer than ${this.maxRecordChars} characters`, line, raw);
    } else if (problem !== undefined) {
      sink.malformed(`malformed CSV: ${problem}`, line, raw);
    } else if (fields.length > 1 || (fields[0] ?? '').trim() !== '') {
      sink.record(fields, line, raw);
    }
  }
}
