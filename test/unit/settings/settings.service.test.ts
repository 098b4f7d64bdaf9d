import { describe, expect, it } from 'vitest';
import type { IndicatorOverride } from '../../../src/analytics/indicators/index.ts';
import type { EnforcementMode } from '../../../src/analytics/maturity.ts';
import { DomainError } from '../../../src/errors.ts';
import { createLogger } from '../../../src/logger.ts';
import { SettingsService } from '../../../src/settings/settings.service.ts';
import type {
  SettingsRepository,
  StoredAnalysisSettings,
  StoredIndicatorOverride,
  StoredSettings,
  ThreatIntelEntry,
  ThreatIntelKind,
} from '../../../src/store/settings.repository.ts';

/**
 * The settings service's cache and layering, over an in-memory repository that counts its
 * reads (the Neo4j repository itself is exercised end to end in
 * test/e2e/graphql-admin-settings.test.ts). Time is a hand-moved monotonic clock.
 */
class MemoryRepository implements SettingsRepository {
  settingsNode: StoredSettings = { version: 0, epoch: null, threatIntelVersion: 0, mode: null, disabledFamilies: null, updatedAt: null, updatedBy: null };
  overrides = new Map<string, StoredIndicatorOverride>();
  intel: ThreatIntelEntry[] = [];
  reads = { settings: 0, load: 0, loadWithIntel: 0 };
  /** When set, `load()` answers what it read only once this resolves (to interleave a read with a change). */
  gate: Promise<void> | null = null;

