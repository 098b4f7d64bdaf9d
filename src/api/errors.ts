import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { DomainError, ErrorCode, isDomainError } from '../errors.ts';
import type { Logger } from '../logger.ts';

/**
 * The one mapping from anything thrown to what a GraphQL client sees (as Apollo's own error
 * normaliser does): domain errors keep their message (written for clients, naming the field)
 * under a GraphQL error code; GraphQL's own errors (syntax, validation, variable coercion, the
 * limits) pass through without stack traces; everything else is masked as an internal error
 * and logged in full.
 */
export const ApiErrorCode = Object.freeze({
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  QUERY_TOO_LARGE: 'QUERY_TOO_LARGE',
  QUERY_TOO_MANY_ALIASES: 'QUERY_TOO_MANY_ALIASES',
  QUERY_TOO_MANY_DIRECTIVES: 'QUERY_TOO_MANY_DIRECTIVES',
  QUERY_TOO_DEEP: 'QUERY_TOO_DEEP',
  QUERY_TOO_COSTLY: 'QUERY_TOO_COSTLY',
  QUERY_TIMEOUT: 'QUERY_TIMEOUT',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
});
export type ApiErrorCode = (typeof ApiErrorCode)[keyof typeof ApiErrorCode];

const DOMAIN_TO_API: Partial<Record<ErrorCode, ApiErrorCode>> = {
  [ErrorCode.BAD_INPUT]: ApiErrorCode.BAD_USER_INPUT,
  [ErrorCode.PAYLOAD_TOO_LARGE]: ApiErrorCode.BAD_USER_INPUT,
  [ErrorCode.UNAUTHENTICATED]: ApiErrorCode.UNAUTHENTICATED,
  [ErrorCode.FORBIDDEN]: ApiErrorCode.FORBIDDEN,
  [ErrorCode.NOT_FOUND]: ApiErrorCode.NOT_FOUND,
  [ErrorCode.STORE_CONFLICT]: ApiErrorCode.CONFLICT,
  [ErrorCode.STORE_UNAVAILABLE]: ApiErrorCode.SERVICE_UNAVAILABLE,
  [ErrorCode.QUEUE_UNAVAILABLE]: ApiErrorCode.SERVICE_UNAVAILABLE,
  [ErrorCode.LIMIT_EXCEEDED]: ApiErrorCode.QUERY_TOO_COSTLY,
  [ErrorCode.TIMED_OUT]: ApiErrorCode.QUERY_TIMEOUT,
};

/** A client input error naming the field, e.g. `badInput('first', 'must be at most 100')`. */
export function badInput(field: string, message: string): DomainError {
  return new DomainError(ErrorCode.BAD_INPUT, `${field}: ${message}`, { details: { field } });
}

export function notFound(what: string, id: string): DomainError {
  return new DomainError(ErrorCode.NOT_FOUND, `${what} '${id}' does not exist`, { details: { id } });
}

export function formatApiError(formatted: GraphQLFormattedError, error: unknown, log: Logger): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  const base = { ...(formatted.locations ? { locations: formatted.locations } : {}), ...(formatted.path ? { path: formatted.path } : {}) };
  if (isDomainError(original)) {
    const code = DOMAIN_TO_API[original.code];
    if (code !== undefined) {
      if (code === ApiErrorCode.SERVICE_UNAVAILABLE) {
        log.warn({ err: original }, 'GraphQL request hit an unavailable dependency');
        return { ...base, message: 'a backing service is unavailable; retry later', extensions: { code } };
      }
      const field = original.details?.field;
      return { ...base, message: original.message, extensions: { code, ...(typeof field === 'string' ? { field } : {}) } };
    }
  }
  if (original instanceof GraphQLError) {
    // GraphQL's and Apollo's own errors (syntax, validation, variable coercion, the limits):
    // written for clients, and never a resolver's unexpected failure (those are unwrapped above).
    const code = typeof formatted.extensions?.code === 'string' ? formatted.extensions.code : 'GRAPHQL_VALIDATION_FAILED';
    return { ...base, message: formatted.message, extensions: { code } };
  }
  log.error({ err: original, path: formatted.path }, 'GraphQL request failed');
  return { ...base, message: 'internal server error', extensions: { code: ApiErrorCode.INTERNAL_SERVER_ERROR } };
}
