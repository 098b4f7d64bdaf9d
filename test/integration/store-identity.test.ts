import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../src/main.ts';
import { ecsLine, routineDays } from '../support/behaviour.ts';
import { graphQuery, testRuntime, wipeGraph } from '../support/runtime.ts';
import type { ParsedItem } from '../../src/events/event.ts';
import { parseStream } from '../../src/events/importer.ts';
import { Readable } from 'node:stream';

/**
 * The event-id memory belongs to one graph: re-importing into the same graph adds nothing,
 * but a new or wiped graph with the same Redis and prefix gets every event again (it used to
 * answer "all duplicates" and stay empty).
 */
const START = Date.UTC(2026, 5, 1);

describe('event-id memory follows the graph', () => {
  let runtime: Runtime;
  const lines = [...routineDays('ida', START, 5), ...routineDays('ole', START, 5), ecsLine('ida', 'ida-extra', START + 3_600_000, 'web', 'http_request', { url: { domain: 'example.org' } })];
  const items = (): AsyncIterable<ParsedItem> => parseStream(Readable.from([lines.join('\n')]), { format: 'ecs', source: 'identity-test' });
  const eventsInGraph = async () =>
    (await graphQuery<{ n: number }>(runtime, 'MATCH (u:User) RETURN coalesce(sum(u.eventCount), 0) AS n'))[0]!.n;

  beforeAll(async () => {
    runtime = await testRuntime({ workers: true }, { RISKGRAPH_BATCH_SIZE: '40' });
  });
  afterAll(async () => {
    await runtime?.close();
  });

  it('remembers ids for the same graph, and forgets them for a wiped one', async () => {
    const first = await runtime.ingest.ingest(items(), { source: 'identity-test', wait: true });
    expect(first).toMatchObject({ accepted: lines.length, duplicates: 0 });
    expect(await eventsInGraph()).toBe(lines.length);
    const [identity] = await graphQuery<{ id: string }>(runtime, "MATCH (g:StoreIdentity {key: 'graph'}) RETURN g.id AS id");

    const again = await runtime.ingest.ingest(items(), { source: 'identity-test', wait: true });
    expect(again).toMatchObject({ accepted: 0, duplicates: lines.length });
    expect(await eventsInGraph()).toBe(lines.length);

    // The same Redis and prefix, an empty graph: everything is ingested again, nothing dropped.
    await wipeGraph(runtime);
    const fresh = await runtime.ingest.ingest(items(), { source: 'identity-test', wait: true });
    expect(fresh).toMatchObject({ accepted: lines.length, duplicates: 0 });
    expect(await eventsInGraph()).toBe(lines.length);
    const [next] = await graphQuery<{ id: string }>(runtime, "MATCH (g:StoreIdentity {key: 'graph'}) RETURN g.id AS id");
    expect(next!.id).not.toBe(identity!.id);
  });
});
