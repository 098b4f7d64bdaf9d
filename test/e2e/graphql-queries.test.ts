import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IndicatorDescriptor } from '../../src/api/ports.ts';
import { createLogger } from '../../src/logger.ts';
import type { Server } from '../../src/main.ts';
import { startTestServer, TEST_ADMIN_TOKEN, testConfig } from '../support/runtime.ts';
import { at, gql, gqlData, statementsOf } from './graphql-support.ts';

/**
 * Reading the entity graph over real HTTP against the real Neo4j: a small organisation is
 * ingested through the ingestEvents mutation, then explored (user, entity, neighbours, paths,
 * sessions, peer groups, the leaderboard to its end), and a page of 50 users with their peer
 * groups and sessions is shown to cost a constant number of Cypher statements.
 */
const EVENTS = [
  { timestamp: at(0), id: 'a1', category: 'authentication', action: 'logon', outcome: 'success', user: 'alice', host: 'WS-ALICE', sourceIp: '10.0.0.1', country: 'DE' },
  { timestamp: at(5), id: 'a2', category: 'network', action: 'connection', user: 'alice', host: 'WS-ALICE', destination: 'FIN-DB-02', bytesIn: 1000, bytesOut: 50 },
  { timestamp: at(10), id: 'a3', category: 'web', action: 'http_request', user: 'alice', urlDomain: 'example.org' },
  { timestamp: at(11), id: 'a4', category: 'network', action: 'connection', user: 'alice', host: 'WS-ALICE', destination: 'FIN-DB-02', bytesIn: 500 },
  { timestamp: at(0), id: 'b1', category: 'authentication', action: 'logon', user: 'bob', host: 'WS-BOB' },
  { timestamp: at(5), id: 'b2', category: 'network', action: 'connection', user: 'bob', host: 'WS-BOB', destination: 'FIN-DB-02' },
  { timestamp: at(8), id: 'b3', category: 'web', action: 'http_request', user: 'bob', urlDomain: 'news.example.com' },
  { timestamp: at(0), id: 'c1', category: 'authentication', action: 'logon', user: 'carol', host: 'WS-CAROL' },
  { timestamp: at(3), id: 'c2', category: 'web', action: 'app_access', user: 'carol', service: 'Salesforce' },
  { timestamp: at(1), id: 'd1', category: 'web', action: 'http_request', user: 'dave', urlDomain: 'example.org' },
];

const PAGE_OF_USERS = /* GraphQL */ `
  query Page($first: Int!, $after: String) {
    riskLeaderboard(first: $first, after: $after) {
      edges {
        cursor
        node {
          id key riskScore riskLevel
          peerGroups { degree group { id label } }
          sessions(first: 3) { edges { node { id eventCount } } }
        }
      }
      pageInfo { hasNextPage endCursor }
    }
  }`;