  #bump(by: string, now: number, intel = false): StoredSettings {
    const version = this.settingsNode.version + 1;
    this.settingsNode = {
      ...this.settingsNode,
      epoch: this.settingsNode.epoch ?? 'epoch-1',
      version,
      threatIntelVersion: intel ? version : this.settingsNode.threatIntelVersion,
      updatedAt: now,
      updatedBy: by,
    };
    return this.settingsNode;
  }
  async settings() {
    this.reads.settings += 1;
    return this.settingsNode;
  }
  async load(options: { threatIntel: boolean }): Promise<StoredAnalysisSettings> {
    this.reads.load += 1;
    if (options.threatIntel) this.reads.loadWithIntel += 1;
    const settings = this.settingsNode;
    if (this.gate) await this.gate;
    return {
      settings,
      overrides: [...this.overrides.values()],
      threatIntel: options.threatIntel
        ? { ips: this.intel.filter((e) => e.kind === 'IP').map((e) => e.value), domains: this.intel.filter((e) => e.kind === 'DOMAIN').map((e) => e.value) }
        : null,
    };
  }
  async setMode(mode: EnforcementMode, by: string, now: number) {
    this.settingsNode = { ...this.settingsNode, mode };
    return this.#bump(by, now);
  }
  async setDisabledFamilies(families: readonly string[] | null, by: string, now: number) {
    this.settingsNode = { ...this.settingsNode, disabledFamilies: families === null ? null : [...families] };
    return this.#bump(by, now);
  }
  async configureIndicator(id: string, changes: IndicatorOverride, by: string, now: number) {
    const old = this.overrides.get(id);
    const override: StoredIndicatorOverride = { ...old, ...changes, indicator: id, updatedAt: now, updatedBy: by };
    if (old?.params || changes.params) override.params = { ...old?.params, ...changes.params };
    this.overrides.set(id, override);
    return { override, settings: this.#bump(by, now) };
  }
  async resetIndicator(id: string, by: string, now: number) {
    return { removed: this.overrides.delete(id), settings: this.#bump(by, now) };
  }
  async addThreatIntel(kind: ThreatIntelKind, values: readonly string[], source: string, by: string, now: number) {
    let added = 0;
    for (const value of values) {
      if (!this.intel.some((e) => e.kind === kind && e.value === value)) added += 1;
      this.intel = this.intel.filter((e) => !(e.kind === kind && e.value === value));
      this.intel.push({ kind, value, source, addedAt: now, addedBy: by });
    }
    return { added, total: this.intel.filter((e) => e.kind === kind).length, settings: this.#bump(by, now, true) };
  }
  async removeThreatIntel(kind: ThreatIntelKind, values: readonly string[], by: string, now: number) {
    const before = this.intel.length;
    this.intel = this.intel.filter((e) => !(e.kind === kind && values.includes(e.value)));
    return { removed: before - this.intel.length, total: this.intel.filter((e) => e.kind === kind).length, settings: this.#bump(by, now, true) };
  }
  async threatIntelPage(kind: ThreatIntelKind, after: string | null, limit: number) {
    return this.intel.filter((e) => e.kind === kind && (after === null || e.value > after)).sort((a, b) => (a.value < b.value ? -1 : 1)).slice(0, limit);
  }
  async threatIntelCount(kind: ThreatIntelKind) {
    return this.intel.filter((e) => e.kind === kind).length;
  }
}

function setup(fileConfig = {}) {
  const repository = new MemoryRepository();
  let now = 0;
  const service = new SettingsService({
    repository,
    fileConfig,
    defaultMode: 'enforcement',
    log: createLogger('silent'),
    clock: () => 1_700_000_000_000,
    pollMs: 2_000,
    monotonic: () => now,
  });
  return { repository, service, advance: (ms: number) => (now += ms) };
}

const byId = async (service: SettingsService, id: string) => (await service.current()).indicators.find((i) => i.id === id)!;

describe('SettingsService', () => {
  it('serves one frozen snapshot and reads only the version within the poll interval', async () => {
    const { repository, service, advance } = setup();
    const first = await service.current();
    expect(first).toMatchObject({ version: 0, mode: 'enforcement' });
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first.indicators)).toBe(true);
    expect(repository.reads).toEqual({ settings: 1, load: 1, loadWithIntel: 1 });
    advance(1_999);
    expect(await service.current()).toBe(first);
    expect(repository.reads.settings).toBe(1);
    advance(1);
    expect(await service.current()).toBe(first);
    expect(repository.reads).toEqual({ settings: 2, load: 1, loadWithIntel: 1 });
  });

  it("sees another instance's change after the poll interval, and its own at once", async () => {
    const { repository, service, advance } = setup();
    await service.current();
    await repository.setMode('learning', 'other-instance', 1);
    expect((await service.current()).mode).toBe('enforcement');
    advance(2_000);
    expect(await service.current()).toMatchObject({ mode: 'learning', version: 1 });

    const view = await service.setMode('enforcement', 'admin');
    expect(view).toMatchObject({ mode: 'enforcement', version: 2, updatedBy: 'admin', updatedAt: 1_700_000_000_000 });
    expect(await service.current()).toMatchObject({ mode: 'enforcement', version: 2 });
  });

  it('shares one refresh among concurrent readers', async () => {
    const { repository, service } = setup();
    const snapshots = await Promise.all(Array.from({ length: 10 }, () => service.current()));
    expect(new Set(snapshots).size).toBe(1);
    expect(repository.reads).toEqual({ settings: 1, load: 1, loadWithIntel: 1 });
  });

  it('does not let a read begun before a local change hide that change', async () => {
    const { repository, service } = setup();
    await service.current();
    await service.setMode('learning', 'admin'); // invalidates; the next read polls
    let open!: () => void;
    repository.gate = new Promise((resolve) => (open = resolve));
    const before = service.current(); // reads version 1, held at the gate
    await new Promise((resolve) => setTimeout(resolve, 0));
    await service.setMode('enforcement', 'admin'); // version 2 committed while that read is out
    repository.gate = null;
    open();
    expect(await before).toMatchObject({ version: 1 });
    expect(await service.current()).toMatchObject({ mode: 'enforcement', version: 2 });
  });

  it('re-reads the threat-intelligence lists only when they changed', async () => {
    const { repository, service } = setup();
    const change = await service.addThreatIntel({ kind: 'DOMAIN', values: ['Evil.Example', 'evil.example.'], source: 'feed' }, 'admin');
    expect(change).toMatchObject({ kind: 'DOMAIN', added: 1, unchanged: 0, total: 1, settings: { version: 1 } });
    const first = await service.current();
    expect([...first.threatIntel.domains]).toEqual(['evil.example']);
    const loadsWithIntel = repository.reads.loadWithIntel;
    await service.configureIndicator({ id: 'unusual-hour', anchorScore: 12 }, 'admin');
    const second = await service.current();
    expect(second.version).toBe(2);
    expect(second.threatIntel).toBe(first.threatIntel);
    expect(repository.reads.loadWithIntel).toBe(loadsWithIntel);
    await service.removeThreatIntel('DOMAIN', ['EVIL.example'], 'admin');
    expect((await service.current()).threatIntel.domains.size).toBe(0);
    expect(repository.reads.loadWithIntel).toBe(loadsWithIntel + 1);
  });

  it('layers API overrides on the file configuration and resets to the file', async () => {
    const { service } = setup({ indicators: { 'impossible-travel': { anchorScore: 45, params: { maxSpeedKmh: 800 } } } });
    expect(await byId(service, 'impossible-travel')).toMatchObject({ anchorScore: 45, params: { maxSpeedKmh: 800, minDistanceKm: 500 } });
    const configured = await service.configureIndicator({ id: 'impossible-travel', params: [{ name: 'minDistanceKm', value: 300 }] }, 'admin');
    expect(configured).toMatchObject({ anchorScore: 45, overridden: true });
    expect(configured.params).toEqual([
      { name: 'maxSpeedKmh', value: 800, defaultValue: 900 },
      { name: 'minDistanceKm', value: 300, defaultValue: 500 },
      { name: 'minIntervalMinutes', value: 1, defaultValue: 1 },
    ]);
    expect((await byId(service, 'impossible-travel')).params).toEqual({ maxSpeedKmh: 800, minDistanceKm: 300, minIntervalMinutes: 1 });
    const reset = await service.resetIndicator('impossible-travel', 'admin');
    expect(reset).toMatchObject({ anchorScore: 45, overridden: false });
    expect((await byId(service, 'impossible-travel')).params).toEqual({ maxSpeedKmh: 800, minDistanceKm: 500, minIntervalMinutes: 1 });
    expect((await service.list()).find((i) => i.id === 'impossible-travel')).toMatchObject({ anchorScore: 45, threshold: null, overridden: false });
  });

  it('refuses invalid changes with every problem named by its input field', async () => {
    const { repository, service } = setup();
    const attempt = (input: Parameters<SettingsService['configureIndicator']>[0]) =>
      service.configureIndicator(input, 'admin').then(
        () => null,
        (error: DomainError) => ({ code: error.code, message: error.message, field: error.details?.field }),
      );
    expect(await attempt({ id: 'impossible-travel', anchorScore: 101, threshold: 0.1, params: [{ name: 'maxSpeed', value: 1 }, { name: 'minDistanceKm', value: -2 }] })).toEqual({
      code: 'BAD_INPUT',
      field: 'input.anchorScore',
      message:
        'input.anchorScore: 101 is not a number from 0 to 100; input.threshold: a fact has no p-value threshold; ' +
        'input.params.maxSpeed: no such parameter (it has maxSpeedKmh, minDistanceKm, minIntervalMinutes); input.params.minDistanceKm: -2 is not a non-negative number',
    });
    expect(await attempt({ id: 'nope' })).toMatchObject({ field: 'input.id', message: "input.id: no such indicator 'nope'" });
    expect(await attempt({ id: 'unusual-hour', params: [{ name: 'toString', value: 1 }] })).toMatchObject({
      field: 'input.params.toString',
      message: 'input.params.toString: no such parameter (it has none)',
    });
    expect(await attempt({ id: 'unusual-hour' })).toMatchObject({ field: 'input' });
    expect(await attempt({ id: 'unusual-hour', params: [{ name: 'x', value: 1 }, { name: 'x', value: 2 }] })).toMatchObject({ field: 'input.params' });
    await expect(service.resetIndicator('nope', 'admin')).rejects.toMatchObject({ code: 'NOT_FOUND', message: "id: indicator 'nope' does not exist" });
    await expect(service.setDisabledFamilies(['dga', 'nope'], 'admin')).rejects.toMatchObject({ code: 'BAD_INPUT', details: { field: 'families[1]' } });
    await expect(service.addThreatIntel({ kind: 'IP', values: ['1.2.3.4', 'x'], source: ' ' }, 'admin')).rejects.toMatchObject({
      message: "input.source: must be 1 to 100 characters (the name of the list the values come from); input.values[1]: 'x' is not an IPv4 or IPv6 address",
    });
    await expect(service.removeThreatIntel('IP', [], 'admin')).rejects.toMatchObject({ message: 'values: give at least one value' });
    expect(repository.settingsNode.version).toBe(0);
  });

  it('ignores what a stored override holds that this release does not know, applying the rest', async () => {
    const { repository, service } = setup();
    repository.overrides.set('retired', { indicator: 'retired', enabled: false, updatedAt: 0, updatedBy: 'old' });
    repository.overrides.set('unusual-hour', { indicator: 'unusual-hour', anchorScore: 33, params: { gone: 1 }, updatedAt: 0, updatedBy: 'old' });
    repository.settingsNode = { ...repository.settingsNode, version: 3, epoch: 'e', disabledFamilies: ['dga', 'retired-family'] };
    const settings = await service.current();
    expect(settings.version).toBe(3);
    expect(settings.indicators.find((i) => i.id === 'unusual-hour')!.anchorScore).toBe(33);
    expect(settings.indicators.find((i) => i.id === 'dga-domain')!.enabled).toBe(false);
    expect((await service.view()).disabledFamilies).toEqual(['dga']);
  });
});
