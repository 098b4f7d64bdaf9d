import type { ManagedTransaction } from 'neo4j-driver';
import type { IndicatorOverride } from '../analytics/indicators/registry.ts';
import type { EnforcementMode } from '../analytics/maturity.ts';
import { cypher } from './cypher.ts';
import { type Neo4jExecutor, runIn } from './executor.ts';

/**
 * The analysis settings administrators change through the API, in the graph:
 * - one `(:AnalysisSettings {id: 'analysis'})` node: the mode, the disabled indicator families,
 *   and a `version` that every change increments in the change's own transaction (so "same
 *   version" means "same settings" for every instance polling it), plus a random `epoch` made
 *   with the node (a wiped or restored graph restarts its versions; the epoch tells them apart);
 * - one `(:IndicatorOverride {indicator})` node per indicator an administrator configured;
 * - one `(:ThreatIntelEntry {kind, value})` node per listed address or domain, so lists of
 *   100k entries are paged and changed entry by entry, never rewritten whole.
 * Times are epoch ms UTC.
 */
export const ThreatIntelKind = Object.freeze({ IP: 'IP', DOMAIN: 'DOMAIN' } as const);
export type ThreatIntelKind = (typeof ThreatIntelKind)[keyof typeof ThreatIntelKind];

export interface StoredSettings {
  /** 0 before the first change. */
  version: number;
  /** Made with the settings node; null before the first change. */
  epoch: string | null;
  /** The version of the last threat-intelligence change (0: none). */
  threatIntelVersion: number;
  /** null: never set (the configured default applies). */
  mode: EnforcementMode | null;
  /** null: never set (the file configuration's list applies). */
  disabledFamilies: string[] | null;
  updatedAt: number | null;
  updatedBy: string | null;
}

export interface StoredIndicatorOverride extends IndicatorOverride {
  indicator: string;
  updatedAt: number;
  updatedBy: string;
}

export interface ThreatIntelEntry {
  kind: ThreatIntelKind;
  /** An IP address, or a lower-case domain. */
  value: string;
  /** The list it came from. */
  source: string;
  addedAt: number;
  addedBy: string;
}

/** Everything the analysis snapshot is built from, read in one transaction. */
export interface StoredAnalysisSettings {
  settings: StoredSettings;
  overrides: StoredIndicatorOverride[];
  /** null when not read (the caller still holds the lists of `settings.threatIntelVersion`). */
  threatIntel: { ips: string[]; domains: string[] } | null;
}

export interface SettingsRepository {
  /** The settings node alone: the cheap version poll. */
  settings(): Promise<StoredSettings>;
  /** Settings, overrides and (when asked) the threat-intelligence lists, consistently. */
  load(options: { threatIntel: boolean }): Promise<StoredAnalysisSettings>;
  setMode(mode: EnforcementMode, by: string, now: number): Promise<StoredSettings>;
  /** null: back to the file configuration's list. */
  setDisabledFamilies(families: readonly string[] | null, by: string, now: number): Promise<StoredSettings>;
  /** Sets the given fields of an indicator's override (parameters merged by name). */
  configureIndicator(id: string, changes: IndicatorOverride, by: string, now: number): Promise<{ override: StoredIndicatorOverride; settings: StoredSettings }>;
  resetIndicator(id: string, by: string, now: number): Promise<{ removed: boolean; settings: StoredSettings }>;
  addThreatIntel(
    kind: ThreatIntelKind,
    values: readonly string[],
    source: string,
    by: string,
    now: number,
  ): Promise<{ added: number; total: number; settings: StoredSettings }>;
  removeThreatIntel(kind: ThreatIntelKind, values: readonly string[], by: string, now: number): Promise<{ removed: number; total: number; settings: StoredSettings }>;
  /** Entries of one kind by value, after `after` (exclusive). */
  threatIntelPage(kind: ThreatIntelKind, after: string | null, limit: number): Promise<ThreatIntelEntry[]>;
  threatIntelCount(kind: ThreatIntelKind): Promise<number>;
}

