import type { Logger } from '../logger.ts';
import { cypher } from './cypher.ts';
import type { Neo4jExecutor } from './executor.ts';

/**
 * Versioned schema migrations, applied in order at start-up by every process (API, worker,
 * CLI). Each is a .cypher file of schema statements; the statements are idempotent
 * (IF NOT EXISTS), so two processes starting at once cannot break each other, and a
 * (:SchemaMigration) node records what has been applied.
 */
export const MIGRATIONS: ReadonlyArray<{ version: number; name: string }> = Object.freeze([
  { version: 1, name: '001-core-schema' },
  { version: 2, name: '002-api' },
  { version: 3, name: '003-ingest-lookups' },
  { version: 4, name: '004-analysis-settings' },
  { version: 5, name: '005-scoring-reads' },
  { version: 6, name: '006-context-inputs' },
  { version: 7, name: '007-store-identity' },
  { version: 8, name: '008-peer-group-trigger' },
]);

export function splitStatements(text: string): string[] {
  return text
    .split(/;\s*(?:\n|$)/)
    .map((part) =>
      part
        .split('\n')
        .filter((line) => !line.trimStart().startsWith('//'))
        .join('\n')
        .trim(),
    )
    .filter((statement) => statement.length > 0);
}

export async function applyMigrations(executor: Neo4jExecutor, log: Logger, now = Date.now): Promise<number[]> {
  const rows = await executor.query<{ version: number }>('READ', cypher('migration-applied'));
  const applied = new Set(rows.map((row) => row.version));
  const ran: number[] = [];
  for (const migration of MIGRATIONS) {
    if (applied.has(migration.version)) continue;
    for (const statement of splitStatements(cypher(`migrations/${migration.name}`))) {
      // Schema statements cannot share a transaction with writes: each runs on its own.
      await executor.query('WRITE', statement);
    }
    await executor.query('WRITE', cypher('migration-record'), {
      version: migration.version,
      name: migration.name,
      now: now(),
    });
    log.info({ migration: migration.name }, 'schema migration applied');
    ran.push(migration.version);
  }
  if (ran.length > 0) {
    await executor.query('READ', cypher('await-indexes'));
  }
  return ran;
}
