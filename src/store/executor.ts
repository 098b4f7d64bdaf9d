import neo4j, { type Driver, isRetryableError, type ManagedTransaction, Neo4jError } from 'neo4j-driver';
import { DomainError, ErrorCode } from '../errors.ts';

/**
 * The one place that talks to the driver: a session per unit of work, always on a named
 * database, closed in `finally`, driver errors mapped to domain errors. Building a query
 * (the .cypher files and repositories) is kept apart from running it (here), as in
 * neo4j/graphql's Executor.
 */
export interface Neo4jConnection {
  uri: string;
  user: string;
  password: string | undefined;
  database: string;
}

export function createDriver(connection: Neo4jConnection): Driver {
  const auth = connection.password === undefined ? undefined : neo4j.auth.basic(connection.user, connection.password);
  return neo4j.driver(connection.uri, auth, {
    // Counts and epoch-millisecond timestamps stay far below 2^53, so plain numbers are exact.
    disableLosslessIntegers: true,
    maxConnectionPoolSize: 50,
    connectionAcquisitionTimeout: 60_000,
    // The driver retries transient failures (deadlocks, leader switches) of managed transactions.
    maxTransactionRetryTime: 30_000,
    logging: { level: 'error', logger: () => {} },
  });
}

export class Neo4jExecutor {
  readonly driver: Driver;
  readonly database: string;
  /** Statements run, for tests and metrics that count queries per request. */
  queryCount = 0;

  constructor(driver: Driver, database: string) {
    this.driver = driver;
    this.database = database;
  }

  /** `config.timeout` (ms) makes the server end the transaction when it runs longer. */
  read<T>(work: (tx: ManagedTransaction) => Promise<T>, config?: { timeout?: number }): Promise<T> {
    return this.#withSession('READ', (session) => session.executeRead(work, config));
  }

  write<T>(work: (tx: ManagedTransaction) => Promise<T>): Promise<T> {
    return this.#withSession('WRITE', (session) => session.executeWrite(work));
  }

  /** Run one statement in its own transaction and return its records as plain objects. */
  async query<T = Record<string, unknown>>(
    mode: 'READ' | 'WRITE',
    statement: string,
    params: Record<string, unknown> = {},
  ): Promise<T[]> {
    const work = async (tx: ManagedTransaction) => {
      this.queryCount += 1;
      const result = await tx.run(statement, toCypherParams(params));
      return result.records.map((record) => record.toObject() as T);
    };
    return mode === 'READ' ? this.read(work) : this.write(work);
  }

  async verify(): Promise<void> {
    try {
      await this.driver.verifyConnectivity({ database: this.database });
    } catch (error) {
      throw mapNeo4jError(error);
    }
  }

  async close(): Promise<void> {
    await this.driver.close();
  }

  async #withSession<T>(mode: 'READ' | 'WRITE', run: (session: ReturnType<Driver['session']>) => Promise<T>): Promise<T> {
    const session = this.driver.session({
      database: this.database,
      defaultAccessMode: mode === 'READ' ? neo4j.session.READ : neo4j.session.WRITE,
    });
    try {
      return await run(session);
    } catch (error) {
      throw mapNeo4jError(error);
    } finally {
      await session.close();
    }
  }
}

/** Run a statement inside a transaction a caller already holds, counting it. */
export async function runIn<T = Record<string, unknown>>(
  tx: ManagedTransaction,
  statement: string,
  params: Record<string, unknown> = {},
): Promise<T[]> {
  const result = await tx.run(statement, toCypherParams(params));
  return result.records.map((record) => record.toObject() as T);
}

/**
 * The driver sends every JavaScript number as a Cypher FLOAT, so counts, epoch-millisecond
 * times and LIMITs would be stored and compared as floats. Whole numbers are sent as INTEGER
 * instead (as BigInt, which the driver packs as INTEGER). A value that is conceptually a float
 * but happens to be whole arrives as INTEGER; Cypher arithmetic mixes the two freely.
 */
export function toCypherParams(params: Record<string, unknown>): Record<string, unknown> {
  return convert(params) as Record<string, unknown>;
}

/**
 * A list of numbers sent as Cypher FLOATs without conversion: for bulk numeric lists on the
 * ingest path (the hour and weekday histograms of every ACCESSED delta), where making an
 * INTEGER of each element costs more than the statement's own work. A list property holds one
 * type, so a histogram written this way stays a list of floats.
 */
export class FloatList {
  readonly values: readonly number[];
  constructor(values: readonly number[]) {
    this.values = values;
  }
}

function convert(value: unknown): unknown {
  // neo4j.int packs straight to INTEGER; a BigInt would go through a decimal string first.
  if (typeof value === 'number') return Number.isSafeInteger(value) ? neo4j.int(value) : value;
  if (value instanceof FloatList) return value.values;
  if (Array.isArray(value)) return value.map(convert);
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const key in value) out[key] = convert((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

/**
 * Codes for "the store is not there right now" that the driver does not flag as retryable
 * for every call site (it flags them for managed transactions): a cluster member that lost
 * leadership, a database that is read-only while it starts or switches over.
 */
const UNAVAILABLE_CODES = new Set([
  'ServiceUnavailable',
  'SessionExpired',
  'Neo.ClientError.Cluster.NotALeader',
  'Neo.ClientError.General.ForbiddenOnReadOnlyDatabase',
  'Neo.TransientError.General.DatabaseUnavailable',
]);

/** Node's own network error codes (error.code), for failures before the driver wraps them. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * Whether a driver error means "retry later": by the driver's own classification
 * (`isRetryableError`: the transient class and the connection codes) and by code, never by
 * reading messages.
 */
export function isTransientStoreError(error: unknown): boolean {
  if (error instanceof Neo4jError) return isRetryableError(error) || UNAVAILABLE_CODES.has(error.code) || error.code.startsWith('Neo.TransientError.');
  const code = typeof error === 'object' && error !== null && 'code' in error ? (error as { code: unknown }).code : undefined;
  return typeof code === 'string' && NETWORK_CODES.has(code);
}

/**
 * Whether a statement failed because a node or relationship it had found was deleted by another
 * transaction before it could load it (Neo4j reads committed data, so a concurrent delete can
 * land between a match and its use). Running the statement again sees the graph without it.
 */
export function isDeletedUnderStatement(error: unknown): boolean {
  const driverError = error instanceof DomainError ? error.cause : error;
  return driverError instanceof Neo4jError && driverError.code === 'Neo.ClientError.Statement.EntityNotFound';
}

/** The one mapping from driver errors to domain errors. */
export function mapNeo4jError(error: unknown): unknown {
  if (error instanceof DomainError) return error;
  if (isTransientStoreError(error)) {
    return new DomainError(ErrorCode.STORE_UNAVAILABLE, 'the graph store is unavailable', { cause: error });
  }
  if (error instanceof Neo4jError) {
    if (error.code === 'Neo.ClientError.Schema.ConstraintValidationFailed') {
      return new DomainError(ErrorCode.STORE_CONFLICT, 'the change conflicts with existing data', { cause: error });
    }
    return new DomainError(ErrorCode.STORE_FAILED, `graph store error ${error.code}`, { cause: error });
  }
  return error;
}
