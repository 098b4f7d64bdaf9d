import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseStream } from '../../src/events/importer.ts';
import type { Runtime } from '../../src/main.ts';
import { graphQuery, testRuntime } from '../support/runtime.ts';

/**
 * The ingest path end to end on the real Neo4j and Redis: parse → queue → worker → graph, with
 * a small data set whose answers are known.
 */
const DAY = Date.UTC(2026, 2, 2); // Monday 2026-03-02
const at = (h: number, m = 0) => new Date(DAY + h * 3_600_000 + m * 60_000).toISOString();

function line(id: string, time: string, user: string, action: string, extra: Record<string, unknown> = {}): string {
  const category = action === 'logon' || action === 'logoff' ? 'authentication' : action === 'http_request' ? 'web' : 'network';
  return JSON.stringify({ '@timestamp': time, event: { id, category, action, outcome: 'success' }, user: { name: user }, ...extra });
}

const LINES = [
  line('a1', at(9), 'alice', 'logon', { host: { name: 'PC-A' } }),
  line('a2', at(9, 5), 'alice', 'app_access', { host: { name: 'PC-A' }, destination: { address: 'FIN-DB-02' } }),
  line('a3', at(9, 10), 'alice', 'http_request', { url: { domain: 'Example.com' }, source: { bytes: 10 }, destination: { bytes: 2000 } }),
  '{"this is": not json',
  line('a4', at(10), 'alice', 'logoff', { host: { name: 'PC-A' } }),
  line('b1', at(22), 'bob', 'app_access', { destination: { address: 'FIN-DB-02' } }),
  JSON.stringify({ '@timestamp': at(22, 1), event: { id: 'b2', category: 'network', action: 'app_access' } }), // no user
  line('b3', at(22, 20), 'bob', 'app_access', { destination: { address: 'FIN-DB-02' }, 'service.name': 'sap' }),
];
const GOOD = 6;

function ndjson(lines: readonly string[]) {
  return parseStream(Readable.from([lines.join('\n')]), { format: 'ecs', source: 'sample.ndjson' });
}

describe('ingest pipeline on real Neo4j and Redis', () => {
  let runtime: Runtime;

  beforeAll(async () => {
    runtime = await testRuntime({ workers: true });
  });
  afterAll(async () => {
    await runtime?.close();
  });

  it('writes users, entities, ACCESSED statistics and sessions, and dead-letters the bad lines', async () => {
    const summary = await runtime.ingest.ingest(ndjson(LINES), { source: 'sample.ndjson', wait: true });
    expect(summary).toMatchObject({ accepted: GOOD, duplicates: 0, deadLetters: 2 });

    const users = await graphQuery<{ id: string; events: number }>(
      runtime,
      'MATCH (u:User) RETURN u.id AS id, u.eventCount AS events ORDER BY id',
    );
    expect(users).toEqual([
      { id: 'alice', events: 4 },
      { id: 'bob', events: 2 },
    ]);

    const edges = await graphQuery<{ user: string; label: string; id: string; count: number; hourHist: number[]; bytesIn: number }>(
      runtime,
      `MATCH (u:User)-[r:ACCESSED]->(e) RETURN u.id AS user, head(labels(e)) AS label, e.id AS id,
         r.count AS count, r.hourHist AS hourHist, r.bytesIn AS bytesIn ORDER BY user, label, id`,
    );
    expect(edges.map((e) => [e.user, e.label, e.id, e.count])).toEqual([
      ['alice', 'Asset', 'FIN-DB-02', 1],
      ['alice', 'Asset', 'example.com', 1],
      ['alice', 'Device', 'PC-A', 3],
      ['bob', 'Application', 'sap', 1],
      ['bob', 'Asset', 'FIN-DB-02', 2],
    ]);
    const bobDb = edges.find((e) => e.user === 'bob' && e.id === 'FIN-DB-02')!;
    expect(bobDb.hourHist[22]).toBe(2);
    expect(bobDb.hourHist.reduce((a, b) => a + b)).toBe(2);
    expect(edges.find((e) => e.id === 'example.com')!.bytesIn).toBe(2000);

    const sessions = await graphQuery<Record<string, unknown>>(
      runtime,
      `MATCH (s:Session)-[:OF]->(u:User) OPTIONAL MATCH (s)-[t:TOUCHED]->(e)
       RETURN u.id AS user, s.start AS start, s.end AS end, s.status AS status, s.closeReason AS reason,
              s.eventCount AS events, s.distinctEntities AS distinct, sum(t.count) AS touches
       ORDER BY user`,
    );
    expect(sessions).toEqual([
      { user: 'alice', start: DAY + 9 * 3_600_000, end: DAY + 10 * 3_600_000, status: 'CLOSED', reason: 'logoff', events: 4, distinct: 3, touches: 5 },
      // Idle for more than the gap by the end of the import: closed by the import's sweep.
      { user: 'bob', start: DAY + 22 * 3_600_000, end: DAY + 22 * 3_600_000 + 20 * 60_000, status: 'CLOSED', reason: 'inactivity', events: 2, distinct: 2, touches: 3 },
    ]);

    const letters = await runtime.deadLetters.list({ source: 'sample.ndjson', limit: 10 });
    expect(letters.map((d) => d.line).sort()).toEqual([4, 7]);
    expect(letters.find((d) => d.line === 4)!.reason).toMatch(/JSON/i);
    expect(letters.find((d) => d.line === 7)!.reason).toMatch(/user\.name/);
    expect(letters.find((d) => d.line === 7)!.raw).toContain('"b2"');
  });

  it('adds nothing when the same data is imported again', async () => {
    const before = await graphQuery(runtime, 'MATCH ()-[r:ACCESSED]->() RETURN sum(r.count) AS n');
    const summary = await runtime.ingest.ingest(ndjson(LINES), { source: 'sample.ndjson', wait: true });
    expect(summary).toMatchObject({ accepted: 0, duplicates: GOOD, deadLetters: 2 });
    const after = await graphQuery(runtime, 'MATCH ()-[r:ACCESSED]->() RETURN sum(r.count) AS n');
    expect(after).toEqual(before);
    expect(await runtime.deadLetters.count('sample.ndjson')).toBe(2);
    const [sessions] = await graphQuery<{ n: number }>(runtime, 'MATCH (s:Session) RETURN count(s) AS n');
    expect(sessions!.n).toBe(2);
  });

  it('recognises a batch that committed before its worker could acknowledge it', async () => {
    const events = [
      { id: 'c1', ts: DAY + 3_600_000, category: 'network' as const, action: 'app_access', outcome: 'success' as const, user: 'carol', asset: 'HR-APP' },
    ];
    const first = await runtime.pipeline.applyBatch(0, 'batch-replay-test', events);
    expect(first).toMatchObject({ applied: 1, duplicates: 0 });
    // The same job handed to a worker again (its first worker died after the commit).
    const again = await runtime.pipeline.applyBatch(0, 'batch-replay-test', events);
    expect(again).toMatchObject({ applied: 0, duplicates: 1 });
    const [row] = await graphQuery<{ count: number }>(
      runtime,
      "MATCH (:User {id: 'carol'})-[r:ACCESSED]->(:Asset {id: 'HR-APP'}) RETURN r.count AS count",
    );
    expect(row!.count).toBe(1);
  });
});
