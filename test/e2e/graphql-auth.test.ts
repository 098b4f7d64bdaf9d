import { createHash } from 'node:crypto';
import { type GraphQLField, type GraphQLObjectType, isLeafType, getNamedType } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATION_POLICY, subscribingRoles } from '../../src/auth/access-policy.ts';
import { ROLES, type Role } from '../../src/auth/roles.ts';
import type { Server } from '../../src/main.ts';
import { TEST_ADMIN_TOKEN, testServer } from '../support/runtime.ts';
import { at, collect, gql, gqlData, until, wsClient } from './graphql-support.ts';

/**
 * Authorization end to end: every operation of the schema (read from the schema itself, so a
 * new operation cannot escape this test) is called with an API key of every role, over HTTP
 * for queries and mutations and over WebSocket for subscriptions, and must be allowed or
 * refused exactly as the role matrix (src/auth/access-policy.ts) says.
 */

/** Values for each operation's required arguments. An operation missing here fails the test. */
const SAMPLE_ARGS: Record<string, Record<string, unknown>> = {
  'Query.apiInfo': {},
  'Query.user': { id: 'alice' },
  'Query.entity': { id: 'User:alice' },
  'Query.paths': { from: 'alice', to: 'bob' },
  'Query.attackPaths': { from: 'alice' },
  'Query.session': { id: 'no-session' },
  'Query.peerGroups': {},
  'Query.peerGroup': { id: 'no-group' },
  'Query.riskLeaderboard': { first: 1 },
  'Query.riskDecision': { input: { userId: 'alice', ip: '10.0.0.1', deviceId: 'WS-1' } },
  'Query.alerts': {},
  'Query.indicators': {},
  'Query.findings': {},
  'Query.wouldHaveAlerted': {},
  'Query.whatIf': { userId: 'alice' },
  'Query.deadLetters': {},
  'Query.apiKeys': {},
  'Query.auditTrail': {},
  'Query.settings': {},
  'Query.threatIntel': { kind: 'IP' },
  'Query.watchlists': {},
  'Query.criticalAssets': {},
  'Mutation.acknowledgeAlert': { id: 'no-alert' },
  'Mutation.resolveAlert': { id: 'no-alert', resolution: 'BENIGN' },
  'Mutation.upsertUsers': { users: [{ id: 'hr-user' }] },
  'Mutation.setEmploymentStatus': { input: { userId: 'hr-user', status: 'ACTIVE', effectiveDate: '2026-01-01T00:00:00Z' } },
  'Mutation.setEmploymentStatuses': { inputs: [{ userId: 'hr-user', status: 'ACTIVE', effectiveDate: '2026-01-01T00:00:00Z' }] },
  'Mutation.ingestEvents': { events: [{ timestamp: at(0), category: 'web', action: 'http_request', user: 'probe', urlDomain: 'example.org' }] },
  'Mutation.createApiKey': { name: 'probe', role: 'DASHBOARD' },
  'Mutation.revokeApiKey': { id: 'no-key' },
  'Mutation.recomputePeerGroups': {},
  'Mutation.setEnforcementMode': { mode: 'ENFORCEMENT' },
  'Mutation.setDisabledIndicatorFamilies': {},
  'Mutation.configureIndicator': { input: { id: 'unusual-hour', anchorScore: 20 } },
  'Mutation.resetIndicator': { id: 'unusual-hour' },
  'Mutation.addThreatIntel': { input: { kind: 'IP', values: ['203.0.113.7'], source: 'probe' } },
  'Mutation.removeThreatIntel': { kind: 'IP', values: ['203.0.113.7'] },
  'Mutation.setAssetCriticality': { assetId: 'Asset:probe-asset' },
  'Mutation.addToWatchlist': { list: 'probe', userIds: ['probe-user'] },
  'Mutation.removeFromWatchlist': { list: 'probe', userIds: ['probe-user'] },
  'Query.ingestJob': { id: '00000000-0000-4000-8000-000000000000' },
  'Subscription.alertRaised': {},
  'Subscription.riskScoreChanged': {},
};

function operationText(kind: 'query' | 'mutation' | 'subscription', field: GraphQLField<unknown, unknown>): string {
  const required = field.args.filter((arg) => String(arg.type).endsWith('!') && arg.defaultValue === undefined);
  const params = required.map((arg) => `$${arg.name}: ${String(arg.type)}`).join(', ');
  const args = required.map((arg) => `${arg.name}: $${arg.name}`).join(', ');
  const selection = isLeafType(getNamedType(field.type)) ? '' : ' { __typename }';
  return `${kind}${params ? ` (${params})` : ''} { ${field.name}${args ? `(${args})` : ''}${selection} }`;
}

