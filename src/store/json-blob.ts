import { DomainError, ErrorCode } from '../errors.ts';

/**
 * The scoring pipeline stores structured results (explanations, evidence, timelines) as JSON
 * strings on graph nodes, because Neo4j properties cannot nest maps. They are parsed here, in
 * the store layer, and read field by field with the coercions below, so a blob written by an
 * older or newer pipeline degrades to nulls and defaults instead of failing a whole response.
 */

/** A JSON string parsed; null when absent. A corrupt blob is a store failure (masked for clients, logged). */
export function parseJsonBlob(text: unknown, what: string): unknown {
  if (text === null || text === undefined) return null;
  if (typeof text !== 'string') return text;
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new DomainError(ErrorCode.STORE_FAILED, `stored ${what} is not valid JSON`, { cause: error });
  }
}

export type JsonObject = Record<string, unknown>;

export function asObject(value: unknown): JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as JsonObject) : {};
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function finiteOr<T>(value: unknown, fallback: T): number | T {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

export function stringOr<T>(value: unknown, fallback: T): string | T {
  return typeof value === 'string' ? value : fallback;
}

export function strings(value: unknown): string[] {
  return asArray(value).filter((item): item is string => typeof item === 'string');
}
