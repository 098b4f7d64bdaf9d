import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ApolloServer, HeaderMap } from '@apollo/server';
import { type Authenticator, bearerToken } from '../auth/authenticator.ts';
import type { Logger } from '../logger.ts';
import { type ApiContext, type ApiServices, createContext } from './context.ts';
import { ApiErrorCode } from './errors.ts';

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
    const response = await deps.apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
      context: async () => {
        // Only the landing page gets here without a principal, and it never builds a context.
        if (principal === null) throw new Error('unauthenticated request reached execution');
        return createContext(deps.services, principal, 'http');
      },
    });
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
