import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { badInput, formatApiError } from '../../../src/api/errors.ts';
import { DomainError, ErrorCode } from '../../../src/errors.ts';

function logger() {
  const logged: unknown[] = [];
  const log = { error: (o: unknown) => logged.push(o), warn: (o: unknown) => logged.push(o) } as never;
  return { log, logged };
}

/** A resolver's error as graphql-js hands it to formatError. */
function fromResolver(original: Error): GraphQLError {
  return new GraphQLError(original.message, { path: ['user'], originalError: original });
}

describe('the GraphQL error mapping', () => {
  it('keeps a domain error message that names the field, under a GraphQL code', () => {
    const { log } = logger();
    const error = fromResolver(badInput('first', '500 exceeds the maximum page size of 100'));
    expect(formatApiError(error.toJSON(), error, log)).toEqual({
      message: 'first: 500 exceeds the maximum page size of 100',
      path: ['user'],
      extensions: { code: 'BAD_USER_INPUT', field: 'first' },
    });
    for (const [code, api] of [
      [ErrorCode.UNAUTHENTICATED, 'UNAUTHENTICATED'],
      [ErrorCode.FORBIDDEN, 'FORBIDDEN'],
      [ErrorCode.NOT_FOUND, 'NOT_FOUND'],
    ] as const) {
      const e = fromResolver(new DomainError(code, 'm'));
      expect(formatApiError(e.toJSON(), e, log).extensions?.code).toBe(api);
    }
  });

  it('masks anything else as an internal error and logs it in full', () => {
    const { log, logged } = logger();
    const secret = new TypeError("Cannot read properties of undefined (reading 'password')");
    const error = fromResolver(secret);
    expect(formatApiError(error.toJSON(), error, log)).toEqual({
      message: 'internal server error',
      path: ['user'],
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
    expect(logged).toEqual([expect.objectContaining({ err: secret })]);
    const store = fromResolver(new DomainError(ErrorCode.STORE_FAILED, 'graph store error Neo.ClientError.Statement.SyntaxError'));
    expect(formatApiError(store.toJSON(), store, log).message).toBe('internal server error');
    const unavailable = fromResolver(new DomainError(ErrorCode.STORE_UNAVAILABLE, 'bolt://10.0.0.5 refused'));
    expect(formatApiError(unavailable.toJSON(), unavailable, log)).toMatchObject({
      message: 'a backing service is unavailable; retry later',
      extensions: { code: 'SERVICE_UNAVAILABLE' },
    });
  });

  it("passes GraphQL's own errors through", () => {
    const { log } = logger();
    const error = new GraphQLError('Cannot query field "x" on type "User".', { extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
    expect(formatApiError(error.toJSON(), error, log)).toEqual({ message: error.message, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
  });
});