/** Values per statement of a large threat-intelligence change (all in one transaction). */
const CHUNK = 10_000;
/** Parameters of an override are stored as node properties under this prefix. */
const PARAM_PREFIX = 'param.';

export class Neo4jSettingsRepository implements SettingsRepository {
  readonly #executor: Neo4jExecutor;

  constructor(executor: Neo4jExecutor) {
    this.#executor = executor;
  }

  async settings(): Promise<StoredSettings> {
    const [row] = await this.#executor.query<{ settings: RawSettings | null }>('READ', cypher('settings-read'));
    return toSettings(row?.settings ?? null);
  }

  load(options: { threatIntel: boolean }): Promise<StoredAnalysisSettings> {
    return this.#executor.read(async (tx) => {
      const [row] = await runIn<{ settings: RawSettings | null }>(tx, cypher('settings-read'));
      const overrides = await runIn<{ override: Record<string, unknown> }>(tx, cypher('indicator-overrides'));
      let threatIntel: StoredAnalysisSettings['threatIntel'] = null;
      if (options.threatIntel) {
        const lists = await runIn<{ kind: string; values: string[] }>(tx, cypher('threat-intel-lists'));
        threatIntel = {
          ips: lists.find((list) => list.kind === ThreatIntelKind.IP)?.values ?? [],
          domains: lists.find((list) => list.kind === ThreatIntelKind.DOMAIN)?.values ?? [],
        };
      }
      return { settings: toSettings(row?.settings ?? null), overrides: overrides.map((o) => toOverride(o.override)), threatIntel };
    });
  }

  setMode(mode: EnforcementMode, by: string, now: number): Promise<StoredSettings> {
    return this.#executor.write((tx) => change(tx, { mode }, false, by, now));
  }

  setDisabledFamilies(families: readonly string[] | null, by: string, now: number): Promise<StoredSettings> {
    return this.#executor.write((tx) => change(tx, { disabledFamilies: families === null ? null : [...families] }, false, by, now));
  }

  configureIndicator(id: string, changes: IndicatorOverride, by: string, now: number): Promise<{ override: StoredIndicatorOverride; settings: StoredSettings }> {
    const properties: Record<string, unknown> = {};
    if (changes.enabled !== undefined) properties.enabled = changes.enabled;
    if (changes.anchorScore !== undefined) properties.anchorScore = changes.anchorScore;
    if (changes.threshold !== undefined) properties.threshold = changes.threshold;
    for (const [name, value] of Object.entries(changes.params ?? {})) properties[`${PARAM_PREFIX}${name}`] = value;
    return this.#executor.write(async (tx) => {
      const [row] = await runIn<{ override: Record<string, unknown> }>(tx, cypher('indicator-override-set'), {
        indicator: id,
        changes: properties,
        by,
        now,
      });
      if (row === undefined) throw new Error(`override of ${id} was not stored`);
      return { override: toOverride(row.override), settings: await change(tx, {}, false, by, now) };
    });
  }

  resetIndicator(id: string, by: string, now: number): Promise<{ removed: boolean; settings: StoredSettings }> {
    return this.#executor.write(async (tx) => {
      const [row] = await runIn<{ removed: number }>(tx, cypher('indicator-override-delete'), { indicator: id });
      return { removed: (row?.removed ?? 0) > 0, settings: await change(tx, {}, false, by, now) };
    });
  }

  addThreatIntel(
    kind: ThreatIntelKind,
    values: readonly string[],
    source: string,
    by: string,
    now: number,
  ): Promise<{ added: number; total: number; settings: StoredSettings }> {
    return this.#executor.write(async (tx) => {
      let added = 0;
      for (let i = 0; i < values.length; i += CHUNK) {
        const [row] = await runIn<{ added: number }>(tx, cypher('threat-intel-add'), { kind, values: values.slice(i, i + CHUNK), source, by, now });
        added += row?.added ?? 0;
      }
      const settings = await change(tx, {}, true, by, now);
      const [count] = await runIn<{ total: number }>(tx, cypher('threat-intel-count'), { kind });
      return { added, total: count?.total ?? 0, settings };
    });
  }

  removeThreatIntel(kind: ThreatIntelKind, values: readonly string[], by: string, now: number): Promise<{ removed: number; total: number; settings: StoredSettings }> {
    return this.#executor.write(async (tx) => {
      let removed = 0;
      for (let i = 0; i < values.length; i += CHUNK) {
        const [row] = await runIn<{ removed: number }>(tx, cypher('threat-intel-remove'), { kind, values: values.slice(i, i + CHUNK) });
        removed += row?.removed ?? 0;
      }
      const settings = await change(tx, {}, true, by, now);
      const [count] = await runIn<{ total: number }>(tx, cypher('threat-intel-count'), { kind });
      return { removed, total: count?.total ?? 0, settings };
    });
  }

  async threatIntelPage(kind: ThreatIntelKind, after: string | null, limit: number): Promise<ThreatIntelEntry[]> {
    const rows = await this.#executor.query<{ entry: ThreatIntelEntry }>('READ', cypher('threat-intel-page'), { kind, after: after ?? '', limit });
    return rows.map((row) => row.entry);
  }

  async threatIntelCount(kind: ThreatIntelKind): Promise<number> {
    const [row] = await this.#executor.query<{ total: number }>('READ', cypher('threat-intel-count'), { kind });
    return row?.total ?? 0;
  }
}

