import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Server } from '../../src/main.ts';
import { cypher } from '../../src/store/cypher.ts';
import { graphQuery, testServer } from '../support/runtime.ts';
import { at, gql, gqlData, statementsOf } from './graphql-support.ts';

/**
 * The fusion context inputs over real HTTP against the real Neo4j: asset criticality and
 * watchlists set, cleared, listed and paged; what the pipeline's own statements then read
 * (load-asset-criticality, load-user-analysis); bad arguments refused naming the argument;
 * the role matrix; and the audit trail.
 */
const ASSET = `... on Asset { id key kind criticality firstSeen }`;
const SET = `mutation ($assetId: ID!, $criticality: Float) { setAssetCriticality(assetId: $assetId, criticality: $criticality) { ${ASSET} } }`;
const ADD = `mutation ($list: String!, $userIds: [ID!]!) { addToWatchlist(list: $list, userIds: $userIds) { name size } }`;
const REMOVE = `mutation ($list: String!, $userIds: [ID!]!) { removeFromWatchlist(list: $list, userIds: $userIds) { name size } }`;
const CRITICAL = `query ($first: Int, $after: String) { criticalAssets(first: $first, after: $after) {
  edges { node { key criticality } } pageInfo { hasNextPage endCursor } } }`;
const WATCHLISTS = `query ($first: Int, $after: String, $members: Int) { watchlists(first: $first, after: $after) {
  edges { node { name size members(first: $members) { edges { node { key watchlists } } pageInfo { hasNextPage endCursor } } } }
  pageInfo { hasNextPage endCursor } } }`;
const MEMBERS = `query ($first: Int, $after: String) { watchlists(first: 1) { edges { node { name
  members(first: $first, after: $after) { edges { node { key } } pageInfo { hasNextPage endCursor } } } } } }`;

