import { Redis } from 'ioredis';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphAlertPublisher } from '../../src/api/publishers.ts';
import { RedisPubSub } from '../../src/api/pubsub/redis-pubsub.ts';
import { Topic } from '../../src/api/pubsub/topics.ts';
import { WsCloseCode } from '../../src/api/ws-server.ts';
import { createLogger } from '../../src/logger.ts';
import type { Server } from '../../src/main.ts';
import { Neo4jAlertRepository, type RaisedAlert } from '../../src/store/alert.repository.ts';
import { startTestServer, testConfig } from '../support/runtime.ts';
import { collect, gqlData, until, wsClient, wsUrl } from './graphql-support.ts';

/**
 * Live alerts over a real WebSocket (graphql-ws) through real Redis pub/sub: what scoring
 * publishes reaches subscribers, filtered; an alert published by another instance arrives
 * too; alerts are recorded for Query.alerts and triaged with audited mutations; a client that
 * stops reading is cut off without holding up the others.
 */
const ALERT_FIELDS = 'id severity status raisedAt score reasons user { key riskLevel } session { id }';
const RAISED_AT = Date.UTC(2026, 4, 4, 12);

function alert(id: string, severity: RaisedAlert['severity'], user = 'mallory', session: string | null = null): RaisedAlert {
  return { id, severity, raisedAt: RAISED_AT, user, session, reasons: [`reason of ${id}`], score: 91.5 };
}

