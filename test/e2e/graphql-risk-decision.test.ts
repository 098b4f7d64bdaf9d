import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PubSubRiskChangePublisher } from '../../src/api/publishers.ts';
import { RedisPubSub } from '../../src/api/pubsub/redis-pubsub.ts';
import type { Server } from '../../src/main.ts';
import { testServer } from '../support/runtime.ts';
import { gql, gqlData, until } from './graphql-support.ts';

/**
 * The identity provider's risk decision over real HTTP, against a real Neo4j and Redis: the
 * stored risk, HR status and recent login context decide; changes announced through Redis
 * pub/sub (by scoring on another instance, by HR mutations) change the next decision without
 * a restart; unknown users are stepped up; only IDP and ADMIN may ask; bad input is named;
 * every decision lands in the audit trail.
 */
const DAY = 86_400_000;
const DECIDE = `query ($input: RiskDecisionInput!) { riskDecision(input: $input) { decision riskScore riskLevel reasons decidedAt } }`;
const SET_STATUS = `mutation ($input: EmploymentStatusInput!) { setEmploymentStatus(input: $input) { current } }`;

describe('Query.riskDecision', () => {
  let server: Server;
  let idp: { secret: string; id: string };
  let hrKey: string;
  let dashboard: string;
  const now = Date.now();
  const iso = (ms: number) => new Date(ms).toISOString();

  async function decide(input: Record<string, unknown>, token = idp.secret) {
    return (await gqlData(server, DECIDE, { input }, token)).riskDecision;
  }

  async function key(role: string) {
    const { createApiKey } = await gqlData(server, `mutation ($role: Role!) { createApiKey(name: "rd", role: $role) { secret apiKey { id } } }`, { role });
    return { secret: createApiKey.secret as string, id: createApiKey.apiKey.id as string };
  }

  beforeAll(async () => {
    server = await testServer();
    idp = await key('IDP');
    hrKey = (await key('HR_INTEGRATION')).secret;
    dashboard = (await key('DASHBOARD')).secret;
    await gqlData(server, `mutation ($users: [UserInput!]!) { upsertUsers(users: $users) { count } }`, {
      users: ['rd-low', 'rd-high', 'rd-crit', 'rd-term', 'rd-leaver'].map((id) => ({ id, department: 'Finance' })),
    });
    // Scoring stores the risk on the User node (see the scoring → graph contract).
    await server.runtime.executor.query('WRITE', 'UNWIND $rows AS row MATCH (u:User {id: row.id}) SET u.riskScore = row.score, u.riskLevel = row.level', {
      rows: [
        { id: 'rd-low', score: 10.5, level: 'LOW' },
        { id: 'rd-high', score: 55.25, level: 'HIGH' },
        { id: 'rd-crit', score: 92.5, level: 'CRITICAL' },
      ],
    });
    // rd-low logged on yesterday from WS-LOW at 10.1.1.1: that device and IP are known.
    await gqlData(server, `mutation ($events: [EventInput!]!) { ingestEvents(events: $events, wait: true) { accepted } }`, {
      events: [
        { timestamp: iso(now - DAY), category: 'authentication', action: 'logon', outcome: 'success', user: 'rd-low', host: 'WS-LOW', sourceIp: '10.1.1.1' },
        { timestamp: iso(now - DAY + 60_000), category: 'authentication', action: 'logon', outcome: 'failure', user: 'rd-low', host: 'WS-EVIL', sourceIp: '10.1.1.1' },
      ],
    });
    await gqlData(server, SET_STATUS, { input: { userId: 'rd-term', status: 'TERMINATED', effectiveDate: iso(now - DAY) } });
    await gqlData(server, SET_STATUS, { input: { userId: 'rd-leaver', status: 'NOTICE_GIVEN', effectiveDate: iso(now - DAY), lastDay: iso(now + 10 * DAY) } });
    await gqlData(server, SET_STATUS, { input: { userId: 'rd-leaver', status: 'TERMINATED', effectiveDate: iso(now + 11 * DAY) } });
    // The state as a fresh instance loads it: every user, page by page.
    await server.api.riskDecisions.ready();
    await server.api.riskDecisions.reload();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('allows a low-risk user on a known device and IP, and adds context points for unknown ones', async () => {
    const known = await decide({ userId: 'rd-low', ip: '10.1.1.1', deviceId: 'WS-LOW', application: 'vpn' });
    expect(known).toEqual({ decision: 'ALLOW', riskScore: 10.5, riskLevel: 'LOW', reasons: ['user risk 10.5 (LOW)'], decidedAt: expect.any(String) });
    expect(Math.abs(Date.parse(known.decidedAt) - Date.now())).toBeLessThan(60_000);
    // A device seen only in a failed logon is not known.
    const novel = await decide({ userId: 'User:rd-low', ip: '2001:db8::7', deviceId: 'WS-EVIL' });
    expect(novel).toMatchObject({ decision: 'ALLOW', riskScore: 40.5, riskLevel: 'MODERATE', reasons: ['user risk 10.5 (LOW)', 'unknown device WS-EVIL', 'unknown IP 2001:db8::7'] });
  });

  it('steps up a high-risk user and denies a critical one (policy: step up from 50, deny from 90)', async () => {
    expect(await decide({ userId: 'rd-high' })).toEqual({
      decision: 'STEP_UP',
      riskScore: 55.25,
      riskLevel: 'HIGH',
      reasons: ['user risk 55.25 (HIGH)'],
      decidedAt: expect.any(String),
    });
    expect(await decide({ userId: 'rd-crit', ip: '10.9.9.9' })).toMatchObject({ decision: 'DENY', riskScore: 100, riskLevel: 'CRITICAL' });
  });

  it('denies a terminated user, and one whose recorded termination has fallen due by the login time', async () => {
    expect(await decide({ userId: 'rd-term', ip: '10.1.1.1' })).toMatchObject({ decision: 'DENY', riskScore: 100, reasons: ['employment terminated'] });
    expect(await decide({ userId: 'rd-leaver' })).toMatchObject({ decision: 'ALLOW', riskScore: 15, reasons: ['departing employee'] });
    expect(await decide({ userId: 'rd-leaver', time: iso(now + 12 * DAY) })).toMatchObject({ decision: 'DENY', reasons: ['employment terminated'] });
  });

  it('follows a risk change that another instance publishes through Redis pub/sub', async () => {
    const redis = new Redis(server.runtime.redisUrl);
    const otherInstance = new PubSubRiskChangePublisher(new RedisPubSub({ redis, prefix: server.runtime.config.queue.prefix, log: server.runtime.log }));
    try {
      const input = { userId: 'rd-low', ip: '10.1.1.1', deviceId: 'WS-LOW' };
      expect((await decide(input)).decision).toBe('ALLOW');
      // As scoring does: store the score, then announce it.
      await server.runtime.executor.query('WRITE', "MATCH (u:User {id: 'rd-low'}) SET u.riskScore = 81.0, u.riskLevel = 'CRITICAL'");
      await otherInstance.publish({ user: 'rd-low', previousScore: 10.5, score: 81, changedAt: now, reasons: ['first access to FIN-DB-02'] });
      await until(async () => (await decide(input)).decision === 'STEP_UP', 30_000, 'the risk change to reach the decision');
      expect(await decide(input)).toMatchObject({ riskScore: 81, riskLevel: 'CRITICAL', reasons: ['user risk 81 (CRITICAL)'] });
    } finally {
      redis.disconnect();
    }
  });

  it('follows an HR status change pushed by the HR integration', async () => {
    expect((await decide({ userId: 'rd-high' })).decision).toBe('STEP_UP');
    await gqlData(server, SET_STATUS, { input: { userId: 'rd-high', status: 'TERMINATED', effectiveDate: iso(Date.now() - 60_000) } }, hrKey);
    await until(async () => (await decide({ userId: 'rd-high' })).decision === 'DENY', 30_000, 'the HR change to reach the decision');
    expect(await decide({ userId: 'rd-high' })).toMatchObject({ riskScore: 100, reasons: ['employment terminated'] });
  });

  it('steps up a user it does not know, and finds users created after the load', async () => {
    expect(await decide({ userId: 'rd-nobody', ip: '10.1.1.1', deviceId: 'WS-1' })).toEqual({
      decision: 'STEP_UP',
      riskScore: 50,
      riskLevel: 'HIGH',
      reasons: ['unknown user rd-nobody', 'unknown device WS-1', 'unknown IP 10.1.1.1'],
      decidedAt: expect.any(String),
    });
    // Created by an HR push, which is announced: no longer unknown, though it was just asked about.
    expect((await decide({ userId: 'rd-new' })).decision).toBe('STEP_UP');
    await gqlData(server, `mutation { upsertUsers(users: [{id: "rd-new"}]) { count } }`, {}, hrKey);
    await until(async () => (await decide({ userId: 'rd-new' })).decision === 'ALLOW', 30_000, 'the new user to be known');
    // Created without any announcement (e.g. by ingestion): read from the graph when first asked.
    await server.runtime.executor.query('WRITE', "CREATE (:User {id: 'rd-direct', riskScore: 30.0})");
    expect(await decide({ userId: 'rd-direct' })).toMatchObject({ decision: 'ALLOW', riskScore: 30, riskLevel: 'MODERATE', reasons: ['user risk 30 (MODERATE)'] });
  });

  it('answers IDP and ADMIN only', async () => {
    const refused = await gql(server, DECIDE, { input: { userId: 'rd-low' } }, dashboard);
    expect(refused.data).toBeNull();
    expect(refused.errors).toEqual([
      expect.objectContaining({ message: 'role DASHBOARD may not use Query.riskDecision', extensions: expect.objectContaining({ code: 'FORBIDDEN' }) }),
    ]);
    expect((await gql(server, DECIDE, { input: { userId: 'rd-low' } })).data?.riskDecision.decision).toBeDefined();
    expect((await gql(server, DECIDE, { input: { userId: 'rd-low' } }, null)).status).toBe(401);
  });

  it('names what is wrong with invalid input', async () => {
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ userId: 'rd-low', ip: '999.1.1.1' }, 'BAD_USER_INPUT', /"999\.1\.1\.1" is not an IPv4 or IPv6 address/],
      [{ userId: 'rd-low', ip: '10.0.0.0/8' }, 'BAD_USER_INPUT', /not an IPv4 or IPv6 address/],
      [{ userId: 'rd-low', time: 'yesterday' }, 'BAD_USER_INPUT', /input\.time.*DateTime|DateTime.*yesterday/],
      [{ userId: '' }, 'BAD_USER_INPUT', /^input\.userId: must not be empty$/],
      [{ userId: 'Asset:FIN-DB-02' }, 'BAD_USER_INPUT', /^input\.userId: 'Asset:FIN-DB-02' is a Asset id, not a user id$/],
      [{ userId: 'rd-low', deviceId: 'x'.repeat(300) }, 'BAD_USER_INPUT', /^input\.deviceId: must be at most 256 characters, got 300$/],
      [{ ip: '10.0.0.1' }, 'BAD_USER_INPUT', /userId/],
    ];
    for (const [input, code, message] of cases) {
      const response = await gql(server, DECIDE, { input }, idp.secret);
      expect(response.errors?.[0]?.extensions?.code, JSON.stringify(input)).toBe(code);
      expect(response.errors?.[0]?.message, JSON.stringify(input)).toMatch(message);
    }
    const literal = await gql(server, `{ riskDecision(input: {userId: "rd-low", ip: "1.2.3"}) { decision } }`, {}, idp.secret);
    expect(literal.errors?.[0]?.message).toMatch(/"1\.2\.3" is not an IPv4 or IPv6 address/);
  });

  it('records every decision in the audit trail, under the caller, off the request path', async () => {
    await decide({ userId: 'rd-crit', ip: '10.9.9.9', deviceId: 'WS-9', application: 'payroll' });
    const entries = async () =>
      (await gqlData(server, `query ($actor: String) { auditTrail(actor: $actor, first: 100) { edges { node { action target outcome details } } } }`, { actor: idp.id })).auditTrail.edges.map(
        (e: { node: unknown }) => e.node,
      );
    const isThisOne = (e: { target: string; details: { deviceId?: string } }) => e.target === 'rd-crit' && e.details.deviceId === 'WS-9';
    await until(async () => (await entries()).some(isThisOne), 30_000, 'the audit entry');
    const all = await entries();
    expect(all.every((e: { action: string }) => e.action === 'Query.riskDecision')).toBe(true);
    expect(all.find(isThisOne)).toMatchObject({
      outcome: 'OK',
      details: { decision: 'DENY', riskScore: 100, ip: '10.9.9.9', deviceId: 'WS-9', application: 'payroll', knownUser: true },
    });
  });
});