type RawSettings = Partial<Record<keyof StoredSettings, unknown>>;

async function change(
  tx: ManagedTransaction,
  changes: Record<string, unknown>,
  threatIntel: boolean,
  by: string,
  now: number,
): Promise<StoredSettings> {
  const [row] = await runIn<{ settings: RawSettings }>(tx, cypher('settings-change'), { changes, threatIntel, by, now });
  if (row === undefined) throw new Error('the settings version was not incremented');
  return toSettings(row.settings);
}

function toSettings(raw: RawSettings | null): StoredSettings {
  const num = (v: unknown) => (typeof v === 'number' ? v : null);
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  return {
    version: num(raw?.version) ?? 0,
    epoch: str(raw?.epoch),
    threatIntelVersion: num(raw?.threatIntelVersion) ?? 0,
    mode: raw?.mode === 'learning' || raw?.mode === 'enforcement' ? raw.mode : null,
    disabledFamilies: Array.isArray(raw?.disabledFamilies) ? raw.disabledFamilies.filter((f): f is string => typeof f === 'string') : null,
    updatedAt: num(raw?.updatedAt),
    updatedBy: str(raw?.updatedBy),
  };
}

function toOverride(raw: Record<string, unknown>): StoredIndicatorOverride {
  const override: StoredIndicatorOverride = {
    indicator: String(raw.indicator),
    updatedAt: typeof raw.updatedAt === 'number' ? raw.updatedAt : 0,
    updatedBy: typeof raw.updatedBy === 'string' ? raw.updatedBy : '',
  };
  // Stored values are returned as they are; the settings service validates them against the
  // registry of the running release (an indicator or parameter may have been removed since).
  if (raw.enabled !== undefined) override.enabled = raw.enabled as boolean;
  if (raw.anchorScore !== undefined) override.anchorScore = raw.anchorScore as number;
  if (raw.threshold !== undefined) override.threshold = raw.threshold as number;
  const params: Record<string, number> = {};
  for (const [key, value] of Object.entries(raw)) if (key.startsWith(PARAM_PREFIX)) params[key.slice(PARAM_PREFIX.length)] = value as number;
  if (Object.keys(params).length > 0) override.params = params;
  return override;
}
