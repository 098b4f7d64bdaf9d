import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseStream } from '../../src/events/importer.ts';
import type { Runtime } from '../../src/main.ts';
import { graphQuery, testRuntime } from '../support/runtime.ts';

/**
 * The worker's analysis cache is bounded: with room for two users, an import of five keeps
 * two in memory after its closing checkpoint, and a dropped user's next events continue from
 * the checkpointed profile instead of a new one.
 */
const DAY = Date.UTC(2026, 5, 1);
const at = (d: number, h: number) => new Date(DAY + d * 86_400_000 + h * 3_600_000).toISOString();
const USERS = ['u1', 'u2', 'u3', 'u4', 'u5'];

function day(d: number): string[] {
  return USERS.flatMap((u) => [
    JSON.stringify({ '@timestamp': at(d, 9), event: { id: `${u}-${d}-in`, category: 'authentication', action: 'logon', outcome: 'success' }, user: { name: u }, host: { name: `WS-${u}` } }),
    JSON.stringify({ '@timestamp': at(d, 10), event: { id: `${u}-${d}-a`, category: 'network', action: 'app_access', outcome: 'success' }, user: { name: u }, destination: { address: 'FILES-01' } }),
    JSON.stringify({ '@timestamp': at(d, 17), event: { id: `${u}-${d}-out`, category: 'authentication', action: 'logoff', outcome: 'success' }, user: { name: u }, host: { name: `WS-${u}` } }),
  ]);
}

describe('the bounded analysis cache', () => {
  let runtime: Runtime;

  beforeAll(async () => {
    runtime = await testRuntime({ workers: true }, { RISKGRAPH_MAX_CACHED_USERS: '2', RISKGRAPH_PARTITIONS: '1' });
  });
  afterAll(async () => {
    await runtime?.close();
  });

  it('drops the least recently active users after a checkpoint and reloads them from it', { timeout: 180_000 }, async () => {
    const ingest = (lines: string[]) =>
      runtime.ingest.ingest(parseStream(Readable.from([lines.join('\n')]), { format: 'ecs', source: 'cache.ndjson' }), { source: 'cache.ndjson', wait: true });
    await ingest(day(0));
    expect(runtime.pipeline.analysis!.cachedUsers()).toBe(2);
    await ingest(day(1));
    const profiles = await graphQuery<{ user: string; profile: string }>(runtime, 'MATCH (u:User) RETURN u.id AS user, u.profile AS profile ORDER BY user');
    // Every user learnt both days, whether or not they stayed in memory in between.
    expect(profiles.map((p) => [p.user, (JSON.parse(p.profile) as { events: number }).events])).toEqual(USERS.map((u) => [u, 6]));
    expect(runtime.pipeline.analysis!.cachedUsers()).toBe(2);
  });
});
