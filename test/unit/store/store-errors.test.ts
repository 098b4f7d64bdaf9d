import { Neo4jError } from 'neo4j-driver';
import { describe, expect, it } from 'vitest';
import { DomainError, ErrorCode } from '../../../src/errors.ts';
import { isTransientStoreError, mapNeo4jError } from '../../../src/store/executor.ts';

/** Driver errors are classified by their codes and the driver's retryable flag, not by message. */
const driverError = (code: string, message = 'whatever the server said') => new Neo4jError(message, code, '50N42', 'general processing exception');

describe('store error classification', () => {
  it('treats the driver\'s retryable errors and the unavailable codes as transient', () => {
    for (const code of ['ServiceUnavailable', 'SessionExpired', 'Neo.TransientError.Transaction.DeadlockDetected', 'Neo.ClientError.Cluster.NotALeader', 'Neo.TransientError.General.DatabaseUnavailable']) {
      expect(isTransientStoreError(driverError(code)), code).toBe(true);
      const mapped = mapNeo4jError(driverError(code));
      expect(mapped).toBeInstanceOf(DomainError);
      expect((mapped as DomainError).code).toBe(ErrorCode.STORE_UNAVAILABLE);
      expect((mapped as DomainError).transient).toBe(true);
    }
  });

  it('does not read messages: a syntax error mentioning ECONNREFUSED is still a failure, a conflict a conflict', () => {
    const syntax = driverError('Neo.ClientError.Statement.SyntaxError', 'ServiceUnavailable ECONNREFUSED SessionExpired');
    expect(isTransientStoreError(syntax)).toBe(false);
    expect((mapNeo4jError(syntax) as DomainError).code).toBe(ErrorCode.STORE_FAILED);
    const conflict = driverError('Neo.ClientError.Schema.ConstraintValidationFailed');
    expect((mapNeo4jError(conflict) as DomainError).code).toBe(ErrorCode.STORE_CONFLICT);
    expect(isTransientStoreError(new Error('connect ECONNREFUSED 127.0.0.1:7687'))).toBe(false);
  });

  it('classifies Node network errors by their code', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:7687'), { code: 'ECONNREFUSED' });
    expect(isTransientStoreError(refused)).toBe(true);
    expect((mapNeo4jError(refused) as DomainError).code).toBe(ErrorCode.STORE_UNAVAILABLE);
    const other = new TypeError('x is not a function');
    expect(mapNeo4jError(other)).toBe(other);
    expect(driverError('ServiceUnavailable')).toBeInstanceOf(Neo4jError);
  });
});
