/**
 * A separate worker process for crash tests: runs the pipeline workers on the configuration
 * in its environment until it is killed.
 */
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { createRuntime } from '../../src/main.ts';

const config = loadConfig(process.env);
await createRuntime(config, createLogger(config.logLevel), { workers: true });
process.stdout.write('ready\n');
