import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Server } from '../../src/main.ts';
import { ecsLine, routineDays } from '../support/behaviour.ts';
import { TEST_ADMIN_TOKEN, graphQuery, testServer } from '../support/runtime.ts';

/**
 * Long imports do not hang a request: POST /ingest answers once the events are queued, with an
 * import id whose progress any client can follow (GET /ingest/{id}, ingestJob, and an NDJSON
 * progress stream with wait=true) until it is DONE with the counts the summary gave.
 */
const START = Date.UTC(2026, 2, 2, 0);

/** 24 users × 10 days of routine, plus bad lines at known places. */
function body(prefix: string): { text: string; events: number; bad: number } {
  const lines: string[] = [];
  for (let u = 0; u < 24; u++) lines.push(...routineDays(`${prefix}-user-${u}`, START, 10));
  const bad = 3;
  lines.splice(10, 0, '{"not":"an event"}');
  lines.splice(500, 0, 'garbage');
  lines.push(ecsLine(`${prefix}-user-0`, `${prefix}-bad-ts`, START, 'web', 'http_request').replace(/"@timestamp":"[^"]+"/, '"@timestamp":"soon"'));
  return { text: lines.join('\n'), events: lines.length - bad, bad };
}

type Status = { id: string; state: string; accepted: number; duplicates: number; deadLetters: number; processed: number; batches: number | null; batchesDone: number };

describe('import progress', () => {
  let server: Server;
  const auth = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
  const status = async (id: string): Promise<Status> => {
    const res = await fetch(`${server.url}/ingest/${id}`, { headers: auth });
    expect(res.status).toBe(200);
    return (await res.json()) as Status;
  };

  beforeAll(async () => {
    // Small batches, so that an import spans several jobs of several partitions.
    server = await testServer({ RISKGRAPH_BATCH_SIZE: '500' });
  });
  afterAll(async () => {
    await server?.close();
  });

  // An import of 24 users × 10 days through the pipeline: 26 s at load 12 on two cores, and the
  // wait for DONE below allows 120 s (the 60 s default ended the test first).
  it('answers with an import id at once and reports progress until DONE with matching counts', { timeout: 240_000 }, async () => {
    const { text, events, bad } = body('imp');
    const res = await fetch(`${server.url}/ingest?format=ecs`, { method: 'POST', headers: { ...auth, 'content-type': 'application/x-ndjson' }, body: text });
    expect(res.status).toBe(200);
    const summary = (await res.json()) as { importId: string; accepted: number; duplicates: number; deadLetters: number };
    expect(summary).toMatchObject({ accepted: events, duplicates: 0, deadLetters: bad });
    expect(summary.importId).toMatch(/^[0-9a-f-]{36}$/);

    let current = await status(summary.importId);
    expect(['QUEUED', 'DONE']).toContain(current.state);
    expect(current.batches).toBeGreaterThan(2);
    const deadline = Date.now() + 120_000;
    while (current.state !== 'DONE' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      current = await status(summary.importId);
    }
    expect(current).toMatchObject({ state: 'DONE', accepted: events, processed: events, duplicates: 0, deadLetters: bad, batchesDone: current.batches });
    const [graph] = await graphQuery<{ events: number }>(server.runtime, "MATCH (u:User) WHERE u.id STARTS WITH 'imp-' RETURN sum(u.eventCount) AS events");
    expect(graph!.events).toBe(events);

    // The same import through GraphQL.
    const gql = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'query ($id: ID!) { ingestJob(id: $id) { id state accepted processed deadLetters batches batchesDone finishedAt } }', variables: { id: summary.importId } }),
    });
    const job = ((await gql.json()) as { data: { ingestJob: Record<string, unknown> } }).data.ingestJob;
    expect(job).toMatchObject({ id: summary.importId, state: 'DONE', accepted: events, processed: events, deadLetters: bad });
    expect(typeof job.finishedAt).toBe('string');
  });

  it('re-importing the same body is all duplicates, and the import still reaches DONE', async () => {
    const { text, events } = body('imp');
    const res = await fetch(`${server.url}/ingest?format=ecs&wait=true`, { method: 'POST', headers: { ...auth, 'content-type': 'application/x-ndjson' }, body: text });
    const summary = (await res.json()) as { importId: string; accepted: number; duplicates: number };
    expect(summary).toMatchObject({ accepted: 0, duplicates: events });
    expect((await status(summary.importId)).state).toBe('DONE');
  });

  it('streams NDJSON progress with wait=true when asked, ending with the summary', async () => {
    const { text, events, bad } = body('nd');
    const res = await fetch(`${server.url}/ingest?format=ecs&wait=true`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/x-ndjson', accept: 'application/x-ndjson' },
      body: text,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-ndjson');
    const lines = (await res.text()).split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Record<string, { importId?: string; accepted?: number; deadLetters?: number }>);
    expect(Object.keys(lines[0]!)).toEqual(['queued']);
    const last = lines.at(-1)!;
    expect(Object.keys(last)).toEqual(['done']);
    expect(last.done).toMatchObject({ accepted: events, deadLetters: bad });
    expect(last.done!.importId).toBe(lines[0]!.queued!.importId);
  });

  it('refuses unknown import ids and callers without the ingest role', async () => {
    const unknown = await fetch(`${server.url}/ingest/00000000-0000-4000-8000-000000000000`, { headers: auth });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { message: string } }).error.message).toContain('no import');
    const anonymous = await fetch(`${server.url}/ingest/00000000-0000-4000-8000-000000000000`);
    expect(anonymous.status).toBe(401);
  });
});

