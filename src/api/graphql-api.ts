import { readFileSync } from 'node:fs';
import type http from 'node:http';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { type DocumentNode, GraphQLError, type GraphQLSchema, specifiedRules, validate } from 'graphql';
import type { Authenticator } from '../auth/authenticator.ts';
import type { Logger } from '../logger.ts';
import type { ApiContext, ApiServices } from './context.ts';
import { formatApiError } from './errors.ts';
import { graphqlHttpHandler } from './http-handler.ts';
import { clearLoaders, createLoaders } from './loaders.ts';
import { NoIntrospection } from './limits/no-introspection.rule.ts';
import { DEFAULT_SCOPE_OPTIONS, ScopeRegistry } from './pubsub/scope-registry.ts';
import { DEFAULT_QUERY_LIMITS, queryLimitRules, type QueryLimits, validationDeadlineRule } from './limits/query-limits.ts';
import { allResolvers } from './resolvers/index.ts';
import { buildApiSchema } from './schema.ts';
import { graphqlWsServer } from './ws-server.ts';

/**
 * The GraphQL API's public surface: everything main.ts needs to serve it (as Apollo Server
 * routes its public API through one file). One schema serves HTTP (Apollo Server) and
 * WebSocket (graphql-ws) with the same role matrix, limits and error masking.
 */
export const GRAPHQL_PATH = '/graphql';

export interface ApiLimits extends QueryLimits {
  /** Request body (and WebSocket message) size, bytes. */
  maxRequestBytes: number;
  /** Events a subscriber may fall behind before it is cut off. */
  subscriberBuffer: number;
  /** Entities one `filter.near` scope may span (see ScopeRegistry). */
  scopeMaxNodes: number;
  /** Distinct `filter.near` scopes one instance serves at a time. */
  maxScopes: number;
  /** Least time between two reads of one scope, ms. */
  scopeMinRefreshMs: number;
  /** Every scope is re-read this often, ms. */
  scopePeriodicRefreshMs: number;
}

export const DEFAULT_API_LIMITS: ApiLimits = Object.freeze({
  ...DEFAULT_QUERY_LIMITS,
  maxRequestBytes: 1024 * 1024,
  subscriberBuffer: 1_000,
  scopeMaxNodes: DEFAULT_SCOPE_OPTIONS.maxNodes,
  maxScopes: DEFAULT_SCOPE_OPTIONS.maxScopes,
  scopeMinRefreshMs: DEFAULT_SCOPE_OPTIONS.minRefreshMs,
  scopePeriodicRefreshMs: DEFAULT_SCOPE_OPTIONS.periodicRefreshMs,
});

export interface GraphqlApiDeps {
  services: Omit<ApiServices, 'version' | 'subscriberBuffer' | 'wsLoaders' | 'scopes'>;
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
  /** The `filter.near` scopes this instance serves (stats for tests and diagnostics). */
  scopes: ScopeRegistry;
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
  // filter.near scopes of this instance's subscriptions, kept fresh from the graph-change stream.
  const scopes = new ScopeRegistry({
    repository: deps.services.repos.scopes,
    pubsub: deps.services.pubsub,
    log: deps.log,
    options: {
      maxNodes: limits.scopeMaxNodes,
      maxScopes: limits.maxScopes,
      minRefreshMs: limits.scopeMinRefreshMs,
      periodicRefreshMs: limits.scopePeriodicRefreshMs,
    },
  });
  await scopes.start();
  const services: ApiServices = { ...deps.services, version: VERSION, subscriberBuffer: limits.subscriberBuffer, wsLoaders, scopes };
  const schema = buildApiSchema(allResolvers());
  const development = deps.env === 'development';

  const apollo = new ApolloServer<ApiContext>({
    schema,
    introspection: deps.env !== 'production',
    // The composition root drains on SIGTERM/SIGINT. Apollo's own handlers would stop the API
    // first and then re-raise the signal, which the CLI reads as a second Ctrl-C.
    stopOnTerminationSignals: false,
    includeStacktraceInErrorResponses: false,
    // The HTTP handler's preflight already refused longer documents; this is the backstop.
    parseOptions: { maxTokens: limits.maxTokens },
    // limitsPlugin validates (limits first, then graphql's rules, both under a time budget).
    dangerouslyDisableValidation: true,
    formatError: (formatted, error) => formatApiError(formatted, error, deps.log),
    plugins: [
      development ? ApolloServerPluginLandingPageLocalDefault({ embed: true }) : ApolloServerPluginLandingPageDisabled(),
      limitsPlugin(limits, deps.env !== 'production'),
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
    limits,
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
      limits,
      landingPage: development,
      log: deps.log,
    }),
    attachWebSocket: (server) => ws.attach(server),
    scopes,
    close: async () => {
      clearInterval(clearing);
      await ws.close();
      scopes.close();
      await apollo.stop();
    },
  };
}

/**
 * The plugin validates each document itself, in two passes, so that the cheap limits come
 * first and a validation over budget answers 400 QUERY_TIMEOUT: in Apollo's own validation
 * phase a rule can only report (graphql's other rules then run on) or throw (which Apollo turns
 * into a 500). Apollo's phase is therefore off (dangerouslyDisableValidation) and this hook,
 * whose errors Apollo returns as they are, does the work:
 *
 * 1. the limits (aliases, directives, depth, cost with the variable values) under the budget;
 * 2. graphql's specified rules (plus no introspection in production) under the budget, once
 *    per document object: Apollo's document cache hands back the same object for a repeated
 *    query, so that pass runs once per distinct document, as in Apollo's own phase.
 *
 * Size and tokens were checked before parsing, by the HTTP handler (preflightDocument).
 * Only the first error is returned (Apollo answers one error from this hook).
 */
function limitsPlugin(limits: ApiLimits, introspection: boolean): ApolloServerPlugin<ApiContext> {
  const validated = new WeakSet<DocumentNode>();
  const rules = [validationDeadlineRule(limits.validationBudgetMs), ...specifiedRules, ...(introspection ? [] : [NoIntrospection])];
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, request, schema }) {
          const [limit] = validate(schema, document, queryLimitRules(limits, request.variables));
          if (limit !== undefined) {
            throw new GraphQLError(limit.message, { nodes: limit.nodes, extensions: { ...limit.extensions, http: { status: 400 } } });
          }
          if (validated.has(document)) return;
          const [invalid] = validate(schema, document, rules);
          if (invalid !== undefined) {
            throw new GraphQLError(invalid.message, {
              nodes: invalid.nodes,
              extensions: { code: 'GRAPHQL_VALIDATION_FAILED', ...invalid.extensions, http: { status: 400 } },
            });
          }
          validated.add(document);
        },
      };
    },
  };
}
