import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Server } from '../../src/main.ts';
import { TEST_ADMIN_TOKEN, graphQuery, testServer } from '../support/runtime.ts';

/** The HTTP edge over a real socket: health, bulk ingest, auth and input errors. */
const T = Date.UTC(2026, 4, 4, 10);
const body = [
  JSON.stringify({ '@timestamp': new Date(T).toISOString(), event: { id: 'h1', category: 'web', action: 'http_request' }, user: { name: 'dora' }, url: { domain: 'example.org' } }),
  JSON.stringify({ '@timestamp': new Date(T + 60_000).toISOString(), event: { id: 'h2', category: 'web', action: 'http_request' }, user: { name: 'dora' }, url: { domain: 'example.org' } }),
  '{"@timestamp":"yesterday","event":{"category":"web","action":"x"},"user":{"name":"dora"}}',
].join('\n');

describe('HTTP edge', () => {
  let server: Server;
  const post = (query: string, init: { token?: string; body?: string } = {}) =>
    fetch(`${server.url}/ingest${query}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-ndjson',
        ...(init.token === undefined ? {} : { authorization: `Bearer ${init.token}` }),
      },
      body: init.body ?? body,
    });

  beforeAll(async () => {
    server = await testServer({ RISKGRAPH_MAX_BODY_MB: '1' });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('answers /health with the state of Neo4j and Redis', async () => {
    const res = await fetch(`${server.url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', checks: { neo4j: 'up', redis: 'up' } });
  });

  it('refuses ingestion without a valid bearer token', async () => {
    const missing = await post('?format=ecs');
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    expect((await post('?format=ecs', { token: 'wrong-token' })).status).toBe(401);
  });

  it('names the problem with a bad format or wait parameter', async () => {
    const res = await post('?format=xml', { token: TEST_ADMIN_TOKEN });
    expect(res.status).toBe(400);
    const error = ((await res.json()) as { error: { code: string; message: string } }).error;
    expect(error.code).toBe('BAD_INPUT');
    expect(error.message).toContain("format: 'xml' is not one of ecs");
    const wait = await post('?format=ecs&wait=soon', { token: TEST_ADMIN_TOKEN });
    expect(wait.status).toBe(400);
  });

  it('ingests an NDJSON body and, with wait=true, answers once it is in the graph', async () => {
    const res = await post('?format=ecs&wait=true', { token: TEST_ADMIN_TOKEN });
    expect(res.status).toBe(200);
    const summary = (await res.json()) as Record<string, number>;
    expect(summary).toMatchObject({ accepted: 2, duplicates: 0, deadLetters: 1 });
    expect(typeof summary.seconds).toBe('number');
    const [edge] = await graphQuery<{ count: number }>(
      server.runtime,
      "MATCH (:User {id: 'dora'})-[r:ACCESSED]->(:Asset {id: 'example.org'}) RETURN r.count AS count",
    );
    expect(edge!.count).toBe(2);
    const [letter] = await server.runtime.deadLetters.list({ source: 'http:ecs', limit: 5 });
    expect(letter).toMatchObject({ source: 'http:ecs', line: 3 });
    expect(letter!.reason).toContain('@timestamp');
  });

  it('answers /ready, and serves Prometheus metrics to an admin or dashboard token only', async () => {
    expect((await fetch(`${server.url}/ready`)).status).toBe(200);
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
    const res = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
    expect(res.status).toBe(200);
    const text = await res.text();
    const value = (line: RegExp) => Number(text.split('\n').find((l) => line.test(l))?.split(' ').pop());
    // The ingest test above wrote two events through a worker of this process.
    expect(value(/^riskgraph_events_applied_total /)).toBeGreaterThanOrEqual(2);
    expect(value(/^riskgraph_events_accepted_total\{path="http"\} /)).toBeGreaterThanOrEqual(2);
    expect(text).toMatch(/^riskgraph_queue_depth\{partition="0"\} \d+/m);
    expect(text).toMatch(/^riskgraph_http_requests_total\{route="\/ingest",status="200"\} \d+/m);
  });

  it('rejects a body over the size limit with 413', async () => {
    const line = body.split('\n')[0]!;
    const big = Array.from({ length: Math.ceil((1.5 * 1024 * 1024) / line.length) }, () => line).join('\n');
    const res = await post('?format=ecs', { token: TEST_ADMIN_TOKEN, body: big });
    expect(res.status).toBe(413);
  });

  it('answers unknown routes with 404 and no stack trace', async () => {
    const res = await fetch(`${server.url}/nope`);
    expect(res.status).toBe(404);
    expect(await res.text()).not.toMatch(/at .*\.ts:\d+/);
  });
});

describe('what a server wires by default', () => {
  let server: Server;
  const gql = async (query: string) => {
    const res = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
      body: JSON.stringify({ query }),
    });
    return (await res.json()) as { data: any; errors?: unknown[] };
  };

  beforeAll(async () => {
    server = await testServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('shows the analytics registry as the indicator catalogue', async () => {
    const { INDICATORS } = await import('../../src/analytics/indicators/registry.ts');
    const body = await gql('{ indicators(first: 100) { edges { node { id anchorScore enabled } } } }');
    const edges = body.data.indicators.edges as Array<{ node: { id: string; anchorScore: number; enabled: boolean } }>;
    expect(edges.map((e) => e.node.id).sort()).toEqual(INDICATORS.map((i) => i.id).sort());
    expect(edges.length).toBeGreaterThanOrEqual(20);
    expect(edges.every((e) => e.node.enabled && e.node.anchorScore > 0)).toBe(true);
  });

  it('rebuilds the peer groups on demand through the peer-group job', { timeout: 120_000 }, async () => {
    // Six people in two teams, each team on its own two servers.
    const lines = ['alpha', 'beta'].flatMap((team, t) =>
      [0, 1, 2].flatMap((n) =>
        [0, 1].map((s) =>
          JSON.stringify({
            '@timestamp': new Date(T + (t * 6 + n * 2 + s) * 60_000).toISOString(),
            event: { id: `pg-${team}-${n}-${s}`, category: 'network', action: 'app_access' },
            user: { name: `${team}${n}` },
            destination: { address: `${team.toUpperCase()}-SRV-${s}` },
          }),
        ),
      ),
    );
    const res = await fetch(`${server.url}/ingest?format=ecs&wait=true`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
      body: lines.join('\n'),
    });
    expect(await res.json()).toMatchObject({ accepted: 12 });
    const body = await gql('mutation { recomputePeerGroups(wait: true) { finished buildId activated users clustered } }');
    expect(body.errors).toBeUndefined();
    expect(body.data.recomputePeerGroups).toMatchObject({ finished: true, activated: true, users: 6, clustered: 6 });
    const groups = await gql('{ peerGroups(kind: "behaviour") { edges { node { kind size } } } }');
    const sizes = (groups.data.peerGroups.edges as Array<{ node: { size: number } }>).map((e) => e.node.size).sort();
    expect(sizes).toEqual([3, 3]);
  });
});
