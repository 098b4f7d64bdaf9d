/**
 * One domain error base with a code. Store code maps driver errors onto these; the API edge
 * maps these onto client errors; anything else is an internal error, masked for clients and
 * logged in full.
 *
 * Codes are a frozen object rather than a TypeScript enum because the project runs on Node's
 * type stripping, which accepts only erasable syntax.
 */
export const ErrorCode = Object.freeze({
  CONFIG_INVALID: 'CONFIG_INVALID',
  BAD_INPUT: 'BAD_INPUT',
  NOT_FOUND: 'NOT_FOUND',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  STORE_UNAVAILABLE: 'STORE_UNAVAILABLE',
  STORE_CONFLICT: 'STORE_CONFLICT',
  STORE_FAILED: 'STORE_FAILED',
  QUEUE_UNAVAILABLE: 'QUEUE_UNAVAILABLE',
  INFRA_START_FAILED: 'INFRA_START_FAILED',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  /** A request that would do more work than a limit allows (the message names the limit). */
  LIMIT_EXCEEDED: 'LIMIT_EXCEEDED',
  /** A request that ran out of its time limit (the message names it). */
  TIMED_OUT: 'TIMED_OUT',
});
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export class DomainError extends Error {
  readonly code: ErrorCode;
  /** Safe to show to a client; internal detail goes in `cause`. */
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DomainError';
    this.code = code;
    this.details = options?.details;
  }

  /** Transient failures (a store or queue briefly away) are worth retrying; others are not. */
  get transient(): boolean {
    return this.code === ErrorCode.STORE_UNAVAILABLE || this.code === ErrorCode.QUEUE_UNAVAILABLE;
  }
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}