describe('GraphQL queries over the entity graph', () => {
  let server: Server;

  const indicators: IndicatorDescriptor[] = ['time-of-day', 'first-access-asset', 'impossible-travel'].map((id, i) => ({
    id,
    family: id.split('-')[0]!,
    title: `the ${id} indicator`,
    description: 'what it detects',
    anchorScore: 10 + i,
    enabled: i !== 2,
    dataSources: ['authentication'],
  }));

  beforeAll(async () => {
    const config = testConfig();
    server = await startTestServer(config, createLogger(config.logLevel), { indicators: { list: () => indicators } });
    const ingested = await gqlData(
      server,
      'mutation ($events: [EventInput!]!) { ingestEvents(events: $events, wait: true) { accepted duplicates deadLetters } }',
      { events: EVENTS },
    );
    expect(ingested.ingestEvents).toEqual({ accepted: EVENTS.length, duplicates: 0, deadLetters: 0 });
    // A directory: carol reports to alice; 46 more users who never acted (so never scored).
    const users = [
      { id: 'carol', name: 'Carol C', manager: 'alice', department: 'Finance', email: 'Carol@Example.org' },
      ...Array.from({ length: 46 }, (_, i) => ({ id: `u${String(i).padStart(2, '0')}`, department: 'Sales' })),
    ];
    await gqlData(server, 'mutation ($users: [UserInput!]!) { upsertUsers(users: $users) { count } }', { users });
    // What the scoring and peer-group jobs write (issues 3 and 4): risk scores and peer groups.
    await server.runtime.executor.query(
      'WRITE',
      `MATCH (u:User) WHERE u.id IN ['alice', 'bob', 'dave'] SET u.riskScore = {alice: 80.0, bob: 55.5, dave: 10.0}[u.id]
       WITH count(*) AS done
       CREATE (g1:PeerGroup {id: 'pg-finance', kind: 'access', label: 'finance-db users', algorithm: 'kmeans', k: 2, silhouette: 0.71, builtAt: $builtAt, size: 2, active: true})
       CREATE (g2:PeerGroup {id: 'pg-web', kind: 'access', label: 'web only', algorithm: 'kmeans', k: 2, silhouette: 0.71, builtAt: $builtAt, size: 1, active: true})
       WITH g1, g2
       MATCH (a:User {id: 'alice'}), (b:User {id: 'bob'}), (d:User {id: 'dave'})
       CREATE (a)-[:MEMBER_OF {degree: 0.9, rank: 1}]->(g1), (b)-[:MEMBER_OF {degree: 0.6, rank: 2}]->(g1),
              (d)-[:MEMBER_OF {degree: 1.0, rank: 1}]->(g2), (a)-[:MEMBER_OF {degree: 0.2, rank: 2}]->(g2)
       CREATE (:PeerGroup {id: 'pg-retired', kind: 'access', size: 0, active: false})`,
      { builtAt: Date.UTC(2026, 4, 1) },
    );
  });
  afterAll(async () => {
    await server?.close();
  });

  it('reads a user by plain key or typed id, with HR fields, manager and derived risk level', async () => {
    const query = `query ($id: ID!) { user(id: $id) { id key type name department email manager { key } employmentStatus riskScore riskLevel eventCount firstSeen } }`;
    const { user } = await gqlData(server, query, { id: 'carol' });
    expect(user).toMatchObject({ id: 'User:carol', key: 'carol', type: 'User', name: 'Carol C', department: 'Finance', email: 'carol@example.org' });
    expect(user.manager).toEqual({ key: 'alice' });
    expect(user).toMatchObject({ employmentStatus: 'ACTIVE', riskScore: 0, riskLevel: 'LOW', eventCount: 2 });
    expect(user.firstSeen).toBe(at(0));
    expect((await gqlData(server, query, { id: 'User:alice' })).user).toMatchObject({ key: 'alice', riskScore: 80, riskLevel: 'CRITICAL' });
    expect((await gqlData(server, query, { id: 'nobody' })).user).toBeNull();
  });

  it('reads any entity by typed id and refuses an ambiguous plain key, naming the argument', async () => {
    const { entity } = await gqlData(server, `{ entity(id: "Asset:FIN-DB-02") { __typename id key type ... on Asset { kind } } }`);
    expect(entity).toEqual({ __typename: 'Asset', id: 'Asset:FIN-DB-02', key: 'FIN-DB-02', type: 'Asset', kind: 'host' });
    const device = await gqlData(server, `{ entity(id: "Device:WS-ALICE") { __typename key } }`);
    expect(device.entity).toEqual({ __typename: 'Device', key: 'WS-ALICE' });
    const plain = await gql(server, `{ entity(id: "FIN-DB-02") { id } }`);
    expect(plain.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    expect(plain.errors![0]!.message).toMatch(/^id: 'FIN-DB-02' is not a typed id; use Type:key/);
  });

  it('lists neighbours nearest first with access statistics, filtered by type and paged', async () => {
    const query = `query ($id: ID!, $depth: Int, $types: [EntityType!], $first: Int, $after: String) {
      entity(id: $id) { neighbors(depth: $depth, types: $types, first: $first, after: $after) {
        edges { cursor distance node { id } access { count bytesIn hourHistogram } }
        pageInfo { hasNextPage endCursor } } } }`;
    const one = (await gqlData(server, query, { id: 'User:alice' })).entity.neighbors;
    expect(one.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([
      'Asset:FIN-DB-02',
      'Asset:example.org',
      'Device:WS-ALICE',
      'User:carol',
    ]);
    const db = one.edges[0];
    expect(db.distance).toBe(1);
    expect(db.access.count).toBe(2);
    expect(db.access.bytesIn).toBe(1500);
    expect(db.access.hourHistogram[9]).toBe(2);
    expect(one.edges[3].access).toBeNull(); // REPORTS_TO, not an access

    const users = (await gqlData(server, query, { id: 'Asset:FIN-DB-02', depth: 2, types: ['User'] })).entity.neighbors;
    expect(users.edges.map((e: { node: { id: string }; distance: number }) => [e.node.id, e.distance])).toEqual([
      ['User:alice', 1],
      ['User:bob', 1],
      ['User:carol', 2],
    ]);

    const seen: string[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 10; pages++) {
      const page: any = (await gqlData(server, query, { id: 'User:alice', depth: 2, first: 2, after })).entity.neighbors;
      seen.push(...page.edges.map((e: { node: { id: string } }) => e.node.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    const all = (await gqlData(server, query, { id: 'User:alice', depth: 2, first: 100 })).entity.neighbors.edges.map(
      (e: { node: { id: string } }) => e.node.id,
    );
    expect(seen).toEqual(all);
    expect(all).toContain('User:bob');

    const tooDeep = await gql(server, query, { id: 'User:alice', depth: 4 });
    expect(tooDeep.errors![0]!.message).toBe('depth: must be between 1 and 3, got 4');
  });

  it('finds shortest paths between entities', async () => {
    const query = `query ($from: ID!, $to: ID!, $maxHops: Int) { paths(from: $from, to: $to, maxHops: $maxHops) {
      edges { node { length nodes { id } steps { relationship from to } } } pageInfo { hasNextPage } } }`;
    const { paths } = await gqlData(server, query, { from: 'alice', to: 'User:bob' });
    expect(paths.edges).toHaveLength(1);
    expect(paths.edges[0].node).toEqual({
      length: 2,
      nodes: [{ id: 'User:alice' }, { id: 'Asset:FIN-DB-02' }, { id: 'User:bob' }],
      steps: [
        { relationship: 'ACCESSED', from: 'User:alice', to: 'Asset:FIN-DB-02' },
        { relationship: 'ACCESSED', from: 'User:bob', to: 'Asset:FIN-DB-02' },
      ],
    });
    const viaManager = (await gqlData(server, query, { from: 'User:carol', to: 'Asset:FIN-DB-02' })).paths.edges;
    expect(viaManager[0].node.nodes.map((n: { id: string }) => n.id)).toEqual(['User:carol', 'User:alice', 'Asset:FIN-DB-02']);
    expect((await gqlData(server, query, { from: 'User:carol', to: 'Asset:FIN-DB-02', maxHops: 1 })).paths.edges).toEqual([]);
  });

  it("reads a user's sessions and a session's touched entities", async () => {
    const { user } = await gqlData(
      server,
      `{ user(id: "alice") { sessions(first: 5) { edges { node { id status start eventCount bytesIn ips countries user { key }
         touched(first: 10) { edges { count node { id } } } } } } } }`,
    );
    const sessions = user.sessions.edges.map((e: { node: unknown }) => e.node);
    expect(sessions.length).toBeGreaterThanOrEqual(1);
    const [first] = sessions;
    expect(first).toMatchObject({ start: at(0), eventCount: 4, bytesIn: 1500, ips: ['10.0.0.1'], countries: ['DE'], user: { key: 'alice' } });
    expect(first.touched.edges.slice(0, 2)).toEqual([
      { count: 3, node: { id: 'Device:WS-ALICE' } },
      { count: 2, node: { id: 'Asset:FIN-DB-02' } },
    ]);
    const { session } = await gqlData(server, `query ($id: ID!) { session(id: $id) { id user { key } } }`, { id: first.id });
    expect(session).toEqual({ id: first.id, user: { key: 'alice' } });
  });

  it('lists peer groups with how they were built and their members by degree', async () => {
    const { peerGroups } = await gqlData(
      server,
      `{ peerGroups(first: 1) { edges { node { id kind label algorithm k silhouette builtAt size active
           members { edges { degree rank node { key } } } } } pageInfo { hasNextPage endCursor } } }`,
    );
    expect(peerGroups.edges[0].node).toEqual({
      id: 'pg-finance',
      kind: 'access',
      label: 'finance-db users',
      algorithm: 'kmeans',
      k: 2,
      silhouette: 0.71,
      builtAt: '2026-05-01T00:00:00.000Z',
      size: 2,
      active: true,
      members: {
        edges: [
          { degree: 0.9, rank: 1, node: { key: 'alice' } },
          { degree: 0.6, rank: 2, node: { key: 'bob' } },
        ],
      },
    });
    expect(peerGroups.pageInfo.hasNextPage).toBe(true);
    const next = await gqlData(server, `query ($after: String) { peerGroups(first: 1, after: $after) { edges { node { id } } pageInfo { hasNextPage } } }`, {
      after: peerGroups.pageInfo.endCursor,
    });
    expect(next.peerGroups).toEqual({ edges: [{ node: { id: 'pg-web' } }], pageInfo: { hasNextPage: false } });
    const { user } = await gqlData(server, `{ user(id: "alice") { peerGroups { degree group { id } } } }`);
    expect(user.peerGroups).toEqual([
      { degree: 0.9, group: { id: 'pg-finance' } },
      { degree: 0.2, group: { id: 'pg-web' } },
    ]);
    expect((await gqlData(server, `{ peerGroup(id: "pg-web") { size } }`)).peerGroup).toEqual({ size: 1 });
    // A retired build's group is not listed, but can still be looked up by id.
    expect((await gqlData(server, `{ peerGroup(id: "pg-retired") { active } }`)).peerGroup).toEqual({ active: false });
  });

  it('orders the leaderboard by risk and lists every user when paging to the end', async () => {
    const keys: string[] = [];
    const levels: string[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 20; pages++) {
      const data: any = await gqlData(server, PAGE_OF_USERS, { first: 7, after });
      const page = data.riskLeaderboard;
      keys.push(...page.edges.map((e: { node: { key: string } }) => e.node.key));
      levels.push(...page.edges.map((e: { node: { riskLevel: string } }) => e.node.riskLevel));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    const [row] = await server.runtime.executor.query<{ users: number }>('READ', 'MATCH (u:User) RETURN count(u) AS users');
    expect(keys).toHaveLength(row!.users);
    expect(new Set(keys).size).toBe(row!.users);
    expect(keys.slice(0, 4)).toEqual(['alice', 'bob', 'dave', 'carol']);
    expect(levels.slice(0, 4)).toEqual(['CRITICAL', 'HIGH', 'LOW', 'LOW']);
    expect(keys.slice(4)).toEqual([...keys.slice(4)].sort());
  });

  it('lists dead letters newest first, by source, page by page', async () => {
    const lines = ['{"bad json', '{"@timestamp":"yesterday","event":{"category":"web","action":"x"},"user":{"name":"x"}}', 'nope'].join('\n');
    const res = await fetch(`${server.url}/ingest?format=ecs&wait=true`, { method: 'POST', headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` }, body: lines });
    expect(res.status).toBe(200);
    const query = `query ($after: String) { deadLetters(first: 2, after: $after, source: "http:ecs") { edges { node { source line reason at } } pageInfo { hasNextPage endCursor } } }`;
    const first = (await gqlData(server, query)).deadLetters;
    expect(first.edges).toHaveLength(2);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = (await gqlData(server, query, { after: first.pageInfo.endCursor })).deadLetters;
    expect(second.pageInfo.hasNextPage).toBe(false);
    const all: Array<{ line: number; reason: string }> = [...first.edges, ...second.edges].map((e: { node: { line: number; reason: string } }) => e.node);
    expect(all.map((d) => d.line).sort()).toEqual([1, 2, 3]);
    expect(all.find((d) => d.line === 2)!.reason).toContain('@timestamp');
    expect((await gqlData(server, `{ deadLetters(source: "elsewhere") { edges { cursor } } }`)).deadLetters.edges).toEqual([]);
  });

  it('shows the indicator catalogue from the injected registry, by id', async () => {
    const { indicators: page } = await gqlData(
      server,
      `{ indicators(first: 2) { edges { node { id family title description anchorScore enabled dataSources } } pageInfo { hasNextPage endCursor } } }`,
    );
    expect(page.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual(['first-access-asset', 'impossible-travel']);
    expect(page.edges[1].node).toEqual({ ...indicators[2], dataSources: ['authentication'] });
    const rest = await gqlData(server, `query ($a: String) { indicators(after: $a) { edges { node { id } } pageInfo { hasNextPage } } }`, {
      a: page.pageInfo.endCursor,
    });
    expect(rest.indicators).toEqual({ edges: [{ node: { id: 'time-of-day' } }], pageInfo: { hasNextPage: false } });
  });

  it('refuses a page size over the maximum, naming the argument', async () => {
    const response = await gql(server, PAGE_OF_USERS, { first: 500 });
    expect(response.errors![0]).toMatchObject({
      message: 'first: 500 exceeds the maximum page size of 100',
      extensions: { code: 'BAD_USER_INPUT' },
    });
    const forged = await gql(server, PAGE_OF_USERS, { first: 5, after: Buffer.from('["alerts",{}]').toString('base64url') });
    expect(forged.errors![0]!.message).toBe('after: is not a cursor of this list (leaderboard)');
  });

  it('serves a page of 50 users with peer groups and sessions in a constant number of Cypher statements', async () => {
    const cost = async (first: number) => {
      const { statements, result: data } = await statementsOf(server, () => gqlData(server, PAGE_OF_USERS, { first }));
      return { statements, users: data.riskLeaderboard.edges.length };
    };
    const ten = await cost(10);
    const fifty = await cost(50);
    expect(fifty.users).toBe(50);
    expect(fifty.statements).toBe(ten.statements);
    // leaderboard + peer-group memberships + sessions of the page's users
    expect(fifty.statements).toBe(3);
  });
});
