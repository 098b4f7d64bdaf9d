import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Logs are JSON lines on stderr, so stdout stays free for what a command prints as its result
 * (the ingest summary, the Neo4j address).
 */
export function createLogger(level: string, name = 'riskgraph'): Logger {
  return pino({ name, level, base: { pid: process.pid } }, pino.destination({ fd: 2, sync: false }));
}