interface Page<N> {
  edges: Array<{ node: N }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

describe('GraphQL fusion context inputs', () => {
  let server: Server;
  const tokens: Record<string, string> = {};

  /** What the pipeline reads for a batch touching these assets. */
  const pipelineCriticality = async (assets: string[]) =>
    Object.fromEntries(
      (await graphQuery<{ asset: string; criticality: number }>(server.runtime, cypher('load-asset-criticality')))
        .filter((r) => assets.includes(r.asset))
        .map((r) => [r.asset, r.criticality]),
    );
  /** What the pipeline reads for a batch of these users. */
  const pipelineWatchlists = async (users: string[]) =>
    Object.fromEntries(
      (await graphQuery<{ user: string; watchlists: string[] }>(server.runtime, cypher('load-user-analysis'), { users, withState: [], since: 0 })).map((r) => [
        r.user,
        [...r.watchlists].sort(),
      ]),
    );
  const userWatchlists = async (id: string) => (await gqlData(server, `query ($id: ID!) { user(id: $id) { watchlists } }`, { id })).user?.watchlists;
  /** Every page of a list, walked by its cursors with `first`. */
  const walk = async <N>(query: string, field: string, first: number, extra: Record<string, unknown> = {}): Promise<N[][]> => {
    const pages: N[][] = [];
    let after: string | null = null;
    for (;;) {
      const page: Page<N> = (await gqlData(server, query, { first, after, ...extra }))[field];
      pages.push(page.edges.map((e) => e.node));
      if (!page.pageInfo.hasNextPage) return pages;
      after = page.pageInfo.endCursor;
    }
  };

  beforeAll(async () => {
    server = await testServer();
    for (const role of ['ANALYST', 'DASHBOARD']) {
      const { createApiKey } = await gqlData(server, `mutation ($role: Role!) { createApiKey(name: "context probe", role: $role) { secret } }`, { role });
      tokens[role] = createApiKey.secret;
    }
    // Assets and users the pipeline knows: a database host, a web domain, and their users.
    const events = [
      { timestamp: at(0), id: 'e1', category: 'network', action: 'connection', user: 'alice', host: 'WS-ALICE', destination: 'FIN-DB-02' },
      { timestamp: at(1), id: 'e2', category: 'web', action: 'http_request', user: 'bob', urlDomain: 'example.org' },
    ];
    const { ingestEvents } = await gqlData(server, 'mutation ($events: [EventInput!]!) { ingestEvents(events: $events, wait: true) { accepted } }', { events });
    expect(ingestEvents.accepted).toBe(2);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('sets, changes and clears an asset criticality, which the pipeline then reads', async () => {
    const before = (await gqlData(server, `{ entity(id: "Asset:FIN-DB-02") { ${ASSET} } }`)).entity;
    expect(before).toMatchObject({ key: 'FIN-DB-02', kind: 'host', criticality: null });
    expect(before.firstSeen).not.toBeNull();

    const set = await gqlData(server, SET, { assetId: 'FIN-DB-02', criticality: 2.5 });
    expect(set.setAssetCriticality).toEqual({ ...before, criticality: 2.5 });
    // A whole number arrives as a Cypher INTEGER; it is stored as a FLOAT all the same.
    await gqlData(server, SET, { assetId: 'Asset:example.org', criticality: 3 });
    const [stored] = await graphQuery<{ isFloat: boolean; kind: string }>(
      server.runtime,
      'MATCH (a:Asset {id: $id}) RETURN a.criticality IS :: FLOAT AS isFloat, a.kind AS kind',
      { id: 'example.org' },
    );
    expect(stored).toEqual({ isFloat: true, kind: 'domain' });
    expect(await pipelineCriticality(['FIN-DB-02', 'example.org', 'unrated'])).toEqual({ 'FIN-DB-02': 2.5, 'example.org': 3 });

    await gqlData(server, SET, { assetId: 'FIN-DB-02', criticality: 0.5 });
    expect((await gqlData(server, `{ entity(id: "Asset:FIN-DB-02") { ${ASSET} } }`)).entity.criticality).toBe(0.5);

    const cleared = await gqlData(server, SET, { assetId: 'FIN-DB-02', criticality: null });
    expect(cleared.setAssetCriticality).toEqual({ ...before, criticality: null });
    expect(await pipelineCriticality(['FIN-DB-02', 'example.org'])).toEqual({ 'example.org': 3 });
    const [property] = await graphQuery<{ has: boolean }>(server.runtime, 'MATCH (a:Asset {id: "FIN-DB-02"}) RETURN a.criticality IS NOT NULL AS has');
    expect(property!.has).toBe(false);
  });

  it('creates an unknown asset as a host when rating it, and creates nothing when clearing one', async () => {
    const created = await gqlData(server, SET, { assetId: 'HR-DB-01', criticality: 4 });
    expect(created.setAssetCriticality).toEqual({ id: 'Asset:HR-DB-01', key: 'HR-DB-01', kind: 'host', criticality: 4, firstSeen: null });
    // The rating survives the asset's first event (the pipeline merges onto the same node).
    const event = { timestamp: at(5), id: 'e3', category: 'network', action: 'connection', user: 'alice', host: 'WS-ALICE', destination: 'HR-DB-01' };
    await gqlData(server, 'mutation ($events: [EventInput!]!) { ingestEvents(events: $events, wait: true) { accepted } }', { events: [event] });
    const [accessed] = await graphQuery<{ n: number; criticality: number }>(
      server.runtime,
      'MATCH (:User {id: "alice"})-[:ACCESSED]->(a:Asset {id: "HR-DB-01"}) RETURN count(*) AS n, a.criticality AS criticality',
    );
    expect(accessed).toEqual({ n: 1, criticality: 4 });

    const none = await gqlData(server, SET, { assetId: 'NEVER-SEEN', criticality: null });
    expect(none.setAssetCriticality).toBeNull();
    expect((await gqlData(server, `{ entity(id: "Asset:NEVER-SEEN") { id } }`)).entity).toBeNull();
  });

  it('lists the rated assets most critical first, page by page', async () => {
    for (const [id, criticality] of [
      ['P-1', 7],
      ['P-2', 7],
      ['P-3', 1.5],
      ['P-4', 10],
      ['P-5', 0.1],
    ] as const) {
      await gqlData(server, SET, { assetId: id, criticality });
    }
    const pages = await walk<{ key: string; criticality: number }>(CRITICAL, 'criticalAssets', 2);
    expect(pages.map((page) => page.map((a) => `${a.key}=${a.criticality}`))).toEqual([
      ['P-4=10', 'P-1=7'],
      ['P-2=7', 'HR-DB-01=4'],
      ['example.org=3', 'P-3=1.5'],
      ['P-5=0.1'],
    ]);
    const forged = await gql(server, CRITICAL, { first: 2, after: Buffer.from('["watchlists","x"]').toString('base64url') });
    expect(forged.errors![0]).toMatchObject({ message: 'after: is not a cursor of this list (criticalAssets)', extensions: { code: 'BAD_USER_INPUT' } });
  });

  it('refuses bad criticality arguments, naming the argument and the value, and stores nothing', async () => {
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ assetId: 'P-3', criticality: 10.5 }, 'criticality', 'criticality: 10.5 is out of range: must be between 0.1 and 10 (1 = normal), or null to clear'],
      [{ assetId: 'P-3', criticality: 0 }, 'criticality', 'criticality: 0 is out of range: must be between 0.1 and 10 (1 = normal), or null to clear'],
      [{ assetId: 'P-3', criticality: -2 }, 'criticality', 'criticality: -2 is out of range: must be between 0.1 and 10 (1 = normal), or null to clear'],
      [{ assetId: 'User:alice', criticality: 2 }, 'assetId', "assetId: 'User:alice' is a User id, not an asset id"],
      [{ assetId: '', criticality: 2 }, 'assetId', 'assetId: must not be empty'],
    ];
    for (const [variables, field, message] of cases) {
      const response = await gql(server, SET, variables);
      expect(response.errors, JSON.stringify(variables)).toEqual([expect.objectContaining({ message, extensions: { code: 'BAD_USER_INPUT', field } })]);
    }
    expect(await pipelineCriticality(['P-3'])).toEqual({ 'P-3': 1.5 });
  });

  it('puts users on watchlists and takes them off, which the pipeline then reads', async () => {
    const added = await gqlData(server, ADD, { list: 'insider-risk', userIds: ['alice', 'User:bob', 'carol', 'alice'] });
    expect(added.addToWatchlist).toEqual({ name: 'insider-risk', size: 3 });
    // Adding again changes nothing; an unknown user (carol) has been created.
    expect((await gqlData(server, ADD, { list: 'insider-risk', userIds: ['bob'] })).addToWatchlist).toEqual({ name: 'insider-risk', size: 3 });
    expect((await gqlData(server, ADD, { list: 'VIP_2026', userIds: ['alice'] })).addToWatchlist).toEqual({ name: 'VIP_2026', size: 1 });
    expect(await userWatchlists('alice')).toEqual(['VIP_2026', 'insider-risk']);
    expect(await userWatchlists('carol')).toEqual(['insider-risk']);
    expect(await pipelineWatchlists(['alice', 'bob', 'carol'])).toEqual({ alice: ['VIP_2026', 'insider-risk'], bob: ['insider-risk'], carol: ['insider-risk'] });

    const removed = await gqlData(server, REMOVE, { list: 'insider-risk', userIds: ['alice', 'nobody'] });
    expect(removed.removeFromWatchlist).toEqual({ name: 'insider-risk', size: 2 });
    expect(await userWatchlists('alice')).toEqual(['VIP_2026']);
    expect((await graphQuery(server.runtime, 'MATCH (u:User {id: "nobody"}) RETURN u')).length).toBe(0);

    // The last member out: the list is gone, and the user carries no watchlist property at all.
    expect((await gqlData(server, REMOVE, { list: 'VIP_2026', userIds: ['alice'] })).removeFromWatchlist).toEqual({ name: 'VIP_2026', size: 0 });
    expect(await userWatchlists('alice')).toEqual([]);
    expect(await pipelineWatchlists(['alice'])).toEqual({ alice: [] });
    const [property] = await graphQuery<{ has: boolean }>(server.runtime, 'MATCH (u:User {id: "alice"}) RETURN u.watchlists IS NOT NULL AS has');
    expect(property!.has).toBe(false);
    const { watchlists } = await gqlData(server, WATCHLISTS, { first: 10, members: 10 });
    expect(watchlists.edges.map((e: { node: { name: string; size: number } }) => [e.node.name, e.node.size])).toEqual([['insider-risk', 2]]);
  });

  it('lists watchlists and their members page by page, in a constant number of statements', async () => {
    for (const [list, users] of [
      ['a-list', ['u1', 'u2', 'u3', 'u4', 'u5']],
      ['b-list', ['u1']],
      ['c-list', ['u2', 'u3']],
      ['d-list', ['u4']],
    ] as const) {
      await gqlData(server, ADD, { list, userIds: users });
    }
    const pages = await walk<{ name: string; size: number }>(WATCHLISTS, 'watchlists', 2, { members: 1 });
    expect(pages.map((page) => page.map((w) => `${w.name}:${w.size}`))).toEqual([['a-list:5', 'b-list:1'], ['c-list:2', 'd-list:1'], ['insider-risk:2']]);

    const { watchlists } = await gqlData(server, WATCHLISTS, { first: 3, members: 2 });
    expect(watchlists.edges.map((e: { node: { members: Page<{ key: string; watchlists: string[] }> } }) => e.node.members.edges.map((m) => m.node))).toEqual([
      [
        { key: 'u1', watchlists: ['a-list', 'b-list'] },
        { key: 'u2', watchlists: ['a-list', 'c-list'] },
      ],
      [{ key: 'u1', watchlists: ['a-list', 'b-list'] }],
      [
        { key: 'u2', watchlists: ['a-list', 'c-list'] },
        { key: 'u3', watchlists: ['a-list', 'c-list'] },
      ],
    ]);
    // The members of the first list (a-list), two at a time.
    const keys: string[][] = [];
    let after: string | null = null;
    for (;;) {
      const members: Page<{ key: string }> = (await gqlData(server, MEMBERS, { first: 2, after })).watchlists.edges[0].node.members;
      keys.push(members.edges.map((e) => e.node.key));
      if (!members.pageInfo.hasNextPage) break;
      after = members.pageInfo.endCursor;
    }
    expect(keys).toEqual([['u1', 'u2'], ['u3', 'u4'], ['u5']]);

    // One statement for the lists, one for all their members, however many lists are shown.
    const cost = async (first: number) => {
      const { statements, result: data } = await statementsOf(server, () => gqlData(server, WATCHLISTS, { first, members: 5 }));
      return { statements, lists: data.watchlists.edges.length };
    };
    expect(await cost(1)).toEqual({ statements: 2, lists: 1 });
    expect(await cost(5)).toEqual({ statements: 2, lists: 5 });
  });

  it('refuses bad watchlist arguments, naming the argument', async () => {
    const many = Array.from({ length: 1001 }, (_, i) => `user-${i}`);
    const cases: Array<[string, Record<string, unknown>, string, string]> = [
      [ADD, { list: 'bad name!', userIds: ['alice'] }, 'list', "list: 'bad name!' is not a watchlist name: use 1–64 letters, digits, '-' or '_'"],
      [ADD, { list: '', userIds: ['alice'] }, 'list', "list: '' is not a watchlist name: use 1–64 letters, digits, '-' or '_'"],
      [ADD, { list: 'x'.repeat(65), userIds: ['alice'] }, 'list', `list: '${'x'.repeat(65)}' is not a watchlist name: use 1–64 letters, digits, '-' or '_'`],
      [REMOVE, { list: 'ünicode', userIds: ['alice'] }, 'list', "list: 'ünicode' is not a watchlist name: use 1–64 letters, digits, '-' or '_'"],
      [ADD, { list: 'ok', userIds: [] }, 'userIds', 'userIds: must hold at least one user id'],
      [ADD, { list: 'ok', userIds: many }, 'userIds', 'userIds: 1001 users exceed the limit of 1000 per call'],
      [ADD, { list: 'ok', userIds: ['alice', 'Asset:FIN-DB-02'] }, 'userIds[1]', "userIds[1]: 'Asset:FIN-DB-02' is a Asset id, not a user id"],
      [REMOVE, { list: 'ok', userIds: [''] }, 'userIds[0]', 'userIds[0]: must not be empty'],
    ];
    for (const [query, variables, field, message] of cases) {
      const response = await gql(server, query, variables);
      expect(response.errors, field).toEqual([expect.objectContaining({ message, extensions: { code: 'BAD_USER_INPUT', field } })]);
    }
    expect((await gqlData(server, WATCHLISTS, { first: 100, members: 1 })).watchlists.edges.map((e: { node: { name: string } }) => e.node.name)).not.toContain('ok');
  });

  it('lets analysts read but not change the context inputs, and dashboards read asset criticality only', async () => {
    const analyst = await gql(server, `{ criticalAssets(first: 1) { edges { node { key } } } watchlists(first: 1) { edges { node { name } } } user(id: "bob") { watchlists } }`, {}, tokens.ANALYST);
    expect(analyst.errors).toBeUndefined();
    expect(analyst.data).toEqual({ criticalAssets: { edges: [{ node: { key: 'P-4' } }] }, watchlists: { edges: [{ node: { name: 'a-list' } }] }, user: { watchlists: ['insider-risk'] } });
    for (const [query, variables, coordinate] of [
      [SET, { assetId: 'P-4', criticality: 1 }, 'Mutation.setAssetCriticality'],
      [ADD, { list: 'analyst-list', userIds: ['bob'] }, 'Mutation.addToWatchlist'],
      [REMOVE, { list: 'insider-risk', userIds: ['bob'] }, 'Mutation.removeFromWatchlist'],
    ] as const) {
      const refused = await gql(server, query, variables, tokens.ANALYST);
      expect(refused.errors![0]).toMatchObject({ message: `role ANALYST may not use ${coordinate}`, extensions: { code: 'FORBIDDEN' } });
    }
    expect(await userWatchlists('bob')).toEqual(['insider-risk']);
    expect(await pipelineCriticality(['P-4'])).toEqual({ 'P-4': 10 });

    const dashboard = await gql(server, `{ entity(id: "Asset:P-4") { ... on Asset { criticality } } }`, {}, tokens.DASHBOARD);
    expect(dashboard).toMatchObject({ data: { entity: { criticality: 10 } } });
    expect(dashboard.errors).toBeUndefined();
    const watched = await gql(server, `{ user(id: "bob") { key watchlists } }`, {}, tokens.DASHBOARD);
    expect(watched.errors![0]).toMatchObject({ path: ['user', 'watchlists'], message: 'role DASHBOARD may not use User.watchlists', extensions: { code: 'FORBIDDEN' } });
    expect(watched.data).toEqual({ user: null });
    for (const field of ['watchlists', 'criticalAssets']) {
      const listed = await gql(server, `{ ${field}(first: 1) { edges { cursor } } }`, {}, tokens.DASHBOARD);
      expect(listed.errors![0]).toMatchObject({ message: `role DASHBOARD may not use Query.${field}`, extensions: { code: 'FORBIDDEN' } });
    }
  });

  it('audits every change with what it changed, and refused or failed attempts', async () => {
    const { auditTrail } = await gqlData(server, `{ auditTrail(first: 100) { edges { node { actor action target outcome details } } } }`);
    const entries: Array<{ actor: string; action: string; target: string | null; outcome: string; details: Record<string, unknown> }> = auditTrail.edges.map(
      (e: { node: unknown }) => e.node,
    );
    const find = (action: string, target: string | null, outcome = 'OK') => entries.filter((e) => e.action === `Mutation.${action}` && e.target === target && e.outcome === outcome);
    // Newest first: the clear, the change to 0.5, the first rating.
    expect(find('setAssetCriticality', 'Asset:FIN-DB-02').map((e) => e.details)).toEqual([
      { criticality: null, previous: 0.5, created: false },
      { criticality: 0.5, previous: 2.5, created: false },
      { criticality: 2.5, previous: null, created: false },
    ]);
    expect(find('setAssetCriticality', 'Asset:HR-DB-01')[0]!.details).toEqual({ criticality: 4, previous: null, created: true });
    expect(find('setAssetCriticality', 'Asset:NEVER-SEEN')[0]!.details).toEqual({ criticality: null, known: false });
    expect(find('addToWatchlist', 'watchlist:insider-risk').map((e) => e.details).at(-1)).toEqual({
      count: 4,
      userIds: ['alice', 'User:bob', 'carol', 'alice'],
      added: 3,
      size: 3,
    });
    expect(find('removeFromWatchlist', 'watchlist:VIP_2026')[0]!.details).toEqual({ count: 1, userIds: ['alice'], removed: 1, size: 0 });
    expect(find('setAssetCriticality', 'P-3', 'FAILED')).toHaveLength(0);
    expect(find('setAssetCriticality', 'Asset:P-3', 'FAILED')).toHaveLength(3);
    // A refusal is audited before the arguments are looked at: no target.
    expect(find('addToWatchlist', null, 'DENIED')).toHaveLength(1);
  });
});
