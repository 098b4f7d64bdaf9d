import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { configureIndicators, INDICATORS } from '../../../src/analytics/indicators/index.ts';
import { loadConfig } from '../../../src/config.ts';
import { DomainError } from '../../../src/errors.ts';
import { loadIndicatorConfigFile, parseIndicatorConfig } from '../../../src/settings/indicator-config.file.ts';
import { fittingOverride, layerIndicatorConfig } from '../../../src/settings/indicator-config.ts';

/**
 * The base indicator configuration (RISKGRAPH_INDICATORS_FILE): JSON or YAML, checked whole at
 * start-up with every problem listed, and the API's overrides layered on top of it.
 */
const dir = mkdtempSync(path.join(os.tmpdir(), 'riskgraph-indicators-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const at = path.join(dir, name);
  writeFileSync(at, text);
  return at;
}

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('CONFIG_INVALID');
    return (error as DomainError).details?.problems as string[];
  }
  throw new Error('expected the configuration to be refused');
}

describe('the indicator configuration file', () => {
  it('reads YAML and JSON into the same configuration, which the registry accepts', () => {
    const yaml = file(
      'indicators.yaml',
      ['disabledFamilies: [dga]', 'indicators:', '  unusual-hour: { anchorScore: 15, threshold: 0.005 }', '  impossible-travel:', '    params: { maxSpeedKmh: 800 }', '  new-city: { enabled: false }', ''].join('\n'),
    );
    const json = file(
      'indicators.json',
      JSON.stringify({
        disabledFamilies: ['dga'],
        indicators: { 'unusual-hour': { anchorScore: 15, threshold: 0.005 }, 'impossible-travel': { params: { maxSpeedKmh: 800 } }, 'new-city': { enabled: false } },
      }),
    );
    const fromYaml = loadIndicatorConfigFile(yaml);
    expect(loadIndicatorConfigFile(json)).toEqual(fromYaml);
    const configured = new Map(configureIndicators(INDICATORS, fromYaml).map((i) => [i.id, i]));
    expect(configured.get('unusual-hour')).toMatchObject({ anchorScore: 15, test: { kind: 'p-value', threshold: 0.005 } });
    expect(configured.get('impossible-travel')!.params).toEqual({ maxSpeedKmh: 800, minDistanceKm: 500, minIntervalMinutes: 1 });
    expect(configured.get('new-city')!.enabled).toBe(false);
    expect(configured.get('dga-domain')!.enabled).toBe(false);
    expect(configured.get('new-country')!.enabled).toBe(true);
  });

  it('is optional, and an empty file is an empty configuration', () => {
    expect(loadIndicatorConfigFile(undefined)).toEqual({});
    expect(loadIndicatorConfigFile(file('empty.yml', '# nothing configured yet\n'))).toEqual({});
  });

  it('lists every problem at once, each naming its path', () => {
    const problems = problemsOf(() =>
      loadIndicatorConfigFile(
        file(
          'bad.yaml',
          [
            'disabledFamilies: [dga, no-family]',
            'indicators:',
            '  no-such-indicator: { enabled: false }',
            '  unusual-hour: { anchorScore: 400, treshold: 0.1 }',
            '  impossible-travel: { threshold: 0.5, params: { maxSpeed: 800, minDistanceKm: -1 } }',
            '  new-city: { enabled: "no" }',
            '  new-country: 3',
            'alerts: true',
            '',
          ].join('\n'),
        ),
      ),
    );
    expect(problems.sort()).toEqual(
      [
        'alerts: unknown setting (expected indicators, disabledFamilies)',
        'indicators.unusual-hour.treshold: unknown setting (expected enabled, anchorScore, threshold, params)',
        'indicators.new-country: expected a mapping of enabled, anchorScore, threshold, params',
        "disabledFamilies: unknown family 'no-family' (families: access, peer-group, time, location, volume, authentication, lateral-movement, threat-intel, dga, account, hr, privileged)",
        'indicators.no-such-indicator: no such indicator',
        'indicators.unusual-hour.anchorScore: 400 is not a number from 0 to 100',
        'indicators.impossible-travel.threshold: a fact has no p-value threshold',
        'indicators.impossible-travel.params.maxSpeed: no such parameter (it has maxSpeedKmh, minDistanceKm, minIntervalMinutes)',
        'indicators.impossible-travel.params.minDistanceKm: -1 is not a non-negative number',
        'indicators.new-city.enabled: expected true or false',
      ].sort(),
    );
  });

  it('names the file and the variable in the start-up error', () => {
    const at = file('one-problem.json', '{"indicators": {"unusual-hour": {"anchorScore": -5}}}');
    expect(() => loadIndicatorConfigFile(at)).toThrow(
      `invalid indicator configuration in RISKGRAPH_INDICATORS_FILE (${at}):\n  indicators.unusual-hour.anchorScore: -5 is not a number from 0 to 100`,
    );
  });

  it('reports syntax errors with their position, every one of them in YAML', () => {
    expect(parseIndicatorConfig('{"indicators": {', 'json').problems).toEqual([expect.stringMatching(/^invalid JSON: /)]);
    const yaml = parseIndicatorConfig('indicators:\n  unusual-hour: {anchorScore: 15\n  new-city: 1\nx: [\n', 'yaml').problems;
    expect(yaml.length).toBe(2);
    expect(yaml.every((p) => /^invalid YAML: .* at line \d+, column \d+:$/.test(p))).toBe(true);
    expect(parseIndicatorConfig('indicators: {}\nindicators: {}\n', 'yaml').problems).toEqual([expect.stringContaining('Map keys must be unique')]);
  });

  it("refuses parameter names that only Object.prototype has", () => {
    expect(parseIndicatorConfig('{"indicators": {"impossible-travel": {"params": {"constructor": 1}}}}', 'json').problems).toEqual([
      'indicators.impossible-travel.params.constructor: no such parameter (it has maxSpeedKmh, minDistanceKm, minIntervalMinutes)',
    ]);
  });

  it('refuses a file of another kind, or one it cannot read', () => {
    expect(problemsOf(() => loadIndicatorConfigFile(path.join(dir, 'indicators.toml')))).toEqual(['the file name must end in .json, .yaml or .yml']);
    expect(problemsOf(() => loadIndicatorConfigFile(path.join(dir, 'missing.yaml')))).toEqual(['cannot read the file: ENOENT']);
    expect(parseIndicatorConfig('[1, 2]', 'json').problems).toEqual(['expected a mapping with indicators and/or disabledFamilies']);
  });
});