describe('GraphQL subscriptions through Redis pub/sub', () => {
  let server: Server;
  const config = testConfig();

  beforeAll(async () => {
    server = await startTestServer(config, createLogger(config.logLevel), { apiLimits: { subscriberBuffer: 5 } });
    await server.runtime.executor.query('WRITE', "CREATE (:User {id: 'mallory', riskScore: 91.5}), (:User {id: 'trent'}), (:Session {id: 's-1', user: 'mallory', start: 1})");
  });
  afterAll(async () => {
    await server?.close();
  });

  it('delivers a published alert to a subscriber over WebSocket, resolving its user and session', async () => {
    const client = wsClient(server);
    try {
      const sub = collect(client, `subscription { alertRaised { ${ALERT_FIELDS} } }`);
      await until(() => server.api.pubsub.subscriberCount(Topic.ALERT_RAISED) === 1, 30_000, 'the subscription');
      const published = await server.api.alerts.publish(alert('al-1', 'HIGH', 'mallory', 's-1'));
      expect(published.created).toBe(true);
      await sub.waitFor(1);
      expect(sub.results[0]).toEqual({
        data: {
          alertRaised: {
            id: 'al-1',
            severity: 'HIGH',
            status: 'OPEN',
            raisedAt: '2026-05-04T12:00:00.000Z',
            score: 91.5,
            reasons: ['reason of al-1'],
            user: { key: 'mallory', riskLevel: 'CRITICAL' },
            session: { id: 's-1' },
          },
        },
      });
      // Publishing the same alert again neither records nor delivers it twice.
      expect((await server.api.alerts.publish(alert('al-1', 'HIGH'))).created).toBe(false);
      sub.dispose();
      await until(() => server.api.pubsub.subscriberCount(Topic.ALERT_RAISED) === 0, 30_000, 'the unsubscription');
    } finally {
      await client.dispose();
    }
  });

  it('filters by minimum severity and user', async () => {
    const client = wsClient(server);
    try {
      const high = collect(client, `subscription { alertRaised(filter: {minSeverity: HIGH}) { id } }`);
      const trent = collect(client, `subscription ($u: ID) { alertRaised(filter: {userId: $u}) { id } }`, { u: 'User:trent' });
      await until(() => server.api.pubsub.subscriberCount(Topic.ALERT_RAISED) === 2, 30_000, 'the subscriptions');
      await server.api.alerts.publish(alert('al-low', 'LOW', 'trent'));
      await server.api.alerts.publish(alert('al-crit', 'CRITICAL', 'mallory'));
      await high.waitFor(1);
      await trent.waitFor(1);
      await new Promise((r) => setTimeout(r, 200));
      expect(high.results.map((r) => r.data.alertRaised.id)).toEqual(['al-crit']);
      expect(trent.results.map((r) => r.data.alertRaised.id)).toEqual(['al-low']);
    } finally {
      await client.dispose();
    }
  });

  it('resolves an alert for many subscribers with one lookup per instance', async () => {
    const clients = Array.from({ length: 20 }, () => wsClient(server));
    try {
      const subs = clients.map((client) => collect(client, `subscription { alertRaised { id user { key name riskScore } } }`));
      await until(() => server.api.pubsub.subscriberCount(Topic.ALERT_RAISED) === clients.length, 30_000, 'the subscriptions');
      await new Promise((r) => setTimeout(r, 1100)); // let the shared loader cache expire
      // The statements about this alert or its user while it is resolved: the server's own
      // periodic work (session sweeps, the HR due check) may run other statements meanwhile.
      const executor = server.runtime.executor;
      const query = executor.query.bind(executor);
      const aboutIt: string[] = [];
      executor.query = ((mode, statement, params = {}) => {
        if (/trent|al-many/.test(JSON.stringify(params))) aboutIt.push(statement);
        return query(mode, statement, params);
      }) as typeof executor.query;
      try {
        await server.api.pubsub.publish(Topic.ALERT_RAISED, { ...alert('al-many', 'LOW', 'trent'), status: 'OPEN' });
        await Promise.all(subs.map((sub) => sub.waitFor(1)));
      } finally {
        executor.query = query;
      }
      expect(subs.map((sub) => sub.results[0]!.data.alertRaised.user.key)).toEqual(clients.map(() => 'trent'));
      expect(aboutIt.length).toBeLessThanOrEqual(2);
    } finally {
      await Promise.all(clients.map((client) => client.dispose()));
    }
  });

  it('delivers an alert that another API instance published through Redis', async () => {
    const otherRedis = new Redis(server.runtime.redisUrl);
    const otherInstance = new GraphAlertPublisher(
      new Neo4jAlertRepository(server.runtime.executor),
      new RedisPubSub({ redis: otherRedis, prefix: config.queue.prefix, log: server.runtime.log }),
    );
    const client = wsClient(server);
    try {
      const sub = collect(client, `subscription { alertRaised { id user { key } } }`);
      await until(() => server.api.pubsub.subscriberCount(Topic.ALERT_RAISED) === 1, 30_000, 'the subscription');
      await otherInstance.publish(alert('al-remote', 'MEDIUM', 'trent'));
      await sub.waitFor(1);
      expect(sub.results[0]!.data).toEqual({ alertRaised: { id: 'al-remote', user: { key: 'trent' } } });
    } finally {
      await client.dispose();
      otherRedis.disconnect();
    }
  });

  it('streams risk score changes, filtered by level', async () => {
    const client = wsClient(server);
    try {
      const sub = collect(client, `subscription { riskScoreChanged(filter: {minLevel: HIGH}) { user { key } previousScore score level changedAt reasons } }`);
      await until(() => server.api.pubsub.subscriberCount(Topic.RISK_SCORE_CHANGED) === 1, 30_000, 'the subscription');
      await server.api.riskChanges.publish({ user: 'trent', previousScore: 10, score: 30, changedAt: RAISED_AT, reasons: ['small'] });
      await server.api.riskChanges.publish({ user: 'mallory', previousScore: 40, score: 77, changedAt: RAISED_AT, reasons: ['first access to FIN-DB-02'] });
      await sub.waitFor(1);
      expect(sub.results[0]!.data).toEqual({
        riskScoreChanged: { user: { key: 'mallory' }, previousScore: 40, score: 77, level: 'CRITICAL', changedAt: '2026-05-04T12:00:00.000Z', reasons: ['first access to FIN-DB-02'] },
      });
    } finally {
      await client.dispose();
    }
  });

  it('records alerts for Query.alerts and triages them with audited mutations', async () => {
    const { alerts } = await gqlData(server, `{ alerts(filter: {minSeverity: MEDIUM}, first: 10) { edges { node { id severity status } } } }`);
    expect(alerts.edges.map((e: { node: { id: string } }) => e.node.id).sort()).toEqual(['al-1', 'al-crit', 'al-remote']);
    const ack = await gqlData(server, `mutation { acknowledgeAlert(id: "al-1") { status acknowledgedBy acknowledgedAt } }`);
    expect(ack.acknowledgeAlert).toMatchObject({ status: 'ACKNOWLEDGED', acknowledgedBy: 'admin' });
    const resolved = await gqlData(server, `mutation { resolveAlert(id: "al-1", resolution: FALSE_POSITIVE) { status resolution resolvedBy } }`);
    expect(resolved.resolveAlert).toEqual({ status: 'RESOLVED', resolution: 'FALSE_POSITIVE', resolvedBy: 'admin' });
    const again = await gqlData(server, `{ alerts(filter: {statuses: [RESOLVED]}) { edges { node { id } } } }`);
    expect(again.alerts.edges).toEqual([{ node: { id: 'al-1' } }]);
    const { auditTrail } = await gqlData(server, `{ auditTrail(first: 5) { edges { node { actor action target outcome details } } } }`);
    expect(auditTrail.edges.map((e: { node: unknown }) => e.node).slice(0, 2)).toEqual([
      { actor: 'admin', action: 'Mutation.resolveAlert', target: 'al-1', outcome: 'OK', details: { resolution: 'FALSE_POSITIVE' } },
      { actor: 'admin', action: 'Mutation.acknowledgeAlert', target: 'al-1', outcome: 'OK', details: {} },
    ]);
  });

  it('cuts off a subscriber that stops reading, while another receives every alert', async () => {
    const fast = wsClient(server);
    // The slow client speaks graphql-ws by hand so that it can stop reading its socket.
    const slow = new WebSocket(wsUrl(server), 'graphql-transport-ws');
    let slowClosed: number | null = null;
    slow.on('close', (code) => {
      slowClosed = code;
    });
    try {
      await new Promise((resolve) => slow.once('open', resolve));
      slow.send(JSON.stringify({ type: 'connection_init', payload: { authorization: 'Bearer test-admin-token-0123456789' } }));
      await new Promise((resolve) => slow.once('message', resolve)); // connection_ack
      slow.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: 'subscription { alertRaised { id reasons } }' } }));
      const sub = collect(fast, 'subscription { alertRaised { id } }');
      await until(() => server.api.pubsub.subscriberCount(Topic.ALERT_RAISED) === 2, 30_000, 'both subscriptions');
      (slow as unknown as { _socket: { pause(): void } })._socket.pause();

      // Big events fill the slow client's TCP buffers quickly; they go straight to pub/sub.
      const reasons = Array.from({ length: 64 }, (_, i) => `${i}:${'x'.repeat(4096)}`);
      const count = 120;
      for (let i = 0; i < count; i++) {
        await server.api.pubsub.publish(Topic.ALERT_RAISED, { ...alert(`flood-${i}`, 'LOW'), status: 'OPEN', reasons });
      }
      await sub.waitFor(count, 30_000);
      expect(sub.results).toHaveLength(count);
      await until(() => server.api.pubsub.subscriberCount(Topic.ALERT_RAISED) === 1, 30_000, 'the slow subscriber to be cut off');
      (slow as unknown as { _socket: { resume(): void } })._socket.resume();
      await until(() => slowClosed !== null, 30_000, 'the slow socket to close');
      expect(slowClosed).toBe(WsCloseCode.SLOW_CONSUMER);
    } finally {
      slow.terminate();
      await fast.dispose();
    }
  });
});
