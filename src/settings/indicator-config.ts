import { type IndicatorConfig, indicatorConfigProblems, type IndicatorOverride } from '../analytics/indicators/index.ts';
import type { Indicator } from '../analytics/indicators/indicator.ts';

/**
 * Indicator configuration as data: checking the shape of a parsed file (JSON or YAML) before
 * the registry checks its values (`indicatorConfigProblems`), and layering the administrator's
 * API overrides on top of the file. Pure: no file or store access.
 */

const OVERRIDE_FIELDS = ['enabled', 'anchorScore', 'threshold', 'params'] as const;
const TOP_LEVEL_FIELDS = ['indicators', 'disabledFamilies'] as const;

const isMap = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A parsed configuration document checked against the shape of IndicatorConfig and then against
 * `registry`; every problem is listed, each naming its path (e.g.
 * `indicators.unusual-hour.anchorScore: 400 is not a number from 0 to 100`). An empty document
 * is an empty configuration.
 */
export function checkIndicatorConfig(raw: unknown, registry: readonly Indicator[]): { config: IndicatorConfig; problems: string[] } {
  if (raw === null || raw === undefined) return { config: {}, problems: [] };
  if (!isMap(raw)) return { config: {}, problems: [`expected a mapping with ${TOP_LEVEL_FIELDS.join(' and/or ')}`] };
  const problems: string[] = [];
  for (const key of Object.keys(raw)) {
    if (!(TOP_LEVEL_FIELDS as readonly string[]).includes(key)) problems.push(`${key}: unknown setting (expected ${TOP_LEVEL_FIELDS.join(', ')})`);
  }
  const config: { indicators?: Record<string, IndicatorOverride>; disabledFamilies?: string[] } = {};
  if (raw.disabledFamilies !== undefined && raw.disabledFamilies !== null) {
    if (!Array.isArray(raw.disabledFamilies) || !raw.disabledFamilies.every((f) => typeof f === 'string')) {
      problems.push('disabledFamilies: expected a list of family names');
    } else {
      config.disabledFamilies = raw.disabledFamilies;
    }
  }
  if (raw.indicators !== undefined && raw.indicators !== null) {
    if (!isMap(raw.indicators)) {
      problems.push('indicators: expected a mapping from indicator id to its settings');
    } else {
      config.indicators = {};
      for (const [id, value] of Object.entries(raw.indicators)) {
        if (!isMap(value)) {
          problems.push(`indicators.${id}: expected a mapping of ${OVERRIDE_FIELDS.join(', ')}`);
          continue;
        }
        for (const key of Object.keys(value)) {
          if (!(OVERRIDE_FIELDS as readonly string[]).includes(key)) {
            problems.push(`indicators.${id}.${key}: unknown setting (expected ${OVERRIDE_FIELDS.join(', ')})`);
          }
        }
        const override: Record<string, unknown> = {};
        for (const field of ['enabled', 'anchorScore', 'threshold'] as const) if (value[field] !== undefined) override[field] = value[field];
        if (value.params !== undefined) {
          if (isMap(value.params)) override.params = value.params;
          else problems.push(`indicators.${id}.params: expected a mapping from parameter name to number`);
        }
        // Values of the wrong type stay in: the registry's check names them ("… is not a number").
        config.indicators[id] = override as IndicatorOverride;
      }
    }
  }
  problems.push(...indicatorConfigProblems(registry, config), ...inheritedNameProblems(registry, config));
  return { config, problems };
}

/**
 * Parameter names the registry's check lets through because it tests them with `in`, which
 * also sees Object.prototype (`constructor`, `toString`): named here as the registry names
 * unknown parameters.
 */
export function inheritedNameProblems(registry: readonly Indicator[], config: IndicatorConfig): string[] {
  const problems: string[] = [];
  for (const [id, override] of Object.entries(config.indicators ?? {})) {
    const indicator = registry.find((candidate) => candidate.id === id);
    if (indicator === undefined || !isMap(override.params)) continue;
    for (const name of Object.keys(override.params)) {
      if (name in indicator.params && !Object.hasOwn(indicator.params, name)) {
        const known = Object.keys(indicator.params);
        problems.push(`indicators.${id}.params.${name}: no such parameter (${known.length === 0 ? 'it has none' : `it has ${known.join(', ')}`})`);
      }
    }
  }
  return problems;
}

/**
 * The file configuration with the API's overrides on top: per indicator, each field an override
 * sets wins and parameters merge by name; the API's list of disabled families, once set,
 * replaces the file's.
 */
export function layerIndicatorConfig(
  base: IndicatorConfig,
  overrides: Readonly<Record<string, IndicatorOverride>>,
  disabledFamilies: readonly string[] | null,
): IndicatorConfig {
  const indicators: Record<string, IndicatorOverride> = { ...base.indicators };
  for (const [id, override] of Object.entries(overrides)) {
    const under = indicators[id] ?? {};
    const params = { ...under.params, ...override.params };
    indicators[id] = { ...under, ...override, ...(Object.keys(params).length > 0 ? { params } : {}) };
  }
  const families = disabledFamilies ?? base.disabledFamilies;
  return { indicators, ...(families === undefined ? {} : { disabledFamilies: families }) };
}

/**
 * The fields of a stored override that fit `registry`, and the problems of those that do not
 * (an override stored by an earlier release may name a parameter or indicator since removed:
 * it is dropped field by field rather than stopping the analysis).
 */
export function fittingOverride(registry: readonly Indicator[], id: string, override: IndicatorOverride): { override: IndicatorOverride | null; problems: string[] } {
  const whole = indicatorConfigProblems(registry, { indicators: { [id]: override } });
  if (whole.length === 0) return { override, problems: [] };
  if (!registry.some((indicator) => indicator.id === id)) return { override: null, problems: whole };
  const kept: { -readonly [K in keyof IndicatorOverride]: IndicatorOverride[K] } = {};
  const fits = (part: IndicatorOverride) => indicatorConfigProblems(registry, { indicators: { [id]: part } }).length === 0;
  if (override.enabled !== undefined && fits({ enabled: override.enabled })) kept.enabled = override.enabled;
  if (override.anchorScore !== undefined && fits({ anchorScore: override.anchorScore })) kept.anchorScore = override.anchorScore;
  if (override.threshold !== undefined && fits({ threshold: override.threshold })) kept.threshold = override.threshold;
  const params = Object.fromEntries(Object.entries(override.params ?? {}).filter(([name, value]) => fits({ params: { [name]: value } })));
  if (Object.keys(params).length > 0) kept.params = params;
  return { override: Object.keys(kept).length > 0 ? kept : null, problems: whole };
}
