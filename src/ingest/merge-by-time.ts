import type { ParsedItem } from '../events/event.ts';

/**
 * Merges several sources, each in time order (CERT's logon.csv, http.csv, …), into one stream
 * in time order, so that sessionization sees one user's logons, web and file activity
 * interleaved as they happened. Dead letters pass through as soon as they are read. A k-way
 * merge by linear scan: k is the number of files on a command line.
 */
export async function* mergeByTime(sources: ReadonlyArray<AsyncIterable<ParsedItem>>): AsyncGenerator<ParsedItem> {
  const iterators = sources.map((source) => source[Symbol.asyncIterator]());
  const heads: Array<ParsedItem & { kind: 'event' } | null> = [];

  // Advance one source to its next event, yielding the dead letters met on the way.
  async function* advance(index: number): AsyncGenerator<ParsedItem> {
    for (;;) {
      const next = await iterators[index]!.next();
      if (next.done) {
        heads[index] = null;
        return;
      }
      if (next.value.kind === 'dead') {
        yield next.value;
        continue;
      }
      heads[index] = next.value;
      return;
    }
  }

  for (let i = 0; i < iterators.length; i++) yield* advance(i);
  for (;;) {
    let best = -1;
    for (let i = 0; i < heads.length; i++) {
      const head = heads[i];
      if (head != null && (best < 0 || head.event.ts < heads[best]!.event.ts)) best = i;
    }
    if (best < 0) return;
    yield heads[best]!;
    yield* advance(best);
  }
}