function allowed(coordinate: string, role: Role): boolean {
  return role === 'ADMIN' || (OPERATION_POLICY[coordinate] ?? []).includes(role);
}

describe('GraphQL authorization', () => {
  let server: Server;
  const tokens = new Map<Role, string>();
  const keyIds = new Map<Role, string>();

  beforeAll(async () => {
    server = await testServer();
    for (const role of ROLES) {
      const { createApiKey } = await gqlData(server, `mutation ($name: String!, $role: Role!) { createApiKey(name: $name, role: $role) { secret apiKey { id role } } }`, {
        name: `probe ${role}`,
        role,
      });
      tokens.set(role, createApiKey.secret);
      keyIds.set(role, createApiKey.apiKey.id);
    }
  });
  afterAll(async () => {
    await server?.close();
  });

  it('serves nothing but /health without a valid token', async () => {
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    for (const token of [null, 'not-a-token', 'rgk_forged']) {
      const response = await gql(server, '{ apiInfo { name } }', {}, token);
      expect(response.status).toBe(401);
      expect(response.errors![0]!.extensions!.code).toBe('UNAUTHENTICATED');
      expect(response.data).toBeUndefined();
    }
    const get = await fetch(`${server.url}/graphql?query=${encodeURIComponent('{ apiInfo { name } }')}`);
    expect(get.status).toBe(401);
    let closed: number | null = null;
    const client = wsClient(server, null, (code) => {
      closed = code;
    });
    const sub = collect(client, 'subscription { alertRaised { id } }');
    await until(() => closed !== null, 30_000, 'the handshake to be refused');
    expect(closed).toBe(4401);
    expect(sub.results).toEqual([]);
    await client.dispose();
  });

  it('has a role-matrix entry and a probe for exactly the operations of the schema, subscriptions included', () => {
    const schema = server.api.graphql.schema;
    const coordinates = [schema.getQueryType()!, schema.getMutationType()!, schema.getSubscriptionType()!]
      .flatMap((root) => Object.keys(root.getFields()).map((field) => `${root.name}.${field}`))
      .sort();
    expect(coordinates.filter((c) => c.startsWith('Subscription.')).length).toBeGreaterThan(0);
    // A new field without a rule, or a rule left behind by a removed field, fails here.
    expect(Object.keys(OPERATION_POLICY).sort()).toEqual(coordinates);
    expect(Object.keys(SAMPLE_ARGS).sort()).toEqual(coordinates);
  });

  // Every operation once per role, over HTTP against the real store: a few hundred requests,
  // ~25 s on a loaded two-core machine, so the suite's 60 s default is too close.
  it('allows and refuses every query and mutation for every role as the role matrix says', { timeout: 240_000 }, async () => {
    const schema = server.api.graphql.schema;
    const roots: Array<['query' | 'mutation', GraphQLObjectType]> = [
      ['query', schema.getQueryType()!],
      ['mutation', schema.getMutationType()!],
    ];
    const mismatches: string[] = [];
    let checked = 0;
    for (const [kind, root] of roots) {
      for (const field of Object.values(root.getFields())) {
        const coordinate = `${root.name}.${field.name}`;
        const variables = SAMPLE_ARGS[coordinate];
        expect(variables, `SAMPLE_ARGS lacks ${coordinate}`).toBeDefined();
        // The roles in parallel, the operations one after another (mutations change the graph).
        await Promise.all(
          ROLES.map(async (role) => {
            const response = await gql(server, operationText(kind, field), variables, tokens.get(role)!);
            const codes = (response.errors ?? []).map((error) => error.extensions?.code);
            const refused = codes.includes('FORBIDDEN');
            if (codes.some((code) => code === 'GRAPHQL_VALIDATION_FAILED' || code === 'BAD_USER_INPUT')) {
              mismatches.push(`${coordinate} as ${role}: invalid probe ${JSON.stringify(response.errors)}`);
            }
            if (refused === allowed(coordinate, role)) {
              mismatches.push(`${coordinate} as ${role}: ${refused ? 'refused' : 'allowed'} (${JSON.stringify(response.errors ?? [])})`);
            }
            if (refused) expect(response.errors![0]!.message).toBe(`role ${role} may not use ${coordinate}`);
            checked++;
          }),
        );
      }
    }
    expect(mismatches).toEqual([]);
    expect(checked).toBe((Object.keys(SAMPLE_ARGS).length - 2) * ROLES.length);
  });

  it('admits to WebSocket only roles that may subscribe, and checks every subscription per role', async () => {
    const root = server.api.graphql.schema.getSubscriptionType()!;
    const admitted = subscribingRoles();
    expect(admitted.sort()).toEqual(['ADMIN', 'ANALYST', 'DASHBOARD']);
    for (const role of ROLES) {
      let closed: number | null = null;
      const client = wsClient(server, tokens.get(role)!, (code) => {
        closed = code;
      });
      try {
        for (const field of Object.values(root.getFields())) {
          const coordinate = `Subscription.${field.name}`;
          expect(SAMPLE_ARGS[coordinate], `SAMPLE_ARGS lacks ${coordinate}`).toBeDefined();
          const sub = collect(client, operationText('subscription', field), SAMPLE_ARGS[coordinate]);
          if (allowed(coordinate, role)) {
            const topic = field.name === 'alertRaised' ? 'alert-raised' : 'risk-score-changed';
            await until(() => server.api.pubsub.subscriberCount(topic) === 1, 30_000, `${coordinate} as ${role}`);
            sub.dispose();
            await until(() => server.api.pubsub.subscriberCount(topic) === 0, 30_000, 'the unsubscription');
          } else {
            await until(() => closed !== null, 30_000, `${role} to be refused at the handshake`);
            expect(closed, role).toBe(4403);
            break;
          }
        }
      } finally {
        await client.dispose();
      }
    }
  });

  it('hides personal fields from roles without the right, field by field', async () => {
    await gqlData(server, `mutation { upsertUsers(users: [{id: "alice", email: "alice@example.org"}]) { count } }`);
    const query = `{ user(id: "alice") { key email } }`;
    const dashboard = await gql(server, query, {}, tokens.get('DASHBOARD')!);
    expect(dashboard.data).toEqual({ user: { key: 'alice', email: null } });
    expect(dashboard.errors![0]).toMatchObject({ path: ['user', 'email'], extensions: { code: 'FORBIDDEN' } });
    const analyst = await gql(server, query, {}, tokens.get('ANALYST')!);
    expect(analyst.data).toEqual({ user: { key: 'alice', email: 'alice@example.org' } });
    expect(analyst.errors).toBeUndefined();
  });

  it('audits refused mutations under the caller', async () => {
    const { auditTrail } = await gqlData(server, `query ($actor: String) { auditTrail(actor: $actor, first: 100) { edges { node { action outcome } } } }`, {
      actor: keyIds.get('DASHBOARD'),
    });
    const actions = auditTrail.edges.map((e: { node: { action: string; outcome: string } }) => `${e.node.action} ${e.node.outcome}`);
    expect(actions).toContain('Mutation.upsertUsers DENIED');
    expect(actions).toContain('Mutation.createApiKey DENIED');
  });

  it('stores only the hash of an API key, lets INGEST keys use POST /ingest, and revokes at once', async () => {
    const ingestKey = tokens.get('INGEST')!;
    const [stored] = await server.runtime.executor.query<{ props: Record<string, unknown> }>(
      'READ',
      'MATCH (k:ApiKey {id: $id}) RETURN properties(k) AS props',
      { id: keyIds.get('INGEST') },
    );
    expect(Object.values(stored!.props)).not.toContain(ingestKey);
    expect(stored!.props.hash).toBe(createHash('sha256').update(ingestKey).digest('hex'));
    const { apiKeys } = await gqlData(server, `{ apiKeys(first: 100) { edges { node { id role revokedAt } } } }`);
    expect(apiKeys.edges).toHaveLength(ROLES.length + 1); // and the one the ADMIN probe created

    const line = JSON.stringify({ '@timestamp': at(0), event: { category: 'web', action: 'http_request' }, user: { name: 'probe' } });
    const post = (token: string) =>
      fetch(`${server.url}/ingest?format=ecs`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: line });
    expect((await post(ingestKey)).status).toBe(200);
    expect((await post(tokens.get('DASHBOARD')!)).status).toBe(403);

    const revoked = await gqlData(server, `mutation ($id: ID!) { revokeApiKey(id: $id) { id revokedAt } }`, { id: keyIds.get('INGEST') });
    expect(revoked.revokeApiKey.revokedAt).not.toBeNull();
    expect((await post(ingestKey)).status).toBe(401);
    expect((await gql(server, '{ apiInfo { role } }', {}, ingestKey)).status).toBe(401);
    expect((await gql(server, '{ apiInfo { role } }', {}, TEST_ADMIN_TOKEN)).data).toEqual({ apiInfo: { role: 'ADMIN' } });
  });
});
