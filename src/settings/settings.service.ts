import { performance } from 'node:perf_hooks';
import type { AnalysisSettings, AnalysisSettingsSource } from '../analytics/analysis-settings.ts';
import { configureIndicators, type IndicatorConfig, indicatorConfigProblems, type IndicatorOverride, INDICATORS, type ThreatIntel } from '../analytics/indicators/index.ts';
import { INDICATOR_FAMILIES, type Indicator } from '../analytics/indicators/indicator.ts';
import { ENFORCEMENT_MODES, type EnforcementMode } from '../analytics/maturity.ts';
import type {
  AnalysisSettingsView,
  IndicatorCatalog,
  IndicatorConfigurationInput,
  IndicatorDescriptor,
  SettingsAdministration,
  ThreatIntelChange,
} from '../api/ports.ts';
import { DomainError, ErrorCode } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { SettingsRepository, StoredAnalysisSettings, StoredSettings, ThreatIntelEntry, ThreatIntelKind } from '../store/settings.repository.ts';
import { fittingOverride, inheritedNameProblems, layerIndicatorConfig } from './indicator-config.ts';
import { normalizeThreatIntelValues, summarizeProblems } from './threat-intel-values.ts';

/**
 * The analysis settings, for the pipeline (`current()`, once per batch), the API (the indicator
 * catalogue, Query.settings) and the admin mutations.
 *
 * Layers, lowest first: the built-in registry; the file RISKGRAPH_INDICATORS_FILE (validated at
 * start-up); the administrator's overrides stored in the graph. The mode is the stored one, or
 * RISKGRAPH_MODE until an administrator sets one.
 *
 * Caching: `current()` returns one frozen snapshot until the stored settings version changes.
 * The version is polled (one unique-index seek) at most every `pollMs` (2 s), so another
 * instance's change is seen within about that; a change made through this instance is seen at
 * once (it invalidates the snapshot). A new snapshot re-reads the settings and overrides, and the
 * threat-intelligence lists only when they changed (they may hold 100k entries).
 */
export interface SettingsServiceOptions {
  repository: SettingsRepository;
  /** The file configuration, already validated (loadIndicatorConfigFile). */
  fileConfig: IndicatorConfig;
  /** RISKGRAPH_MODE. */
  defaultMode: EnforcementMode;
  log: Logger;
  /** Domain clock for `updatedAt` and `addedAt`, epoch ms. */
  clock?: () => number;
  /** At most how often the stored version is read, ms. */
  pollMs?: number;
  /** Monotonic time for the poll interval, ms (tests). */
  monotonic?: () => number;
  registry?: readonly Indicator[];
}

/** Values one addThreatIntel or removeThreatIntel call takes at most. */
export const MAX_THREAT_INTEL_VALUES = 100_000;
export const DEFAULT_SETTINGS_POLL_MS = 2_000;

interface Snapshot {
  stored: StoredSettings;
  analysis: AnalysisSettings;
  disabledFamilies: readonly string[];
  /** Ids with an API override. */
  overridden: ReadonlySet<string>;
  catalogue: readonly IndicatorDescriptor[] | null;
}

export class SettingsService implements AnalysisSettingsSource, IndicatorCatalog, SettingsAdministration {
  readonly #repository: SettingsRepository;
  readonly #fileConfig: IndicatorConfig;
  readonly #defaultMode: EnforcementMode;
  readonly #log: Logger;
  readonly #clock: () => number;
  readonly #pollMs: number;
  readonly #monotonic: () => number;
  readonly #registry: readonly Indicator[];
  readonly #byId: ReadonlyMap<string, Indicator>;

  #snapshot: Snapshot | null = null;
  /** When the snapshot's version was last confirmed (monotonic ms). */
  #checkedAt = Number.NEGATIVE_INFINITY;
  /** Bumped by every change made through this instance; a refresh begun before it is stale. */
  #generation = 0;
  #snapshotGeneration = -1;
  #refreshing: { generation: number; promise: Promise<Snapshot> } | null = null;

