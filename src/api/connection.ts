import { badInput } from './errors.ts';

/**
 * Relay cursor connections. A cursor is opaque to clients: base64url of JSON `[list, position]`
 * where `position` holds the sort keys of the last item, so a page is a keyset seek (stable
 * while the data changes, no OFFSET scans). The list tag stops a cursor of one list from being
 * used on another.
 */
export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

export interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}

export interface Connection<T> {
  edges: Array<{ cursor: string } & T>;
  pageInfo: PageInfo;
}

export function encodeCursor(list: string, position: unknown): string {
  return Buffer.from(JSON.stringify([list, position])).toString('base64url');
}

/** The position in a cursor, checked by `valid`; null when there is no cursor. */
export function decodeCursor<P>(list: string, cursor: string | null | undefined, valid: (position: unknown) => position is P, field = 'after'): P | null {
  if (cursor === null || cursor === undefined) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badInput(field, 'is not a cursor returned by this API');
  }
  if (!Array.isArray(parsed) || parsed.length !== 2 || parsed[0] !== list || !valid(parsed[1])) {
    throw badInput(field, `is not a cursor of this list (${list})`);
  }
  return parsed[1] as P;
}

/** The page size from `first`; an error that names the limit when out of range. */
export function pageSize(first: number | null | undefined, field = 'first'): number {
  if (first === null || first === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 1) throw badInput(field, `must be between 1 and ${MAX_PAGE_SIZE}, got ${first}`);
  if (first > MAX_PAGE_SIZE) throw badInput(field, `${first} exceeds the maximum page size of ${MAX_PAGE_SIZE}`);
  return first;
}

/**
 * Builds a connection from up to `limit + 1` items (one extra fetched to know whether a next
 * page exists). `edgeOf` makes the edge's other fields (node, and e.g. degree).
 */
export function toConnection<I, E extends object>(
  items: readonly I[],
  limit: number,
  list: string,
  positionOf: (item: I) => unknown,
  edgeOf: (item: I) => E,
): Connection<E> {
  const page = items.slice(0, limit);
  const edges = page.map((item) => ({ cursor: encodeCursor(list, positionOf(item)), ...edgeOf(item) }));
  return { edges, pageInfo: { hasNextPage: items.length > limit, endCursor: edges.at(-1)?.cursor ?? null } };
}

/** Cursor position validators. */
export const is = Object.freeze({
  string: (v: unknown): v is string => typeof v === 'string',
  number: (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v),
  int: (v: unknown): v is number => Number.isSafeInteger(v),
  shape:
    <T>(spec: Record<keyof T, (v: unknown) => boolean>) =>
    (v: unknown): v is T =>
      typeof v === 'object' &&
      v !== null &&
      !Array.isArray(v) &&
      Object.keys(v).length === Object.keys(spec).length &&
      Object.entries(spec).every(([key, check]) => (check as (v: unknown) => boolean)((v as Record<string, unknown>)[key])),
});
