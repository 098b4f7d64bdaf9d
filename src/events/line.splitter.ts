/**
 * Splits a byte stream into lines for the line-oriented formats (ECS NDJSON, LANL auth.txt).
 *
 * Faster than `readline`: it finds 0x0A with the native `Buffer.indexOf`, decodes each line
 * once, and never decodes a chunk as a whole, so a UTF-8 sequence split across two chunks is
 * reassembled before decoding. A trailing CR (CRLF files) is dropped, a last line without a
 * newline is still a line, and a UTF-8 byte-order mark at the start of the input is removed.
 * A line longer than `maxLineBytes` is reported as overlong with only its first
 * DEAD_LETTER_RAW_LIMIT bytes kept: the rest is counted and dropped, so memory stays bounded.
 */
import { DEAD_LETTER_RAW_LIMIT } from './event.ts';

/** Longest line accepted by default, bytes. */
export const DEFAULT_MAX_LINE_BYTES = 1024 * 1024;

const LF = 0x0a;
const EMPTY = Buffer.alloc(0);
const CR = 0x0d;

/** Receives lines in order; `line` numbers are 1-based. */
export interface LineSink {
  line(text: string, line: number): void;
  /** A line over the limit: its first bytes (decoded) and its full length in bytes. */
  overlong(head: string, line: number, bytes: number): void;
}

export class LineSplitter {
  readonly maxLineBytes: number;
  /** Number of the line being assembled. */
  #line = 1;
  /** Pieces of the current line from earlier chunks (copied: a stream may reuse its buffers). */
  #carry: Buffer[] = [];
  #carryBytes = 0;
  /** Set once the current line passed the limit: its bytes are counted, not kept. */
  #overlong = false;
  #overlongBytes = 0;
  /** The first DEAD_LETTER_RAW_LIMIT bytes of an overlong line. */
  #head = EMPTY;

  constructor(maxLineBytes: number = DEFAULT_MAX_LINE_BYTES) {
    this.maxLineBytes = maxLineBytes;
  }

  push(chunk: Uint8Array | string, sink: LineSink): void {
    const buf = typeof chunk === 'string'
      ? Buffer.from(chunk, 'utf8')
      : Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(LF, start);
      if (nl === -1) {
        if (start < buf.length) this.#keep(buf, start, buf.length);
        return;
      }
      if (this.#carryBytes === 0 && !this.#overlong) {
        this.#emit(buf, start, nl, sink);
      } else {
        this.#keep(buf, start, nl);
        this.#flush(sink);
      }
      start = nl + 1;
    }
  }

  /** Emits the last line when the input did not end with a newline. */
  end(sink: LineSink): void {
    if (this.#carryBytes > 0 || this.#overlong) this.#flush(sink);
  }

  #keep(buf: Buffer, from: number, to: number): void {
    const n = to - from;
    if (this.#overlong) {
      this.#overlongBytes += n;
      const room = DEAD_LETTER_RAW_LIMIT - this.#head.length;
      if (room > 0) this.#head = Buffer.concat([this.#head, buf.subarray(from, Math.min(to, from + room))]);
      return;
    }
    if (this.#carryBytes + n > this.maxLineBytes) {
      const whole = Buffer.concat([...this.#carry, buf.subarray(from, to)]);
      this.#startOverlong(whole, 0, whole.length);
      this.#carry = [];
      this.#carryBytes = 0;
      return;
    }
    this.#carry.push(Buffer.from(buf.subarray(from, to)));
    this.#carryBytes += n;
  }

  #startOverlong(buf: Buffer, from: number, to: number): void {
    this.#overlong = true;
    this.#overlongBytes = to - from;
    this.#head = Buffer.from(buf.subarray(from, Math.min(to, from + DEAD_LETTER_RAW_LIMIT)));
  }

  #flush(sink: LineSink): void {
    if (this.#overlong) {
      sink.overlong(this.#head.toString('utf8'), this.#line++, this.#overlongBytes);
      this.#overlong = false;
      this.#overlongBytes = 0;
      this.#head = EMPTY;
      return;
    }
    const whole = this.#carry.length === 1 ? (this.#carry[0] as Buffer) : Buffer.concat(this.#carry, this.#carryBytes);
    this.#carry = [];
    this.#carryBytes = 0;
    this.#emit(whole, 0, whole.length, sink);
  }

  #emit(buf: Buffer, from: number, to: number, sink: LineSink): void {
    if (to > from && buf[to - 1] === CR) to--;
    if (to - from > this.maxLineBytes) {
      this.#startOverlong(buf, from, to);
      this.#flush(sink);
      return;
    }
    let text = buf.toString('utf8', from, to);
    if (this.#line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    sink.line(text, this.#line++);
  }
}
