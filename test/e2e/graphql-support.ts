import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import type { Server } from '../../src/main.ts';
import { TEST_ADMIN_TOKEN } from '../support/runtime.ts';

/** Shared by the GraphQL end-to-end tests: a plain HTTP client and a graphql-ws client. */
export interface GqlError {
  message: string;
  path?: Array<string | number>;
  extensions?: { code?: string; [key: string]: unknown };
}

export interface GqlResponse<D = any> {
  status: number;
  data?: D;
  errors?: GqlError[];
  text: string;
}

export async function gql<D = any>(
  server: Server,
  query: string,
  variables: Record<string, unknown> = {},
  token: string | null = TEST_ADMIN_TOKEN,
): Promise<GqlResponse<D>> {
  const res = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
    },
    body: JSON.stringify({ query, variables }),
  });
  const text = await res.text();
  const body = JSON.parse(text) as { data?: D; errors?: GqlError[] };
  return { status: res.status, text, ...(body.data !== undefined ? { data: body.data } : {}), ...(body.errors ? { errors: body.errors } : {}) };
}

/** Data of a response that must have no errors. */
export async function gqlData<D = any>(server: Server, query: string, variables: Record<string, unknown> = {}, token: string = TEST_ADMIN_TOKEN): Promise<D> {
  const response = await gql<D>(server, query, variables, token);
  if (response.errors !== undefined || response.data === undefined) {
    throw new Error(`GraphQL errors: ${JSON.stringify(response.errors)} (HTTP ${response.status})`);
  }
  return response.data;
}

export function wsUrl(server: Server): string {
  return `${server.url.replace(/^http/, 'ws')}/graphql`;
}

export function wsClient(server: Server, token: string | null = TEST_ADMIN_TOKEN, onClose?: (code: number, reason: string) => void): Client {
  return createClient({
    url: wsUrl(server),
    webSocketImpl: WebSocket,
    lazy: false,
    retryAttempts: 0,
    connectionParams: token === null ? {} : { authorization: `Bearer ${token}` },
    on: onClose ? { closed: (event) => onClose((event as { code: number }).code, String((event as { reason: unknown }).reason)) } : {},
    onNonLazyError: () => {},
  });
}

/** Collects a subscription's results until `count` arrived (or the timeout). */
export function collect<T = any>(client: Client, query: string, variables: Record<string, unknown> = {}) {
  const results: Array<{ data?: T; errors?: readonly GqlError[] }> = [];
  let error: unknown = null;
  let completed = false;
  const waiters: Array<() => void> = [];
  const wake = () => waiters.splice(0).forEach((w) => w());
  /** Resolves at the subscription's next result, error or completion, or after `ms`. */
  const nextEventWithin = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  const dispose = client.subscribe<T>(
    { query, variables },
    {
      next: (value) => {
        results.push(value as { data?: T; errors?: readonly GqlError[] });
        wake();
      },
      error: (e) => {
        error = e;
        wake();
      },
      complete: () => {
        completed = true;
        wake();
      },
    },
  );
  return {
    results,
    get error() {
      return error;
    },
    get completed() {
      return completed;
    },
    dispose,
    // Deadlines are generous: each is a condition waited on, and a loaded CI machine takes seconds
    // for what takes milliseconds here; only a failing test waits them out.
    async waitFor(count: number, timeoutMs = 30_000): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      while (results.length < count && error === null && !completed) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`timed out with ${results.length} of ${count} results`);
        await nextEventWithin(left);
      }
    },
    /**
     * Waits for a result that `matches` (results arrive in no order across users and partitions,
     * so "the first result" may be another one) and returns the first such result from index `from` on.
     */
    async waitForMatch(
      matches: (data: T) => boolean,
      { timeoutMs = 30_000, what = 'a matching result', from = 0 }: { timeoutMs?: number; what?: string; from?: number } = {},
    ): Promise<T> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = results.slice(from).find((r) => r.data !== undefined && r.data !== null && matches(r.data));
        if (found !== undefined) return found.data!;
        if (error !== null || completed) throw new Error(`subscription ended before ${what}: ${JSON.stringify(error)}`);
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(results)}`);
        await nextEventWithin(left);
      }
    },
    /** Waits for the error or completion (e.g. a refused subscription). */
    async settled(timeoutMs = 30_000): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      while (error === null && !completed && results.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    },
  };
}

/**
 * The Cypher statements a request costs, counted on the server's executor: the least count of
 * `tries` runs of it (with the result of the last). The server's own periodic work (session
 * sweeps, the HR due check) may run statements during a run and can only add to its count,
 * never take from it, so the least count is the request's own unless every run was hit.
 */
export async function statementsOf<T>(server: Server, request: () => Promise<T>, tries = 3): Promise<{ statements: number; result: T }> {
  let least = Infinity;
  let result: T | undefined;
  for (let i = 0; i < tries; i++) {
    const before = server.runtime.executor.queryCount;
    result = await request();
    least = Math.min(least, server.runtime.executor.queryCount - before);
  }
  return { statements: least, result: result as T };
}

export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 30_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** ECS events as the ingestEvents mutation takes them. */
export const T0 = Date.UTC(2026, 4, 4, 9); // Monday 09:00 UTC
export function at(minutes: number): string {
  return new Date(T0 + minutes * 60_000).toISOString();
}
