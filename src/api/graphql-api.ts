import { readFileSync } from 'node:fs';
import type http from 'node:http';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { GraphQLError, type GraphQLSchema, validate } from 'graphql';
import type { Authenticator } from '../auth/authenticator.ts';
import type { Logger } from '../logger.ts';
import type { ApiContext, ApiServices } from './context.ts';
import { formatApiError } from './errors.ts';
import { graphqlHttpHandler } from './http-handler.ts';
import { clearLoaders, createLoaders } from './loaders.ts';
import { costLimitRule } from './limits/cost-limit.rule.ts';
import { depthLimitRule } from './limits/depth-limit.rule.ts';
import { allResolvers } from './resolvers/index.ts';
import { buildApiSchema } from './schema.ts';
import { graphqlWsServer } from './ws-server.ts';

/**
 * The GraphQL API's public surface: everything main.ts needs to serve it (as Apollo Server
 * routes its public API through one file). One schema serves HTTP (Apollo Server) and
 * WebSocket (graphql-ws) with the same role matrix, limits and error masking.
 */
export const GRAPHQL_PATH = '/graphql';

export interface ApiLimits {
  /** Request body (and WebSocket message) size, bytes. */
  maxRequestBytes: number;
  /** Nesting of fields. */
  maxDepth: number;
  /** Estimated cost (fields × page sizes; see cost-limit.rule.ts). */
  maxCost: number;
  /** Events a subscriber may fall behind before it is cut off. */
  subscriberBuffer: number;
}

export const DEFAULT_API_LIMITS: ApiLimits = Object.freeze({
  maxRequestBytes: 1024 * 1024,
  maxDepth: 12,
  maxCost: 25_000,
  subscriberBuffer: 1_000,
});

export interface GraphqlApiDeps {
  services: Omit<ApiServices, 'version' | 'subscriberBuffer' | 'wsLoaders'>;
  authenticator: Authenticator;
  env: 'development' | 'production' | 'test';
  limits?: Partial<ApiLimits>;
  log: Logger;
}

export interface GraphqlApi {
  schema: GraphQLSchema;
  /** The `/graphql` HTTP route (mount on HttpServer). */
  handler: ReturnType<typeof graphqlHttpHandler>;
  /** Serve subscriptions on the HTTP server's `upgrade` for `/graphql`. */
  attachWebSocket(server: http.Server): void;
  close(): Promise<void>;
}

/** How long WebSocket operations share looked-up records, ms. */
const WS_LOADER_CACHE_MS = 1_000;

const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export async function createGraphqlApi(deps: GraphqlApiDeps): Promise<GraphqlApi> {
  const limits = { ...DEFAULT_API_LIMITS, ...deps.limits };
  const wsLoaders = createLoaders(deps.services.repos, { cache: true, clock: deps.services.clock, indicators: deps.services.indicators });
  const clearing = setInterval(() => clearLoaders(wsLoaders), WS_LOADER_CACHE_MS);
  clearing.unref();
  const services: ApiServices = { ...deps.services, version: VERSION, subscriberBuffer: limits.subscriberBuffer, wsLoaders };
  const schema = buildApiSchema(allResolvers());
  const development = deps.env === 'development';

  const apollo = new ApolloServer<ApiContext>({
    schema,
    introspection: deps.env !== 'production',
    includeStacktraceInErrorResponses: false,
    formatError: (formatted, error) => formatApiError(formatted, error, deps.log),
    plugins: [
      development ? ApolloServerPluginLandingPageLocalDefault({ embed: true }) : ApolloServerPluginLandingPageDisabled(),
      limitsPlugin(limits),
    ],
    logger: {
      debug: (message) => deps.log.debug(message),
      info: (message) => deps.log.info(message),
      warn: (message) => deps.log.warn(message),
      error: (message) => deps.log.error(message),
    },
  });
  await apollo.start();

  const ws = graphqlWsServer({
    schema,
    authenticator: deps.authenticator,
    services,
    path: GRAPHQL_PATH,
    maxRequestBytes: limits.maxRequestBytes,
    maxDepth: limits.maxDepth,
    maxCost: limits.maxCost,
    production: deps.env === 'production',
    log: deps.log,
  });

  return {
    schema,
    handler: graphqlHttpHandler({
      apollo,
      authenticator: deps.authenticator,
      services,
      maxRequestBytes: limits.maxRequestBytes,
      landingPage: development,
      log: deps.log,
    }),
    attachWebSocket: (server) => ws.attach(server),
    close: async () => {
      clearInterval(clearing);
      await ws.close();
      await apollo.stop();
    },
  };
}

/**
 * The limits run once Apollo has resolved the operation: the cost rule needs the variable
 * values, and as Apollo's own validation phase would relabel every error
 * GRAPHQL_VALIDATION_FAILED, running both here keeps codes that name the limit.
 */
function limitsPlugin(limits: ApiLimits): ApolloServerPlugin<ApiContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, request, schema }) {
          const [error] = validate(schema, document, [
            depthLimitRule(limits.maxDepth),
            costLimitRule({ maxCost: limits.maxCost, variables: request.variables }),
          ]);
          if (error !== undefined) {
            throw new GraphQLError(error.message, { nodes: error.nodes, extensions: { ...error.extensions, http: { status: 400 } } });
          }
        },
      };
    },
  };
}