  constructor(options: SettingsServiceOptions) {
    this.#repository = options.repository;
    this.#fileConfig = options.fileConfig;
    this.#defaultMode = options.defaultMode;
    this.#log = options.log;
    this.#clock = options.clock ?? Date.now;
    this.#pollMs = options.pollMs ?? DEFAULT_SETTINGS_POLL_MS;
    this.#monotonic = options.monotonic ?? (() => performance.now());
    this.#registry = options.registry ?? INDICATORS;
    this.#byId = new Map(this.#registry.map((indicator) => [indicator.id, indicator]));
    // The file was validated at start-up; a bad one here is a programming error.
    const problems = indicatorConfigProblems(this.#registry, this.#fileConfig);
    if (problems.length > 0) throw new DomainError(ErrorCode.CONFIG_INVALID, `invalid indicator configuration: ${problems.join('; ')}`);
  }

  // ---- AnalysisSettingsSource and IndicatorCatalog ----

  async current(): Promise<AnalysisSettings> {
    return (await this.#fresh()).analysis;
  }

  async list(): Promise<readonly IndicatorDescriptor[]> {
    const snapshot = await this.#fresh();
    snapshot.catalogue ??= Object.freeze(
      snapshot.analysis.indicators.map((indicator) => this.#describe(indicator, snapshot.overridden.has(indicator.id))),
    );
    return snapshot.catalogue;
  }

  /** Forget the snapshot: the next read polls the store (after a change made elsewhere, e.g. the CLI). */
  invalidate(): void {
    this.#generation += 1;
  }

  // ---- SettingsAdministration ----

  async view(): Promise<AnalysisSettingsView> {
    const snapshot = await this.#fresh();
    return this.#view(snapshot.stored);
  }

  async setMode(mode: EnforcementMode, actor: string): Promise<AnalysisSettingsView> {
    if (!(Object.values(ENFORCEMENT_MODES) as string[]).includes(mode)) {
      throw inputError(['mode'], [`mode: '${mode}' is not one of ${Object.values(ENFORCEMENT_MODES).join(', ')}`]);
    }
    const stored = await this.#change(() => this.#repository.setMode(mode, actor, this.#clock()));
    return this.#view(stored);
  }

  async setDisabledFamilies(families: readonly string[] | null, actor: string): Promise<AnalysisSettingsView> {
    const problems: string[] = [];
    const fields: string[] = [];
    (families ?? []).forEach((family, index) => {
      if (!(INDICATOR_FAMILIES as readonly string[]).includes(family)) {
        fields.push(`families[${index}]`);
        problems.push(`families[${index}]: unknown family '${family}' (families: ${INDICATOR_FAMILIES.join(', ')})`);
      }
    });
    if (problems.length > 0) throw inputError(fields, problems);
    const distinct = families === null ? null : [...new Set(families)].sort();
    const stored = await this.#change(() => this.#repository.setDisabledFamilies(distinct, actor, this.#clock()));
    return this.#view(stored);
  }

  async configureIndicator(input: IndicatorConfigurationInput, actor: string): Promise<IndicatorDescriptor> {
    const indicator = this.#byId.get(input.id);
    if (indicator === undefined) throw inputError(['input.id'], [`input.id: no such indicator '${input.id}'`]);
    const override: { -readonly [K in keyof IndicatorOverride]: IndicatorOverride[K] } = {};
    const fields: string[] = [];
    const problems: string[] = [];
    if (input.enabled !== undefined && input.enabled !== null) override.enabled = input.enabled;
    if (input.anchorScore !== undefined && input.anchorScore !== null) override.anchorScore = input.anchorScore;
    if (input.threshold !== undefined && input.threshold !== null) override.threshold = input.threshold;
    if (input.params !== undefined && input.params !== null) {
      const params: Record<string, number> = {};
      for (const { name, value } of input.params) {
        if (Object.hasOwn(params, name)) {
          fields.push('input.params');
          problems.push(`input.params: '${name}' is given twice`);
        }
        params[name] = value;
      }
      if (Object.keys(params).length > 0) override.params = params;
    }
    if (Object.keys(override).length === 0) {
      throw inputError(['input'], ['input: give at least one of enabled, anchorScore, threshold, params (resetIndicator removes an override)']);
    }
    // The registry's own check, its paths renamed to the input's fields (indicators.<id>.x → input.x).
    const prefix = `indicators.${input.id}.`;
    const config = { indicators: { [input.id]: override } };
    for (const problem of [...indicatorConfigProblems(this.#registry, config), ...inheritedNameProblems(this.#registry, config)]) {
      const renamed = problem.startsWith(prefix) ? `input.${problem.slice(prefix.length)}` : problem;
      fields.push(renamed.slice(0, renamed.indexOf(':')));
      problems.push(renamed);
    }
    if (problems.length > 0) throw inputError(fields, problems);
    const { override: stored, settings } = await this.#change(() => this.#repository.configureIndicator(input.id, override, actor, this.#clock()));
    const { indicator: _id, updatedAt: _at, updatedBy: _by, ...merged } = stored;
    return this.#describeConfigured(indicator, settings, this.#fitting(indicator.id, merged));
  }

  async resetIndicator(id: string, actor: string): Promise<IndicatorDescriptor> {
    const indicator = this.#byId.get(id);
    if (indicator === undefined) {
      throw new DomainError(ErrorCode.NOT_FOUND, `id: indicator '${id}' does not exist`, { details: { field: 'id', id } });
    }
    const { settings } = await this.#change(() => this.#repository.resetIndicator(id, actor, this.#clock()));
    return this.#describeConfigured(indicator, settings, null);
  }

  async addThreatIntel(input: { kind: ThreatIntelKind; values: readonly string[]; source: string }, actor: string): Promise<ThreatIntelChange> {
    const source = input.source.trim();
    const { values, fields, problems } = checkValues(input.kind, input.values, 'input.values');
    if (source.length === 0 || source.length > 100) {
      fields.unshift('input.source');
      problems.unshift('input.source: must be 1 to 100 characters (the name of the list the values come from)');
    }
    if (problems.length > 0) throw inputError(fields, problems);
    const { added, total, settings } = await this.#change(() => this.#repository.addThreatIntel(input.kind, values, source, actor, this.#clock()));
    return { kind: input.kind, added, removed: 0, unchanged: values.length - added, total, settings: this.#view(settings) };
  }

  async removeThreatIntel(kind: ThreatIntelKind, raw: readonly string[], actor: string): Promise<ThreatIntelChange> {
    const { values, fields, problems } = checkValues(kind, raw, 'values');
    if (problems.length > 0) throw inputError(fields, problems);
    const { removed, total, settings } = await this.#change(() => this.#repository.removeThreatIntel(kind, values, actor, this.#clock()));
    return { kind, added: 0, removed, unchanged: values.length - removed, total, settings: this.#view(settings) };
  }

  threatIntelPage(kind: ThreatIntelKind, after: string | null, limit: number): Promise<ThreatIntelEntry[]> {
    return this.#repository.threatIntelPage(kind, after, limit);
  }

  threatIntelCount(kind: ThreatIntelKind): Promise<number> {
    return this.#repository.threatIntelCount(kind);
  }

  // ---- the snapshot ----

  /** Runs a change and makes this instance's next read see it. */
  async #change<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } finally {
      // Also after a failure: the write may have committed before the answer was lost.
      this.#generation += 1;
    }
  }

  #fresh(): Promise<Snapshot> {
    const snapshot = this.#snapshot;
    if (snapshot !== null && this.#snapshotGeneration === this.#generation && this.#monotonic() - this.#checkedAt < this.#pollMs) {
      return Promise.resolve(snapshot);
    }
    // Concurrent readers (every partition's batch, API requests) share one refresh.
    if (this.#refreshing === null || this.#refreshing.generation !== this.#generation) {
      const generation = this.#generation;
      const promise = this.#refresh(generation).finally(() => {
        if (this.#refreshing?.promise === promise) this.#refreshing = null;
      });
      this.#refreshing = { generation, promise };
    }
    return this.#refreshing.promise;
  }

  async #refresh(generation: number): Promise<Snapshot> {
    const startedAt = this.#monotonic();
    const cached = this.#snapshot;
    const version = await this.#repository.settings();
    let next: Snapshot;
    if (cached !== null && sameVersion(cached.stored, version)) {
      next = cached;
    } else {
      const intelUnchanged = (s: StoredSettings) => cached !== null && cached.stored.epoch === s.epoch && cached.stored.threatIntelVersion === s.threatIntelVersion;
      let loaded = await this.#repository.load({ threatIntel: !intelUnchanged(version) });
      // The lists moved between the poll and the load: read them with the rest.
      if (loaded.threatIntel === null && !intelUnchanged(loaded.settings)) loaded = await this.#repository.load({ threatIntel: true });
      next = this.#build(loaded, loaded.threatIntel === null ? cached!.analysis.threatIntel : null);
      this.#log.debug({ version: next.stored.version }, 'analysis settings loaded');
    }
    // A refresh begun before a change made here must not hide that change.
    if (generation === this.#generation) {
      this.#snapshot = next;
      this.#snapshotGeneration = generation;
      this.#checkedAt = startedAt;
    }
    return next;
  }

  #build(loaded: StoredAnalysisSettings, threatIntel: ThreatIntel | null): Snapshot {
    const overrides: Record<string, IndicatorOverride> = {};
    for (const { indicator, updatedAt: _at, updatedBy: _by, ...override } of loaded.overrides) {
      const fitting = this.#fitting(indicator, override);
      if (fitting !== null) overrides[indicator] = fitting;
    }
    const disabledFamilies = this.#disabledFamilies(loaded.settings);
    const config = layerIndicatorConfig(this.#fileConfig, overrides, disabledFamilies);
    const intel = threatIntel ?? {
      ips: new Set(loaded.threatIntel?.ips ?? []),
      domains: new Set((loaded.threatIntel?.domains ?? []).map((domain) => domain.toLowerCase())),
    };
    const analysis: AnalysisSettings = Object.freeze({
      version: loaded.settings.version,
      mode: loaded.settings.mode ?? this.#defaultMode,
      indicators: configureIndicators(this.#registry, config),
      threatIntel: Object.freeze(intel),
    });
    return { stored: loaded.settings, analysis, disabledFamilies, overridden: new Set(Object.keys(overrides)), catalogue: null };
  }

  /** A stored override's fields that fit this release; the others are logged and ignored. */
  #fitting(id: string, override: IndicatorOverride): IndicatorOverride | null {
    const { override: fitting, problems } = fittingOverride(this.#registry, id, override);
    if (problems.length > 0) this.#log.warn({ indicator: id, problems }, 'stored indicator override does not fit this release; ignoring what does not');
    return fitting;
  }

  #disabledFamilies(stored: StoredSettings): readonly string[] {
    const families = stored.disabledFamilies ?? this.#fileConfig.disabledFamilies ?? [];
    return families.filter((family) => (INDICATOR_FAMILIES as readonly string[]).includes(family));
  }

  #view(stored: StoredSettings): AnalysisSettingsView {
    return {
      mode: stored.mode ?? this.#defaultMode,
      version: stored.version,
      updatedAt: stored.updatedAt,
      updatedBy: stored.updatedBy,
      disabledFamilies: this.#disabledFamilies(stored),
    };
  }

  /** One indicator as configured by the file, `override` and the settings' disabled families. */
  #describeConfigured(indicator: Indicator, stored: StoredSettings, override: IndicatorOverride | null): IndicatorDescriptor {
    const config = layerIndicatorConfig(
      { indicators: pick(this.#fileConfig.indicators, indicator.id) },
      override === null ? {} : { [indicator.id]: override },
      this.#disabledFamilies(stored),
    );
    const [configured] = configureIndicators([indicator], config);
    return this.#describe(configured!, override !== null);
  }

  #describe(indicator: Indicator, overridden: boolean): IndicatorDescriptor {
    const defaults = this.#byId.get(indicator.id)?.params ?? {};
    return {
      id: indicator.id,
      family: indicator.family,
      title: indicator.title,
      description: indicator.description,
      anchorScore: indicator.anchorScore,
      enabled: indicator.enabled,
      dataSources: indicator.dataSources,
      threshold: indicator.test.kind === 'p-value' ? indicator.test.threshold : null,
      params: Object.entries(indicator.params).map(([name, value]) => ({ name, value, defaultValue: defaults[name] ?? value })),
      overridden,
    };
  }
}

function sameVersion(a: StoredSettings, b: StoredSettings): boolean {
  return a.epoch === b.epoch && a.version === b.version;
}

function pick(overrides: IndicatorConfig['indicators'], id: string): Record<string, IndicatorOverride> {
  const override = overrides?.[id];
  return override === undefined ? {} : { [id]: override };
}

function checkValues(kind: ThreatIntelKind, raw: readonly string[], field: string): { values: string[]; fields: string[]; problems: string[] } {
  if (raw.length === 0) return { values: [], fields: [field], problems: [`${field}: give at least one value`] };
  if (raw.length > MAX_THREAT_INTEL_VALUES) {
    return { values: [], fields: [field], problems: [`${field}: ${raw.length} values are more than ${MAX_THREAT_INTEL_VALUES} per call; send them in parts`] };
  }
  const { values, problems } = normalizeThreatIntelValues(kind, raw, field);
  return { values, fields: problems.map((problem) => problem.slice(0, problem.indexOf(':'))), problems };
}

/** A BAD_INPUT error listing every problem; `field` (for clients) is the first one's. */
function inputError(fields: readonly string[], problems: readonly string[]): DomainError {
  return new DomainError(ErrorCode.BAD_INPUT, summarizeProblems(problems), { details: { field: fields[0] ?? 'input', problems: [...problems] } });
}