describe('layering the API overrides on the file', () => {
  const base = {
    disabledFamilies: ['dga'],
    indicators: { 'impossible-travel': { anchorScore: 45, params: { maxSpeedKmh: 800, minDistanceKm: 400 } }, 'new-city': { enabled: false } },
  };

  it('lets each field an override sets win, merges parameters by name and keeps the rest of the file', () => {
    const layered = layerIndicatorConfig(base, { 'impossible-travel': { params: { maxSpeedKmh: 1000 } }, 'unusual-hour': { threshold: 0.001 } }, null);
    expect(layered).toEqual({
      disabledFamilies: ['dga'],
      indicators: {
        'impossible-travel': { anchorScore: 45, params: { maxSpeedKmh: 1000, minDistanceKm: 400 } },
        'new-city': { enabled: false },
        'unusual-hour': { threshold: 0.001 },
      },
    });
    // An override can switch back on what the file switched off.
    expect(layerIndicatorConfig(base, { 'new-city': { enabled: true } }, null).indicators!['new-city']).toEqual({ enabled: true });
  });

  it("replaces the file's disabled families once the API sets a list", () => {
    expect(layerIndicatorConfig(base, {}, []).disabledFamilies).toEqual([]);
    expect(layerIndicatorConfig(base, {}, ['hr']).disabledFamilies).toEqual(['hr']);
    expect(layerIndicatorConfig({}, {}, null).disabledFamilies).toBeUndefined();
  });

  it('keeps the fields of a stored override that still fit the registry and names those that do not', () => {
    const kept = fittingOverride(INDICATORS, 'impossible-travel', { anchorScore: 30, threshold: 0.1, params: { maxSpeedKmh: 700, retired: 3 } });
    expect(kept.override).toEqual({ anchorScore: 30, params: { maxSpeedKmh: 700 } });
    expect(kept.problems).toHaveLength(2);
    expect(fittingOverride(INDICATORS, 'retired-indicator', { enabled: false })).toEqual({
      override: null,
      problems: ['indicators.retired-indicator: no such indicator'],
    });
    expect(fittingOverride(INDICATORS, 'new-city', { enabled: false })).toEqual({ override: { enabled: false }, problems: [] });
  });
});

describe('the analysis settings environment', () => {
  it('defaults to enforcement and no indicator file, and resolves the file path', () => {
    expect(loadConfig({}).analysis).toMatchObject({ defaultMode: 'enforcement', indicatorsFile: undefined });
    const config = loadConfig({ RISKGRAPH_MODE: 'learning', RISKGRAPH_INDICATORS_FILE: 'conf/indicators.yaml' });
    expect(config.analysis.defaultMode).toBe('learning');
    expect(config.analysis.indicatorsFile).toBe(path.resolve('conf/indicators.yaml'));
  });

  it('refuses an unknown mode, naming the variable', () => {
    expect(() => loadConfig({ RISKGRAPH_MODE: 'strict' })).toThrow(/RISKGRAPH_MODE: /);
  });
});
