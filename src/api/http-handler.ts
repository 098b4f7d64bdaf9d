import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ApolloServer, HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { type Authenticator, bearerToken } from '../auth/authenticator.ts';
import type { Logger } from '../logger.ts';
import { type ApiContext, type ApiServices, createContext } from './context.ts';
import { ApiErrorCode } from './errors.ts';
import { preflightDocument, type QueryLimits, withinExecutionBudget } from './limits/query-limits.ts';

/**
 * Apollo Server on Node's own HTTP server: the request is authenticated, its body read within
 * the size limit, and handed to `executeHTTPGraphQLRequest` (Apollo's integration point for
 * servers without a framework adapter). Without a valid token nothing executes; only the
 * landing page, in development, is served without one (it sends the token the developer
 * enters with every operation).
 */
export interface HttpHandlerDeps {
  apollo: ApolloServer<ApiContext>;
  authenticator: Authenticator;
  services: ApiServices;
  maxRequestBytes: number;
  /** Size and tokens (checked here, before Apollo parses) and the execution budget, ms. */
  limits: Pick<QueryLimits, 'maxDocumentChars' | 'maxTokens' | 'executionBudgetMs'>;
  landingPage: boolean;
  log: Logger;
}

class RequestTooLarge extends Error {}

export function graphqlHttpHandler(deps: HttpHandlerDeps) {
  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const principal = await deps.authenticator.authenticate(bearerToken(req.headers.authorization));
    const landing = deps.landingPage && req.method === 'GET' && (req.headers.accept ?? '').includes('text/html');
    if (principal === null && !landing) {
      req.resume();
      return sendErrors(res, 401, ApiErrorCode.UNAUTHENTICATED, 'a valid bearer token is required (Authorization: Bearer <token>)');
    }
    let text: string;
    try {
      text = await readBody(req, deps.maxRequestBytes);
    } catch (error) {
      if (error instanceof RequestTooLarge) {
        return sendErrors(res, 413, ApiErrorCode.BAD_USER_INPUT, `request body exceeds the limit of ${deps.maxRequestBytes} bytes`);
      }
      throw error;
    }
    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    let body: unknown = text;
    if ((headers.get('content-type') ?? '').includes('application/json') && text.length > 0) {
      try {
        body = JSON.parse(text);
      } catch {
        return sendErrors(res, 400, 'BAD_REQUEST', 'request body is not valid JSON');
      }
    }
    const query = queryOf(body, url);
    if (query !== undefined) {
      try {
        preflightDocument(query, deps.limits);
      } catch (error) {
        if (error instanceof GraphQLError) return sendErrors(res, 400, String(error.extensions.code), error.message);
        throw error;
      }
    }
    let response: Awaited<ReturnType<typeof deps.apollo.executeHTTPGraphQLRequest>>;
    try {
      response = await withinExecutionBudget(
        deps.apollo.executeHTTPGraphQLRequest({
          httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
          context: async () => {
            // Only the landing page gets here without a principal, and it never builds a context.
            if (principal === null) throw new Error('unauthenticated request reached execution');
            return createContext(deps.services, principal, 'http');
          },
        }),
        deps.limits.executionBudgetMs,
      );
    } catch (error) {
      if (error instanceof GraphQLError && error.extensions.code === ApiErrorCode.QUERY_TIMEOUT) {
        // The operation goes on until its store calls return; the client is answered now.
        deps.log.warn({ budgetMs: deps.limits.executionBudgetMs }, 'GraphQL request over its time budget');
        return sendErrors(res, 503, ApiErrorCode.QUERY_TIMEOUT, error.message);
      }
      throw error;
    }
    res.statusCode = response.status ?? 200;
    for (const [name, value] of response.headers) res.setHeader(name, value);
    if (response.body.kind === 'complete') {
      res.end(response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  };
}

/** The document of a GraphQL request, as Apollo will read it (JSON body, else `?query=`). */
function queryOf(body: unknown, url: URL): string | undefined {
  if (typeof body === 'object' && body !== null && typeof (body as { query?: unknown }).query === 'string') return (body as { query: string }).query;
  return url.searchParams.get('query') ?? undefined;
}

function readBody(req: IncomingMessage, max: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > max) {
        done = true;
        // Keep reading (and dropping) the rest so the 413 reaches the client intact.
        req.resume();
        reject(new RequestTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!done) resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', (error) => {
      if (!done) reject(error);
    });
  });
}

function sendErrors(res: ServerResponse, status: number, code: string, message: string): void {
  const text = JSON.stringify({ errors: [{ message, extensions: { code } }] });
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...(status === 401 ? { 'www-authenticate': 'Bearer' } : {}),
  });
  res.end(text);
}
