import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { type IndicatorConfig, INDICATORS } from '../analytics/indicators/index.ts';
import type { Indicator } from '../analytics/indicators/indicator.ts';
import { DomainError, ErrorCode } from '../errors.ts';
import { checkIndicatorConfig } from './indicator-config.ts';

/**
 * The base indicator configuration, from the file RISKGRAPH_INDICATORS_FILE names (`.json`, or
 * `.yaml`/`.yml`), read and validated once at start-up: a bad file stops the process with one
 * error listing every problem (syntax errors with their line, unknown ids and parameters,
 * values out of range), so an operator fixes it in one go. No file: the built-in values.
 *
 * ```yaml
 * disabledFamilies: [dga]
 * indicators:
 *   unusual-hour: { anchorScore: 15, threshold: 0.005 }
 *   impossible-travel: { params: { maxSpeedKmh: 900 } }
 *   new-city: { enabled: false }
 * ```
 */
export function loadIndicatorConfigFile(file: string | undefined, registry: readonly Indicator[] = INDICATORS): IndicatorConfig {
  if (file === undefined) return {};
  const fail = (problems: string[]): never => {
    throw new DomainError(ErrorCode.CONFIG_INVALID, `invalid indicator configuration in RISKGRAPH_INDICATORS_FILE (${file}):\n  ${problems.join('\n  ')}`, {
      details: { problems },
    });
  };
  const format = formatOf(file);
  if (format === null) fail([`the file name must end in .json, .yaml or .yml`]);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return fail([`cannot read the file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`]);
  }
  const { config, problems } = parseIndicatorConfig(text, format!, registry);
  if (problems.length > 0) fail(problems);
  return config;
}

/** Parses and checks a configuration document; every syntax and content problem is listed. */
export function parseIndicatorConfig(text: string, format: 'json' | 'yaml', registry: readonly Indicator[] = INDICATORS): { config: IndicatorConfig; problems: string[] } {
  let raw: unknown;
  if (format === 'json') {
    try {
      raw = text.trim() === '' ? null : JSON.parse(text);
    } catch (error) {
      return { config: {}, problems: [`invalid JSON: ${(error as Error).message}`] };
    }
  } else {
    // parseDocument collects every syntax error (and refuses duplicate keys) instead of throwing at the first.
    const document = parseDocument(text);
    if (document.errors.length > 0) {
      return { config: {}, problems: document.errors.map((error) => `invalid YAML: ${error.message.split('\n')[0]}`) };
    }
    raw = document.toJS();
  }
  return checkIndicatorConfig(raw, registry);
}

function formatOf(file: string): 'json' | 'yaml' | null {
  const extension = path.extname(file).toLowerCase();
  return extension === '.json' ? 'json' : extension === '.yaml' || extension === '.yml' ? 'yaml' : null;
}
