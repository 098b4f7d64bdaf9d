import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeCursor } from '../../src/api/connection.ts';
import { createLogger } from '../../src/logger.ts';
import type { Server } from '../../src/main.ts';
import { SettingsService } from '../../src/settings/settings.service.ts';
import { Neo4jSettingsRepository } from '../../src/store/settings.repository.ts';
import { testRuntime, testServer } from '../support/runtime.ts';
import { gql, gqlData, until } from './graphql-support.ts';

/**
 * Analysis settings end to end, over real HTTP against the real Neo4j: the mode, indicator
 * configuration layered on the RISKGRAPH_INDICATORS_FILE, threat-intelligence lists, the
 * version every change increments, what the pipeline's settings source sees (here and in a
 * second instance that only polls the version), roles and the audit trail.
 */
const dir = mkdtempSync(path.join(os.tmpdir(), 'riskgraph-settings-e2e-'));
const INDICATORS_FILE = path.join(dir, 'indicators.yaml');
writeFileSync(
  INDICATORS_FILE,
  ['disabledFamilies: [dga]', 'indicators:', '  impossible-travel: { anchorScore: 45, params: { maxSpeedKmh: 800 } }', ''].join('\n'),
);

const SETTINGS = `{ settings { mode version updatedAt updatedBy disabledIndicatorFamilies } }`;
const INDICATOR_FIELDS = `id anchorScore enabled threshold overridden params { name value defaultValue }`;
const CONFIGURE = `mutation ($input: IndicatorConfigInput!) { configureIndicator(input: $input) { ${INDICATOR_FIELDS} } }`;
const ADD = `mutation ($input: ThreatIntelInput!) { addThreatIntel(input: $input) { kind added removed unchanged total settings { version } } }`;
const REMOVE = `mutation ($kind: ThreatIntelKind!, $values: [String!]!) { removeThreatIntel(kind: $kind, values: $values) { kind added removed unchanged total settings { version } } }`;
const PAGE = `query ($kind: ThreatIntelKind!, $first: Int, $after: String) {
  threatIntel(kind: $kind, first: $first, after: $after) { totalCount edges { node { kind value source addedAt addedBy } } pageInfo { hasNextPage endCursor } } }`;

interface IndicatorNode {
  id: string;
  anchorScore: number;
  enabled: boolean;
  threshold: number | null;
  overridden: boolean;
  params: Array<{ name: string; value: number; defaultValue: number }>;
}

