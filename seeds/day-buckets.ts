/**
 * Time-ordering of the generated events with bounded memory: lines are kept by UTC day, as
 * bytes, until no later generation step can add to their day; then the day is sorted and
 * handed on.
 *
 * Lines go, a batch at a time, into one growing byte buffer per day, with their times and
 * offsets in typed arrays, rather than being kept as strings: a million retained strings
 * (each a rope of template-literal pieces) cost more in garbage collection and flattening
 * than generating them did. Lines must be ASCII (one byte per character), which ecs.ts
 * guarantees.
 */
import { DAY_MS } from './ecs.ts';

/** Lines encoded into the day's buffer at a time. */
const BATCH_LINES = 32;
/** Lines one day can hold: the arrival index takes 22 bits of the sort key. */
const INDEX_SPAN = 1 << 22;
/** Largest piece handed to the sink at once, bytes. */
const MAX_CHUNK_BYTES = 16 << 20;

/** One UTC day's lines: bytes in arrival order, with each line's time and offset. */
class DayLines {
  private bytes = Buffer.allocUnsafe(1 << 20);
  /** Bytes in `bytes`. */
  private written = 0;
  /** Bytes including the lines still pending. */
  private size = 0;
  /** Lines not yet in `bytes`: encoding a batch at once costs far less than line by line. */
  private pending: string[] = [];
  private count = 0;
  private times = new Float64Array(4096);
  private starts = new Uint32Array(4096);

  add(ts: number, line: string): void {
    if (this.count === this.times.length) {
      const times = new Float64Array(this.count * 2);
      times.set(this.times);
      this.times = times;
      const starts = new Uint32Array(this.count * 2);
      starts.set(this.starts);
      this.starts = starts;
    }
    this.times[this.count] = ts;
    this.starts[this.count] = this.size;
    this.count++;
    this.size += line.length + 1;
    this.pending.push(line);
    if (this.pending.length === BATCH_LINES) this.encodePending();
  }

  private encodePending(): void {
    if (this.pending.length === 0) return;
    if (this.size > this.bytes.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.size));
      bigger.set(this.bytes.subarray(0, this.written));
      this.bytes = bigger;
    }
    this.pending.push(''); // the last line's newline
    this.written += this.bytes.write(this.pending.join('\n'), this.written, 'latin1');
    this.pending = [];
  }

  /**
   * The day's lines ordered by time; lines with equal times keep their arrival order, so the
   * output does not depend on the sort algorithm. The sort key packs the millisecond of the
   * day (< 2^27) above the arrival index (< 2^22) into one exactly representable double
   * (< 2^49), so the native numeric sort does the work without a comparator call per step.
   */
  sorted(dayStart: number): Buffer {
    this.encodePending();
    const { times, starts, count, size, bytes } = this;
    if (count >= INDEX_SPAN) throw new RangeError(`more than ${INDEX_SPAN - 1} events in one day`);
    const keys = new Float64Array(count);
    for (let i = 0; i < count; i++) keys[i] = (Math.floor(times[i] as number) - dayStart) * INDEX_SPAN + i;
    keys.sort();
    const out = Buffer.allocUnsafe(size);
    let at = 0;
    for (const key of keys) {
      const i = key % INDEX_SPAN;
      const end = i + 1 < count ? (starts[i + 1] as number) : size;
      const start = starts[i] as number;
      out.set(bytes.subarray(start, end), at); // faster than Buffer#copy for short ranges
      at += end - start;
    }
    return out;
  }

  clear(): void {
    this.written = 0;
    this.size = 0;
    this.count = 0;
  }
}

/** Receives the NDJSON bytes in order. Each chunk is freshly allocated: a sink may keep it. */
export interface ByteSink {
  write(chunk: Buffer): void | Promise<void>;
}

export class DayBuckets {
  private readonly startMs: number;
  /** Bucket i holds UTC day i - 1 (eastern time zones begin the day before the start). */
  private readonly buckets: (DayLines | undefined)[];
  /** Index of the first bucket not yet written. */
  private next = 0;
  /** Emptied buckets, reused so their buffers need not grow again. */
  private readonly spare: DayLines[] = [];

  /** Days `-1` to `days` (inclusive) after the UTC midnight `startMs`. */
  constructor(startMs: number, days: number) {
    this.startMs = startMs;
    this.buckets = new Array(days + 3);
  }

  add(ts: number, line: string): void {
    const i = Math.floor((ts - this.startMs) / DAY_MS) + 1;
    if (i < this.next || i >= this.buckets.length) {
      throw new RangeError(`event at ${new Date(ts).toISOString()} falls outside the days still open`);
    }
    let bucket = this.buckets[i];
    if (bucket === undefined) {
      bucket = this.spare.pop() ?? new DayLines();
      this.buckets[i] = bucket;
    }
    bucket.add(ts, line);
  }

  /** Writes every UTC day up to and including `utcDay`; returns the bytes written. */
  async writeThrough(utcDay: number, sink: ByteSink): Promise<number> {
    let written = 0;
    const last = Math.min(utcDay + 1, this.buckets.length - 1);
    for (; this.next <= last; this.next++) {
      const bucket = this.buckets[this.next];
      if (bucket === undefined) continue;
      this.buckets[this.next] = undefined;
      const bytes = bucket.sorted(this.startMs + (this.next - 1) * DAY_MS);
      bucket.clear();
      this.spare.push(bucket);
      for (let at = 0; at < bytes.length; at += MAX_CHUNK_BYTES) {
        const pending = sink.write(bytes.subarray(at, Math.min(bytes.length, at + MAX_CHUNK_BYTES)));
        if (pending !== undefined) await pending;
      }
      written += bytes.length;
    }
    return written;
  }
}
