import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { type ExecutionArgs, GraphQLError, type GraphQLSchema, parse, specifiedRules, validate } from 'graphql';
import { CloseCode } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import { subscribingRoles } from '../auth/access-policy.ts';
import { type Authenticator, bearerToken } from '../auth/authenticator.ts';
import type { Principal } from '../auth/roles.ts';
import type { Logger } from '../logger.ts';
import { type ApiServices, createContext } from './context.ts';
import { formatApiError } from './errors.ts';
import { preflightDocument, queryLimitRules, type QueryLimits } from './limits/query-limits.ts';

/**
 * Subscriptions (and, the protocol allowing it, queries) over WebSocket with graphql-ws, on
 * the HTTP server's port and the same path. The bearer token travels in the connection_init
 * payload (`{authorization: 'Bearer …'}`) and is checked there, before anything runs: an
 * invalid token closes with 4401, a role that may subscribe to nothing with 4403. Every
 * operation then goes through the same role matrix, limits and error masking as over HTTP.
 */
export const WsCloseCode = Object.freeze({
  /** The client fell too far behind its events (see BoundedQueue). */
  SLOW_CONSUMER: 4008,
});

export interface WsDeps {
  schema: GraphQLSchema;
  authenticator: Authenticator;
  services: ApiServices;
  path: string;
  maxRequestBytes: number;
  limits: QueryLimits;
  production: boolean;
  log: Logger;
  /** Ping interval, ms; a client that does not answer within it is dropped. */
  keepAliveMs?: number;
}

export interface WsHandle {
  attach(server: http.Server): void;
  close(): Promise<void>;
}

export function graphqlWsServer(deps: WsDeps): WsHandle {
  const wss = new WebSocketServer({ noServer: true, maxPayload: deps.maxRequestBytes });
  const principals = new WeakMap<WebSocket, Principal>();
  const admitted = new Set(subscribingRoles());
  const format = (errors: readonly GraphQLError[]) => errors.map((error) => formatApiError(error.toJSON(), error, deps.log));

  const server = useServer<{ authorization?: unknown }>(
    {
      isProd: deps.production,
      onConnect: async (ctx) => {
        const header = typeof ctx.connectionParams?.authorization === 'string' ? ctx.connectionParams.authorization : undefined;
        const principal = await deps.authenticator.authenticate(bearerToken(header));
        if (principal === null) {
          ctx.extra.socket.close(CloseCode.Unauthorized, 'Unauthorized: a valid bearer token is required in connectionParams.authorization');
          return false;
        }
        if (!admitted.has(principal.role)) {
          ctx.extra.socket.close(CloseCode.Forbidden, `Forbidden: role ${principal.role} may not subscribe`);
          return false;
        }
        principals.set(ctx.extra.socket, principal);
        return true;
      },
      onSubscribe: (ctx, _id, payload): ExecutionArgs | readonly GraphQLError[] => {
        const principal = principals.get(ctx.extra.socket);
        if (principal === undefined) throw new Error('subscribe before an acknowledged connection');
        const variableValues = payload.variables ?? undefined;
        let document;
        try {
          // The same limits as over HTTP; the deadline rule throws, the others report.
          preflightDocument(payload.query, deps.limits);
          document = parse(payload.query, { maxTokens: deps.limits.maxTokens });
          const errors = validate(deps.schema, document, [...specifiedRules, ...queryLimitRules(deps.limits, variableValues)]);
          if (errors.length > 0) return errors;
        } catch (error) {
          if (error instanceof GraphQLError) return [error];
          throw error;
        }
        const socket = ctx.extra.socket;
        return {
          schema: deps.schema,
          document,
          variableValues,
          operationName: payload.operationName ?? undefined,
          contextValue: createContext(deps.services, principal, 'ws', () => {
            deps.log.warn({ principal: principal.id }, 'closing a WebSocket subscriber that fell behind');
            socket.close(WsCloseCode.SLOW_CONSUMER, 'slow consumer: too many undelivered events');
          }),
        };
      },
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors ? { ...result, errors: format(result.errors) } : undefined,
      onError: (_ctx, _id, _payload, errors) => format(errors),
    },
    wss,
    deps.keepAliveMs ?? 12_000,
  );

  return {
    attach(httpServer: http.Server) {
      httpServer.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
        const { pathname } = new URL(req.url ?? '/', 'http://localhost');
        if (pathname !== deps.path) {
          socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
          return;
        }
        wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
      });
    },
    close: () => server.dispose() as Promise<void>,
  };
}
