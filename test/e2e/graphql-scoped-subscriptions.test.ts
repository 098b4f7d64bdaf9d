import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Topic } from '../../src/api/pubsub/topics.ts';
import { parseStream } from '../../src/events/importer.ts';
import { createLogger } from '../../src/logger.ts';
import type { Server } from '../../src/main.ts';
import type { RaisedAlert } from '../../src/store/alert.repository.ts';
import { startTestServer, TEST_ADMIN_TOKEN, testConfig } from '../support/runtime.ts';
import { collect, gql, gqlData, until, wsClient } from './graphql-support.ts';

/**
 * Subscriptions scoped by graph position (`filter.near`), over real WebSockets, Redis pub/sub
 * and Neo4j, on two API instances sharing them. The graph (ACCESSED and REPORTS_TO):
 *
 *   FIN-DB-02 ── alice ── WS-1 ── carol          dave ─REPORTS_TO→ alice
 *       └────── bob ── HR-SHARE ── erin           frank (nowhere near, until he accesses FIN-DB-02)
 *
 * near FIN-DB-02, 2 hops: alice, bob (1), dave (2: reports to alice); not carol (3: through
 * alice's device), not erin (3: through bob's share). near HR-SHARE, 1 hop: bob, erin. Bob is in
 * both. near FIN-DB-02, 3 hops: alice, bob, dave, carol, erin.
 */
const RAISED_AT = Date.UTC(2026, 4, 4, 12);
const SEED = `
CREATE (fin:Asset {id: 'FIN-DB-02'}), (share:Asset {id: 'HR-SHARE'}), (ws:Device {id: 'WS-1'}), (hub:Asset {id: 'HUB'}),
       (alice:User {id: 'alice'}), (bob:User {id: 'bob'}), (carol:User {id: 'carol'}), (dave:User {id: 'dave'}),
       (erin:User {id: 'erin'}), (frank:User {id: 'frank'}),
       (alice)-[:ACCESSED {count: 3}]->(fin), (bob)-[:ACCESSED {count: 1}]->(fin), (alice)-[:ACCESSED {count: 9}]->(ws),
       (carol)-[:ACCESSED {count: 2}]->(ws), (bob)-[:ACCESSED {count: 4}]->(share), (erin)-[:ACCESSED {count: 5}]->(share),
       (dave)-[:REPORTS_TO]->(alice)
WITH hub
UNWIND range(1, 30) AS i
CREATE (:User {id: 'hub-user-' + i})-[:ACCESSED {count: 1}]->(hub)`;

let seq = 0;
function alert(user: string): RaisedAlert {
  seq += 1;
  return { id: `al-${user}-${seq}`, severity: 'HIGH', raisedAt: RAISED_AT, user, session: null, reasons: [`about ${user}`], score: 80 };
}

type Sub = ReturnType<typeof collect>;
const alertUsers = (sub: Sub) => sub.results.map((r) => (r.data as { alertRaised: { user: { key: string } } }).alertRaised.user.key);
const riskUsers = (sub: Sub) => sub.results.map((r) => (r.data as { riskScoreChanged: { user: { key: string } } }).riskScoreChanged.user.key);