describe('GraphQL analysis settings', () => {
  let server: Server;
  const tokens: Record<string, string> = {};

  const version = async () => (await gqlData(server, SETTINGS)).settings.version as number;
  const listed = async (): Promise<Map<string, IndicatorNode>> => {
    const { indicators } = await gqlData(server, `{ indicators(first: 100) { edges { node { ${INDICATOR_FIELDS} } } } }`);
    return new Map(indicators.edges.map((e: { node: IndicatorNode }) => [e.node.id, e.node]));
  };

  beforeAll(async () => {
    server = await testServer({ RISKGRAPH_INDICATORS_FILE: INDICATORS_FILE });
    for (const role of ['ANALYST', 'DASHBOARD']) {
      const { createApiKey } = await gqlData(server, `mutation ($role: Role!) { createApiKey(name: "settings probe", role: $role) { secret } }`, { role });
      tokens[role] = createApiKey.secret;
    }
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts from RISKGRAPH_MODE and the indicator file, at version 0', async () => {
    expect((await gqlData(server, SETTINGS)).settings).toEqual({
      mode: 'ENFORCEMENT',
      version: 0,
      updatedAt: null,
      updatedBy: null,
      disabledIndicatorFamilies: ['dga'],
    });
    const indicators = await listed();
    expect(indicators.get('impossible-travel')).toMatchObject({ anchorScore: 45, enabled: true, threshold: null, overridden: false });
    expect(indicators.get('impossible-travel')!.params).toContainEqual({ name: 'maxSpeedKmh', value: 800, defaultValue: 900 });
    expect(indicators.get('dga-domain')).toMatchObject({ enabled: false, threshold: 0.001 });
    const analysis = await server.runtime.settings.current();
    expect(analysis.version).toBe(0);
    expect(analysis.indicators.find((i) => i.id === 'impossible-travel')!.anchorScore).toBe(45);
  });

  it('sets the enforcement mode, increments the version, audits it, and the analysis sees it at once', async () => {
    const before = await version();
    const { setEnforcementMode } = await gqlData(server, `mutation { setEnforcementMode(mode: LEARNING) { mode version updatedAt updatedBy } }`);
    expect(setEnforcementMode).toMatchObject({ mode: 'LEARNING', version: before + 1, updatedBy: 'admin' });
    expect(Date.now() - Date.parse(setEnforcementMode.updatedAt)).toBeLessThan(60_000);
    expect(await server.runtime.settings.current()).toMatchObject({ mode: 'learning', version: before + 1 });
    expect((await gqlData(server, SETTINGS, {}, tokens.ANALYST!)).settings).toMatchObject({ mode: 'LEARNING', version: before + 1 });

    const { auditTrail } = await gqlData(server, `{ auditTrail(first: 5) { edges { node { actor action target outcome details } } } }`);
    expect(auditTrail.edges[0].node).toEqual({
      actor: 'admin',
      action: 'Mutation.setEnforcementMode',
      target: 'settings',
      outcome: 'OK',
      details: { mode: 'LEARNING', version: before + 1 },
    });
    await gqlData(server, `mutation { setEnforcementMode(mode: ENFORCEMENT) { mode } }`);
    expect((await server.runtime.settings.current()).mode).toBe('enforcement');
  });

  it('configures an indicator on top of the file, shows it in Query.indicators and the analysis, and resets it', async () => {
    const before = await version();
    const { configureIndicator } = await gqlData(server, CONFIGURE, {
      input: { id: 'impossible-travel', anchorScore: 30, params: [{ name: 'minDistanceKm', value: 250 }] },
    });
    expect(configureIndicator).toMatchObject({ id: 'impossible-travel', anchorScore: 30, enabled: true, overridden: true });
    // The file's maxSpeedKmh stays; the override's minDistanceKm is added.
    expect(configureIndicator.params).toEqual([
      { name: 'maxSpeedKmh', value: 800, defaultValue: 900 },
      { name: 'minDistanceKm', value: 250, defaultValue: 500 },
      { name: 'minIntervalMinutes', value: 1, defaultValue: 1 },
    ]);
    // A second change keeps the first's fields (fields left out keep their value).
    await gqlData(server, CONFIGURE, { input: { id: 'impossible-travel', enabled: false } });
    await gqlData(server, CONFIGURE, { input: { id: 'unusual-hour', threshold: 0.001, anchorScore: 12 } });
    expect(await version()).toBe(before + 3);

    const indicators = await listed();
    expect(indicators.get('impossible-travel')).toMatchObject({ anchorScore: 30, enabled: false, overridden: true });
    expect(indicators.get('unusual-hour')).toMatchObject({ anchorScore: 12, threshold: 0.001, enabled: true, overridden: true });
    expect(indicators.get('new-city')).toMatchObject({ anchorScore: 10, threshold: 0.05, overridden: false });
    const analysis = await server.runtime.settings.current();
    const travel = analysis.indicators.find((i) => i.id === 'impossible-travel')!;
    expect(travel).toMatchObject({ enabled: false, anchorScore: 30, params: { maxSpeedKmh: 800, minDistanceKm: 250, minIntervalMinutes: 1 } });
    expect(analysis.indicators.find((i) => i.id === 'unusual-hour')!.test).toEqual({ kind: 'p-value', threshold: 0.001 });

    const { resetIndicator } = await gqlData(server, `mutation { resetIndicator(id: "impossible-travel") { ${INDICATOR_FIELDS} } }`);
    expect(resetIndicator).toMatchObject({ anchorScore: 45, enabled: true, overridden: false });
    expect(resetIndicator.params[0]).toEqual({ name: 'maxSpeedKmh', value: 800, defaultValue: 900 });
    expect((await listed()).get('impossible-travel')).toMatchObject({ anchorScore: 45, enabled: true, overridden: false });
    expect(await version()).toBe(before + 4);
  });

  it('switches indicator families off and back to the file list', async () => {
    const { setDisabledIndicatorFamilies } = await gqlData(server, `mutation { setDisabledIndicatorFamilies(families: ["hr", "time"]) { disabledIndicatorFamilies } }`);
    expect(setDisabledIndicatorFamilies.disabledIndicatorFamilies).toEqual(['hr', 'time']);
    let indicators = await listed();
    expect([indicators.get('unusual-hour')!.enabled, indicators.get('activity-after-termination')!.enabled, indicators.get('dga-domain')!.enabled]).toEqual([
      false,
      false,
      true,
    ]);
    await gqlData(server, `mutation { setDisabledIndicatorFamilies { version } }`);
    indicators = await listed();
    expect([indicators.get('unusual-hour')!.enabled, indicators.get('dga-domain')!.enabled]).toEqual([true, false]);
  });

  it('refuses invalid configuration with every problem, naming the fields, and changes nothing', async () => {
    const before = await version();
    const bad = await gql(server, CONFIGURE, {
      input: { id: 'impossible-travel', anchorScore: 400, threshold: 0.5, params: [{ name: 'maxSpeed', value: 1 }] },
    });
    expect(bad.errors).toEqual([
      expect.objectContaining({
        message:
          'input.anchorScore: 400 is not a number from 0 to 100; input.threshold: a fact has no p-value threshold; ' +
          'input.params.maxSpeed: no such parameter (it has maxSpeedKmh, minDistanceKm, minIntervalMinutes)',
        extensions: { code: 'BAD_USER_INPUT', field: 'input.anchorScore' },
      }),
    ]);
    const unknown = await gql(server, CONFIGURE, { input: { id: 'no-such-indicator', enabled: false } });
    expect(unknown.errors![0]).toMatchObject({ message: "input.id: no such indicator 'no-such-indicator'", extensions: { code: 'BAD_USER_INPUT', field: 'input.id' } });
    const threshold = await gql(server, CONFIGURE, { input: { id: 'unusual-hour', threshold: 0 } });
    expect(threshold.errors![0]!.message).toBe('input.threshold: 0 is not a probability in (0, 1]');
    const reset = await gql(server, `mutation { resetIndicator(id: "nope") { id } }`);
    expect(reset.errors![0]).toMatchObject({ message: "id: indicator 'nope' does not exist", extensions: { code: 'NOT_FOUND' } });
    const families = await gql(server, `mutation { setDisabledIndicatorFamilies(families: ["dga", "spam"]) { version } }`);
    expect(families.errors![0]!.message).toMatch(/^families\[1\]: unknown family 'spam' \(families: access, /);
    const mode = await gql(server, `mutation { setEnforcementMode(mode: STRICT) { version } }`);
    expect(mode.errors![0]!.extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(await version()).toBe(before);

    const { auditTrail } = await gqlData(server, `{ auditTrail(first: 10) { edges { node { action target outcome details } } } }`);
    expect(auditTrail.edges.map((e: { node: unknown }) => e.node)).toContainEqual({
      action: 'Mutation.configureIndicator',
      target: 'impossible-travel',
      outcome: 'FAILED',
      details: { error: 'BAD_INPUT' },
    });
  });

  it('adds, pages and removes threat intelligence, refusing bad values by name', async () => {
    const before = await version();
    const ips = Array.from({ length: 250 }, (_, i) => `198.51.${Math.floor(i / 200)}.${i % 200}`);
    const added = await gqlData(server, ADD, { input: { kind: 'IP', values: ips, source: 'feed-a' } });
    expect(added.addThreatIntel).toEqual({ kind: 'IP', added: 250, removed: 0, unchanged: 0, total: 250, settings: { version: before + 1 } });
    // Listed again with new ones: only the new ones count as added; the others take the new source.
    const again = await gqlData(server, ADD, { input: { kind: 'IP', values: ['198.51.0.1', '2001:DB8::7'], source: 'feed-b' } });
    expect(again.addThreatIntel).toMatchObject({ added: 1, unchanged: 1, total: 251, settings: { version: before + 2 } });

    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const { threatIntel }: { threatIntel: any } = await gqlData(server, PAGE, { kind: 'IP', first: 100, after }, tokens.ANALYST!);
      expect(threatIntel.totalCount).toBe(251);
      seen.push(...threatIntel.edges.map((e: { node: { value: string } }) => e.node.value));
      after = threatIntel.pageInfo.hasNextPage ? threatIntel.pageInfo.endCursor : null;
      pages += 1;
    } while (after !== null);
    expect(pages).toBe(3);
    expect(seen).toEqual([...ips, '2001:db8::7'].sort());
    const first = await gqlData(server, PAGE, { kind: 'IP', first: 1 });
    expect(first.threatIntel.edges[0].node).toMatchObject({ kind: 'IP', value: '198.51.0.0', source: 'feed-a', addedBy: 'admin' });
    const refreshed = await gqlData(server, PAGE, { kind: 'IP', first: 1, after: first.threatIntel.pageInfo.endCursor });
    expect(refreshed.threatIntel.edges[0].node).toMatchObject({ value: '198.51.0.1', source: 'feed-b' });
    // A cursor of one list is not accepted on the other.
    const crossed = await gql(server, PAGE, { kind: 'DOMAIN', after: first.threatIntel.pageInfo.endCursor });
    expect(crossed.errors![0]!.message).toBe('after: is not a cursor of this list (threatIntel:DOMAIN)');

    const domains = await gqlData(server, ADD, { input: { kind: 'DOMAIN', values: ['Evil.Example', 'bad.example.org.', 'evil.example'], source: 'feed-c' } });
    expect(domains.addThreatIntel).toMatchObject({ added: 2, unchanged: 0, total: 2 });
    const analysis = await server.runtime.settings.current();
    expect(analysis.threatIntel.ips.size).toBe(251);
    expect(analysis.threatIntel.ips.has('2001:db8::7')).toBe(true);
    expect([...analysis.threatIntel.domains].sort()).toEqual(['bad.example.org', 'evil.example']);

    const bad = await gql(server, ADD, { input: { kind: 'IP', values: ['10.0.0.1', '10.0.0', 'evil.example'], source: 'x' } });
    expect(bad.errors![0]).toMatchObject({
      message: "input.values[1]: '10.0.0' is not an IPv4 or IPv6 address; input.values[2]: 'evil.example' is not an IPv4 or IPv6 address",
      extensions: { code: 'BAD_USER_INPUT', field: 'input.values[1]' },
    });
    const badDomain = await gql(server, ADD, { input: { kind: 'DOMAIN', values: ['*.evil.example'], source: 'x' } });
    expect(badDomain.errors![0]!.message).toBe("input.values[0]: '*.evil.example' is not a domain name (wildcards are not needed: a listed domain matches its subdomains)");
    const noSource = await gql(server, ADD, { input: { kind: 'DOMAIN', values: ['ok.example'], source: '  ' } });
    expect(noSource.errors![0]!.extensions!.field).toBe('input.source');

    const removed = await gqlData(server, REMOVE, { kind: 'IP', values: ['198.51.0.0', '198.51.0.1', '192.0.2.1'] });
    expect(removed.removeThreatIntel).toEqual({ kind: 'IP', added: 0, removed: 2, unchanged: 1, total: 249, settings: { version: before + 4 } });
    const removedDomain = await gqlData(server, REMOVE, { kind: 'DOMAIN', values: ['EVIL.example'] });
    expect(removedDomain.removeThreatIntel).toMatchObject({ removed: 1, total: 1 });
    const now = await server.runtime.settings.current();
    expect(now.threatIntel.ips.has('198.51.0.1')).toBe(false);
    expect([...now.threatIntel.domains]).toEqual(['bad.example.org']);

    const { auditTrail } = await gqlData(server, `{ auditTrail(first: 3) { edges { node { action target outcome details } } } }`);
    expect(auditTrail.edges[1].node).toEqual({
      action: 'Mutation.removeThreatIntel',
      target: 'threatIntel:IP',
      outcome: 'OK',
      details: { count: 3, values: ['198.51.0.0', '198.51.0.1', '192.0.2.1'], removed: 2, version: before + 4 },
    });
  });

  it('counts every one of concurrent changes from several callers', async () => {
    const before = await version();
    const versions = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        gqlData(server, `mutation ($mode: EnforcementMode!) { setEnforcementMode(mode: $mode) { version } }`, { mode: i % 2 === 0 ? 'LEARNING' : 'ENFORCEMENT' }),
      ),
    );
    expect(versions.map((v) => v.setEnforcementMode.version).sort((a, b) => a - b)).toEqual(Array.from({ length: 8 }, (_, i) => before + 1 + i));
    expect(await version()).toBe(before + 8);
  });

  it('reaches another instance after its version poll', async () => {
    let monotonic = 0;
    const other = new SettingsService({
      repository: new Neo4jSettingsRepository(server.runtime.executor),
      fileConfig: {},
      defaultMode: 'enforcement',
      log: createLogger('silent'),
      monotonic: () => monotonic,
    });
    const seen = await other.current();
    expect(seen.version).toBe(await version());
    await gqlData(server, CONFIGURE, { input: { id: 'new-country', anchorScore: 33 } });
    await gqlData(server, ADD, { input: { kind: 'DOMAIN', values: ['late.example'], source: 'feed-d' } });
    // Within the poll interval it keeps its snapshot; after it, one version read brings the change.
    monotonic += 1_999;
    expect(await other.current()).toBe(seen);
    monotonic += 1;
    const next = await other.current();
    expect(next.version).toBe(seen.version + 2);
    expect(next.indicators.find((i) => i.id === 'new-country')!.anchorScore).toBe(33);
    expect(next.threatIntel.domains.has('late.example')).toBe(true);

    // With the real clock the change is seen at the next poll. How soon is proved above with the
    // test's clock (the poll interval, exactly); here only that the default clock moves on, so
    // the wait is for the condition, not a measured duration (a loaded machine stretches those).
    const realTime = new SettingsService({
      repository: new Neo4jSettingsRepository(server.runtime.executor),
      fileConfig: {},
      defaultMode: 'enforcement',
      log: createLogger('silent'),
    });
    const start = (await realTime.current()).version;
    await gqlData(server, `mutation { setEnforcementMode(mode: LEARNING) { version } }`);
    await until(async () => (await realTime.current()).version === start + 1, 30_000, 'the other instance to see the change');
    expect((await realTime.current()).mode).toBe('learning');
  });

  it('lets ADMIN change and ADMIN and ANALYST read the settings, nobody else', async () => {
    const analystChange = await gql(server, `mutation { setEnforcementMode(mode: LEARNING) { version } }`, {}, tokens.ANALYST!);
    expect(analystChange.errors![0]).toMatchObject({ message: 'role ANALYST may not use Mutation.setEnforcementMode', extensions: { code: 'FORBIDDEN' } });
    const analystAdd = await gql(server, ADD, { input: { kind: 'IP', values: ['192.0.2.9'], source: 'x' } }, tokens.ANALYST!);
    expect(analystAdd.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    const dashboardRead = await gql(server, SETTINGS, {}, tokens.DASHBOARD!);
    expect(dashboardRead.errors![0]).toMatchObject({ message: 'role DASHBOARD may not use Query.settings', extensions: { code: 'FORBIDDEN' } });
    const dashboardIntel = await gql(server, PAGE, { kind: 'IP' }, tokens.DASHBOARD!);
    expect(dashboardIntel.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    expect((await gql(server, PAGE, { kind: 'IP', first: 1 }, tokens.ANALYST!)).errors).toBeUndefined();
  });

  // One bulk change of 100k entries takes 10–40 s on a busy 2-core machine (one MERGE per entry, in one transaction).
  it('holds a list of 100,000 entries: one change, pages from anywhere, one snapshot', { timeout: 240_000 }, async () => {
    const values = Array.from({ length: 100_000 }, (_, i) => `10.${Math.floor(i / 65_536)}.${Math.floor(i / 256) % 256}.${i % 256}`);
    const before = await version();
    const change = await server.runtime.settings.addThreatIntel({ kind: 'IP', values, source: 'bulk' }, 'admin');
    expect(change).toMatchObject({ added: 100_000, settings: { version: before + 1 } });
    const total = change.total;
    expect(total).toBeGreaterThan(100_000);
    const { threatIntel: middle } = await gqlData(server, PAGE, { kind: 'IP', first: 100, after: encodeCursor('threatIntel:IP', '10.1.0.0') });
    expect(middle.totalCount).toBe(total);
    expect(middle.edges).toHaveLength(100);
    expect(middle.edges[0].node.value).toBe('10.1.0.1');
    const snapshot = await server.runtime.settings.current();
    expect(snapshot.version).toBe(before + 1);
    expect(snapshot.threatIntel.ips.size).toBe(total);
    expect(snapshot.threatIntel.ips.has('10.1.134.159')).toBe(true);
  });

  it('refuses to start with an invalid indicator file, listing every problem', async () => {
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ indicators: { 'unusual-hour': { anchorScore: 400 }, nope: {} }, disabledFamilies: ['spam'] }));
    await expect(testRuntime({ workers: false }, { RISKGRAPH_INDICATORS_FILE: bad })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      details: {
        problems: [
          "disabledFamilies: unknown family 'spam' (families: access, peer-group, time, location, volume, authentication, lateral-movement, threat-intel, dga, account, hr, privileged)",
          'indicators.unusual-hour.anchorScore: 400 is not a number from 0 to 100',
          'indicators.nope: no such indicator',
        ],
      },
    });
  });
});
