import { createClient, type Client } from 'graphql-ws';

/**
 * The console's GraphQL client: queries and mutations over `fetch` to /graphql, subscriptions over
 * graphql-ws on the same path. Same origin, bearer token from the sign-in; no introspection (the
 * API turns it off in production), so every document here is written out by hand.
 */
export interface GqlError {
  message: string;
  path?: ReadonlyArray<string | number>;
  extensions?: { code?: string };
}

/** A failed request, with what the API said (or why no answer came). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string | undefined;
  constructor(message: string, status: number, code?: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export interface GqlResult<D> {
  data: D;
  /** Field errors next to data (e.g. FORBIDDEN evidence for a DASHBOARD key). */
  errors: GqlError[];
}

const GRAPHQL_PATH = '/graphql';

export async function request<D>(token: string, query: string, variables: Record<string, unknown> = {}): Promise<GqlResult<D>> {
  let res: Response;
  try {
    res = await fetch(GRAPHQL_PATH, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
  } catch (error) {
    throw new ApiError(`the API did not answer (${(error as Error).message})`, 0);
  }
  let body: { data?: D | null; errors?: GqlError[] };
  try {
    body = (await res.json()) as typeof body;
  } catch {
    throw new ApiError(`the API answered HTTP ${res.status} without a GraphQL response`, res.status);
  }
  const errors = body.errors ?? [];
  if (body.data === undefined || body.data === null) {
    const first = errors[0];
    throw new ApiError(first?.message ?? `HTTP ${res.status}`, res.status, first?.extensions?.code);
  }
  return { data: body.data, errors };
}

/** Errors that are not a role's expected FORBIDDEN on an evidence field. */
export function unexpectedErrors(errors: readonly GqlError[]): GqlError[] {
  return errors.filter((e) => e.extensions?.code !== 'FORBIDDEN');
}

let wsClient: { token: string; client: Client } | null = null;

/** One graphql-ws connection per signed-in token, shared by every live view. */
export function subscriptions(token: string): Client {
  if (wsClient?.token === token) return wsClient.client;
  wsClient?.client.dispose();
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${GRAPHQL_PATH}`;
  const client = createClient({
    url,
    connectionParams: { authorization: `Bearer ${token}` },
    // Reconnect after a server restart or a network blip; a wall display stays on.
    retryAttempts: Infinity,
    shouldRetry: () => true,
    lazy: true,
  });
  wsClient = { token, client };
  return client;
}

export function closeSubscriptions(): void {
  wsClient?.client.dispose();
  wsClient = null;
}

export function subscribe<D>(
  token: string,
  query: string,
  variables: Record<string, unknown>,
  onData: (data: D) => void,
  onError: (message: string) => void,
): () => void {
  return subscriptions(token).subscribe<D>(
    { query, variables },
    {
      next: (value) => {
        if (value.data) onData(value.data as D);
        else if (value.errors?.[0]) onError(value.errors[0].message);
      },
      error: (error) => onError(describeSocketError(error)),
      complete: () => {},
    },
  );
}

function describeSocketError(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (Array.isArray(error)) return (error[0] as GqlError | undefined)?.message ?? 'subscription refused';
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const event = error as { code: number; reason?: string };
    return `live connection closed (${event.code}${event.reason ? `: ${event.reason}` : ''})`;
  }
  return 'live connection failed';
}