describe('subscriptions scoped by graph position', () => {
  let one: Server;
  let two: Server;
  const config = testConfig();

  beforeAll(async () => {
    // Two API instances on the same Neo4j and Redis (same queue prefix: one deployment).
    // No periodic refresh during the test: every read counted below is one the test caused.
    const limits = { scopeMinRefreshMs: 50, scopeMaxNodes: 25, scopePeriodicRefreshMs: 600_000 };
    one = await startTestServer(config, createLogger(config.logLevel), { apiLimits: limits });
    two = await startTestServer(config, createLogger(config.logLevel), { apiLimits: limits });
    await one.runtime.executor.query('WRITE', SEED);
  });
  afterAll(async () => {
    await two?.close();
    await one?.close();
  });

  it('delivers to subscribers with overlapping scopes exactly the alerts and risk changes of their users', async () => {
    const client = wsClient(one);
    try {
      const fin = collect(client, `subscription { alertRaised(filter: {near: {entity: "Asset:FIN-DB-02", maxHops: 2}}) { id user { key } } }`);
      const share = collect(client, `subscription { alertRaised(filter: {near: {entity: "Asset:HR-SHARE", maxHops: 1}}) { id user { key } } }`);
      const wide = collect(client, `subscription ($near: GraphScopeInput) { alertRaised(filter: {near: $near, minSeverity: HIGH}) { id user { key } } }`, {
        near: { entity: 'Asset:FIN-DB-02', maxHops: 3 },
      });
      // The same scope as `fin`, on risk changes: one membership set serves both.
      const finRisk = collect(client, `subscription { riskScoreChanged(filter: {near: {entity: "Asset:FIN-DB-02"}}) { user { key } score } }`);
      // Generous: Neo4j plans each depth's statement once, seconds on a cold, busy server.
      await until(() => one.api.pubsub.subscriberCount(Topic.ALERT_RAISED) === 3 && one.api.pubsub.subscriberCount(Topic.RISK_SCORE_CHANGED) === 1, 60_000, 'the subscriptions');
      expect(one.api.graphql.scopes.stats()).toMatchObject({ scopes: 3, subscribers: 4, reads: 3 });
      const metrics = await (await fetch(`${one.url}/metrics`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } })).text();
      expect(metrics).toMatch(/^riskgraph_subscription_scopes 3$/m);
      expect(metrics).toMatch(/^riskgraph_subscription_scope_subscribers 4$/m);

      for (const user of ['carol', 'alice', 'erin', 'frank', 'bob', 'dave', 'hub-user-1']) await one.api.alerts.publish(alert(user));
      for (const user of ['erin', 'dave', 'frank', 'alice']) {
        await one.api.riskChanges.publish({ user, previousScore: 10, score: 50, changedAt: RAISED_AT, reasons: [] });
      }
      // Every subscriber's last event: everything before it has been filtered.
      await one.api.alerts.publish(alert('bob'));
      await fin.waitFor(4);
      await share.waitFor(3);
      await wide.waitFor(6);
      await finRisk.waitFor(2);
      await new Promise((r) => setTimeout(r, 200));
      expect(alertUsers(fin)).toEqual(['alice', 'bob', 'dave', 'bob']);
      expect(alertUsers(share)).toEqual(['erin', 'bob', 'bob']);
      expect(alertUsers(wide)).toEqual(['carol', 'alice', 'erin', 'bob', 'dave', 'bob']);
      expect(riskUsers(finRisk)).toEqual(['dave', 'alice']);
    } finally {
      await client.dispose();
    }
    await until(() => one.api.graphql.scopes.stats().scopes === 0, 30_000, 'the scopes to be released');
  });

  it('delivers a user who became near through an import, on both API instances', async () => {
    const clients = [wsClient(one), wsClient(two)];
    try {
      const subs = clients.map((client) => collect(client, `subscription { alertRaised(filter: {near: {entity: "Asset:FIN-DB-02", maxHops: 1}}) { id user { key } } }`));
      await until(
        () => one.api.pubsub.subscriberCount(Topic.ALERT_RAISED) === 1 && two.api.pubsub.subscriberCount(Topic.ALERT_RAISED) === 1,
        30_000,
        'a subscription on each instance',
      );
      const readsBefore = one.api.graphql.scopes.stats().reads;
      await one.api.alerts.publish(alert('frank')); // not near yet
      await one.api.alerts.publish(alert('alice'));
      await Promise.all(subs.map((sub) => sub.waitFor(1)));

      // frank logs on to FIN-DB-02: the import creates his ACCESSED edge.
      const line = JSON.stringify({
        '@timestamp': new Date(RAISED_AT).toISOString(),
        event: { id: 'frank-fin-1', category: 'authentication', action: 'logon', outcome: 'success' },
        user: { name: 'frank' },
        destination: { address: 'FIN-DB-02' },
      });
      await one.runtime.ingest.ingest(parseStream(Readable.from([line]), { format: 'ecs', source: 'frank.ndjson' }), { source: 'frank.ndjson', wait: true });
      const [edge] = await one.runtime.executor.query<{ n: number }>('READ', "MATCH (:User {id: 'frank'})-[r:ACCESSED]->(:Asset {id: 'FIN-DB-02'}) RETURN count(r) AS n");
      expect(edge!.n).toBe(1);

      // Published at once after the import: no waiting for the refresh on the test's side.
      await one.api.alerts.publish(alert('frank'));
      await one.api.alerts.publish(alert('erin')); // still not near
      await one.api.alerts.publish(alert('bob'));
      await Promise.all(subs.map((sub) => sub.waitFor(3, 30_000)));
      await new Promise((r) => setTimeout(r, 200));
      for (const sub of subs) expect(alertUsers(sub)).toEqual(['alice', 'frank', 'bob']);
      // The import's notice refreshed the scope (one more read on each instance), no more.
      expect(one.api.graphql.scopes.stats().reads - readsBefore).toBe(1);
      expect(two.api.graphql.scopes.stats().reads).toBeGreaterThanOrEqual(2);

      // frank logs on again: the edge exists, the batch creates none and announces nothing.
      const again = line.replace('frank-fin-1', 'frank-fin-2').replace(new Date(RAISED_AT).toISOString(), new Date(RAISED_AT + 60_000).toISOString());
      await one.runtime.ingest.ingest(parseStream(Readable.from([again]), { format: 'ecs', source: 'frank2.ndjson' }), { source: 'frank2.ndjson', wait: true });
      const [counted] = await one.runtime.executor.query<{ n: number }>('READ', "MATCH (:User {id: 'frank'})-[r:ACCESSED]->(:Asset {id: 'FIN-DB-02'}) RETURN r.count AS n");
      expect(counted!.n).toBe(2); // applied to the existing edge
      await one.api.alerts.publish(alert('frank'));
      await Promise.all(subs.map((sub) => sub.waitFor(4, 30_000)));
      expect(one.api.graphql.scopes.stats().reads - readsBefore).toBe(1);
    } finally {
      await Promise.all(clients.map((client) => client.dispose()));
    }
  });

  it('delivers a user who became near through an HR change, to a dashboard key', async () => {
    const { createApiKey } = await gqlData(one, `mutation { createApiKey(name: "fin dashboard", role: DASHBOARD) { secret } }`);
    const client = wsClient(two, createApiKey.secret);
    try {
      const sub = collect(client, `subscription { riskScoreChanged(filter: {near: {entity: "Asset:FIN-DB-02", maxHops: 2}, minScore: 40}) { user { key } score } }`);
      await until(() => two.api.pubsub.subscriberCount(Topic.RISK_SCORE_CHANGED) === 1, 30_000, 'the subscription');
      const change = (user: string, score: number) => one.api.riskChanges.publish({ user, previousScore: 0, score, changedAt: RAISED_AT, reasons: [] });
      await change('gina', 60); // gina is nobody's report yet
      // gina now reports to bob, who accessed FIN-DB-02: two hops.
      await gqlData(one, `mutation { upsertUsers(users: [{id: "gina", manager: "bob"}]) { count } }`);
      await change('gina', 70);
      await change('dave', 20); // in scope, under minScore
      await change('carol', 90); // out of scope
      await change('dave', 45);
      await sub.waitFor(2, 30_000);
      await new Promise((r) => setTimeout(r, 200));
      expect(sub.results.map((r) => r.data)).toEqual([
        { riskScoreChanged: { user: { key: 'gina' }, score: 70 } },
        { riskScoreChanged: { user: { key: 'dave' }, score: 45 } },
      ]);
    } finally {
      await client.dispose();
    }
  });

  it('delivers the pipeline alert about the very access that put the user in scope', { timeout: 180_000 }, async () => {
    // A terminated employee logs on and reaches PAYROLL-DB (as in scoring-pipeline.test.ts): the
    // batch that creates tom's ACCESSED edge to it also raises the alert about him.
    await one.runtime.executor.query('WRITE', "CREATE (:Asset {id: 'PAYROLL-DB', kind: 'host'})");
    const day = Date.UTC(2026, 2, 4);
    const at = (h: number, m = 0) => new Date(day + h * 3_600_000 + m * 60_000).toISOString();
    const lines = [
      { '@timestamp': at(0), event: { id: 'hr-1', category: 'iam', action: 'hr_update', outcome: 'success' }, user: { name: 'tom' },
        riskgraph: { hr: { name: 'Tom Gone', department: 'finance', status: 'TERMINATED', effective_date: '2026-03-03', last_day: '2026-03-02' } } },
      { '@timestamp': at(9), event: { id: 't1', category: 'authentication', action: 'logon', outcome: 'success' }, user: { name: 'tom' }, host: { name: 'WS-7' } },
      { '@timestamp': at(9, 5), event: { id: 't2', category: 'network', action: 'app_access', outcome: 'success' }, user: { name: 'tom' }, host: { name: 'WS-7' }, destination: { address: 'PAYROLL-DB' } },
      { '@timestamp': at(9, 30), event: { id: 't4', category: 'authentication', action: 'logoff', outcome: 'success' }, user: { name: 'tom' }, host: { name: 'WS-7' } },
    ].map((line) => JSON.stringify(line));
    const client = wsClient(two);
    try {
      const payroll = collect(client, `subscription { alertRaised(filter: {near: {entity: "Asset:PAYROLL-DB", maxHops: 1}}) { user { key } reasons } }`);
      const share = collect(client, `subscription { alertRaised(filter: {near: {entity: "Asset:HR-SHARE", maxHops: 1}}) { user { key } } }`);
      await until(() => two.api.pubsub.subscriberCount(Topic.ALERT_RAISED) === 2, 30_000, 'the subscriptions');
      const lease = await two.api.graphql.scopes.acquire({ type: 'Asset', id: 'PAYROLL-DB' }, 1); // shares the subscription's scope
      expect([...lease.members()]).toEqual([]);
      lease.release();
      await one.runtime.ingest.ingest(parseStream(Readable.from([lines.join('\n')]), { format: 'ecs', source: 'tom.ndjson' }), { source: 'tom.ndjson', wait: true });
      await payroll.waitFor(1, 60_000);
      expect(payroll.results[0]!.data).toMatchObject({ alertRaised: { user: { key: 'tom' } } });
      await one.api.alerts.publish(alert('erin'));
      await share.waitFor(1);
      expect(alertUsers(share)).toEqual(['erin']); // tom's alert was not HR-SHARE's
    } finally {
      await client.dispose();
    }
  });

  it('refuses a bad, unknown or oversized scope with a clear error', async () => {
    const client = wsClient(one);
    const refused = async (query: string) => {
      const sub = collect(client, query);
      await sub.settled();
      const errors = (sub.error ?? sub.results[0]?.errors) as Array<{ message: string; extensions?: { code?: string } }> | undefined;
      expect(errors, query).toBeDefined();
      return errors!.map((e) => ({ code: e.extensions?.code, message: e.message }));
    };
    try {
      expect(await refused(`subscription { alertRaised(filter: {near: {entity: "FIN-DB-02"}}) { id } }`)).toEqual([
        { code: 'BAD_USER_INPUT', message: "filter.near.entity: 'FIN-DB-02' is not a typed id; use Type:key with Type one of User, Device, Application, Asset (e.g. Asset:FIN-DB-02)" },
      ]);
      expect(await refused(`subscription { alertRaised(filter: {near: {entity: "Asset:FIN-DB-02", maxHops: 4}}) { id } }`)).toEqual([
        { code: 'BAD_USER_INPUT', message: 'filter.near.maxHops: must be 1, 2 or 3, got 4' },
      ]);
      expect(await refused(`subscription { riskScoreChanged(filter: {near: {entity: "Asset:NOPE", maxHops: 1}}) { score } }`)).toEqual([
        { code: 'NOT_FOUND', message: "entity 'Asset:NOPE' does not exist" },
      ]);
      // 31 entities within one hop of HUB (itself and 30 users); the limit here is 25.
      expect(await refused(`subscription { alertRaised(filter: {near: {entity: "Asset:HUB", maxHops: 1}}) { id } }`)).toEqual([
        {
          code: 'BAD_USER_INPUT',
          message: 'filter.near: more than 25 entities lie within 1 hop(s) of Asset:HUB; subscribe with fewer hops or near a less connected entity',
        },
      ]);
      expect(one.api.graphql.scopes.stats().scopes).toBe(0);
    } finally {
      await client.dispose();
    }
    const listed = await gql(one, `{ alerts(filter: {near: {entity: "Asset:FIN-DB-02"}}) { edges { node { id } } } }`);
    expect(listed.errors?.map((e) => e.message)).toEqual([
      'filter.near: only Subscription.alertRaised filters by graph position; list the alerts of each user instead',
    ]);
  });
});
