import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.ts';
import type { Server } from '../../src/main.ts';
import { startTestServer, TEST_ADMIN_TOKEN, testConfig } from '../support/runtime.ts';
import { at, collect, gql, gqlData, wsClient } from './graphql-support.ts';

/**
 * Limits and errors at the GraphQL edge: depth and cost limits (over HTTP and WebSocket) that
 * say which limit was hit, the request size limit, input errors that name the field, internal
 * errors masked, never a stack trace; the landing page and introspection by environment.
 */
const STACK = /at .*\.(ts|js):\d+|stacktrace|node_modules/i;

describe('GraphQL limits and errors', () => {
  let server: Server;

  beforeAll(async () => {
    const config = testConfig();
    server = await startTestServer(config, createLogger('silent'), {
      indicators: {
        list: () => {
          throw new Error('registry exploded reading /etc/riskgraph/secret.json');
        },
      },
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('refuses a query nested deeper than the depth limit, saying so', async () => {
    let selection = 'id';
    for (let i = 0; i < 5; i++) selection = `neighbors(first: 1) { edges { node { ${selection} } } }`;
    const response = await gql(server, `{ entity(id: "User:alice") { ${selection} } }`);
    expect(response.status).toBe(400);
    expect(response.errors![0]!.message).toBe('query depth limit exceeded: depth 17 is over the limit of 12');
    expect(response.errors![0]!.extensions!.code).toBe('QUERY_TOO_DEEP');
    // The standard introspection query is deep but exempt.
    const introspection = await gql(server, '{ __schema { types { name fields { name type { name ofType { name ofType { name ofType { name } } } } } } } }');
    expect(introspection.errors).toBeUndefined();
  });

  it('refuses a query whose page sizes multiply past the cost limit, also through variables', async () => {
    const query = `query ($n: Int!) { riskLeaderboard(first: $n) { edges { node { sessions(first: 100) { edges { node { touched(first: 100) { edges { count } } } } } } } } }`;
    const response = await gql(server, query, { n: 100 });
    expect(response.status).toBe(400);
    expect(response.errors![0]!.extensions!.code).toBe('QUERY_TOO_COSTLY');
    expect(response.errors![0]!.message).toMatch(/^query cost limit exceeded: estimated cost \d+ is over the limit of 25000/);
    const small = await gql(server, query, { n: 1 });
    expect(small.errors).toBeUndefined();
  });

  it('applies the same limits on WebSocket operations', async () => {
    const client = wsClient(server);
    try {
      let selection = 'key';
      for (let i = 0; i < 5; i++) selection = `user { neighbors(first: 100) { edges { node { ... on User { sessions(first: 100) { edges { node { ${selection} } } } } } } } }`;
      const sub = collect(client, `subscription { alertRaised { ${selection} } }`);
      await sub.settled();
      expect(JSON.stringify(sub.error)).toMatch(/query (depth|cost) limit exceeded/);
    } finally {
      await client.dispose();
    }
  });

  it('refuses a request body over the size limit with 413', async () => {
    const res = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
      body: JSON.stringify({ query: `{ apiInfo { name } }`, variables: { pad: 'x'.repeat(2 * 1024 * 1024) } }),
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ errors: [{ message: 'request body exceeds the limit of 1048576 bytes', extensions: { code: 'BAD_USER_INPUT' } }] });
  });

  it('names the field of every invalid event and ingests none of the batch', async () => {
    const events = [
      { timestamp: at(0), category: 'web', action: 'http_request', user: 'eve', urlDomain: 'example.org' },
      { timestamp: at(1), category: 'nonsense', action: 'x', user: 'eve' },
      { timestamp: at(2), category: 'web', action: 'http_request', fileSize: -5 },
    ];
    const response = await gql(server, `mutation ($e: [EventInput!]!) { ingestEvents(events: $e) { accepted } }`, { e: events });
    const error = response.errors![0]!;
    expect(error.extensions!.code).toBe('BAD_USER_INPUT');
    expect(error.message).toContain("events[1].category: 'nonsense' is not one of authentication, web");
    expect(error.message).toContain('events[2].user: missing');
    expect(error.message).toContain('events[2].fileSize: expected a finite non-negative number, got -5');
    expect(error.message).not.toContain('events[0]');
    const [row] = await server.runtime.executor.query<{ users: number }>('READ', "MATCH (u:User {id: 'eve'}) RETURN count(u) AS users");
    expect(row!.users).toBe(0);

    const badTime = await gql(server, `mutation ($e: [EventInput!]!) { ingestEvents(events: $e) { accepted } }`, {
      e: [{ ...events[0], timestamp: 'yesterday' }],
    });
    expect(badTime.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    expect(badTime.errors![0]!.message).toContain('"$e"');
    expect(badTime.errors![0]!.message).toContain('at "e[0].timestamp"');
    for (const r of [response, badTime]) expect(r.text).not.toMatch(STACK);
  });

  it('names the field of invalid HR input', async () => {
    const email = await gql(server, `mutation { upsertUsers(users: [{id: "a"}, {id: "b", email: "not-mail"}]) { count } }`);
    expect(email.errors![0]).toMatchObject({ message: "users[1].email: 'not-mail' is not an e-mail address", extensions: { code: 'BAD_USER_INPUT', field: 'users[1].email' } });
    const self = await gql(server, `mutation { upsertUsers(users: [{id: "a", manager: "User:a"}]) { count } }`);
    expect(self.errors![0]!.message).toBe('users[0].manager: a user cannot be their own manager');
    const status = await gql(server, `mutation { setEmploymentStatus(input: {userId: "a", status: FIRED, effectiveDate: "2026-01-01T00:00:00Z"}) { status } }`);
    expect(status.errors![0]!.extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(status.errors![0]!.message).toContain('Value "FIRED" does not exist in "EmploymentStatus" enum');
    const date = await gql(server, `mutation { setEmploymentStatus(input: {userId: "a", status: ACTIVE, effectiveDate: "2026-13-01"}) { status } }`);
    expect(date.errors![0]!.message).toMatch(/DateTime/);
    const empty = await gql(server, `mutation { setEmploymentStatuses(inputs: []) { status } }`);
    expect(empty.errors![0]!.message).toBe('inputs: must hold at least one record');
    for (const r of [email, self, status, date, empty]) expect(r.text).not.toMatch(STACK);
  });

  it('masks internal errors for the client (and logs them in full)', async () => {
    const response = await gql(server, `{ indicators { edges { node { id } } } }`);
    expect(response.errors).toEqual([{ message: 'internal server error', path: ['indicators'], locations: [{ line: 1, column: 3 }], extensions: { code: 'INTERNAL_SERVER_ERROR' } }]);
    expect(response.text).not.toContain('secret');
    expect(response.text).not.toMatch(STACK);
  });

  it('says which entity is missing and maps domain errors to GraphQL codes', async () => {
    const missing = await gql(server, `mutation { acknowledgeAlert(id: "nope") { id } }`);
    expect(missing.errors![0]).toMatchObject({ message: "alert 'nope' does not exist", extensions: { code: 'NOT_FOUND' } });
    const syntax = await gql(server, `{ user(id: "a") { key `);
    expect(syntax.errors![0]!.extensions!.code).toBe('GRAPHQL_PARSE_FAILED');
    const unknown = await gql(server, `{ user(id: "a") { password } }`);
    expect(unknown.errors![0]!.message).toContain('Cannot query field "password" on type "User"');
    const { apiInfo } = await gqlData(server, '{ apiInfo { name principal role } }');
    expect(apiInfo).toEqual({ name: 'riskgraph', principal: 'admin', role: 'ADMIN' });
  });
});

describe('GraphQL by environment', () => {
  it('serves the landing page in development only, and introspection not in production', async () => {
    for (const env of ['development', 'production'] as const) {
      const config = testConfig({ NODE_ENV: env });
      const server = await startTestServer(config, createLogger('silent'));
      try {
        const page = await fetch(`${server.url}/graphql`, { headers: { accept: 'text/html' } });
        const introspection = await gql(server, '{ __schema { queryType { name } } }');
        if (env === 'development') {
          expect(page.status).toBe(200);
          expect(await page.text()).toContain('<html');
          expect(introspection.errors).toBeUndefined();
        } else {
          expect(page.status).toBe(401);
          expect(introspection.errors![0]!.message).toMatch(/introspection is not allowed/i);
        }
      } finally {
        await server.close();
      }
    }
  });
});
