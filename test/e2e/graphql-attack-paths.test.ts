import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PeerGroup, type PeerGroupBuild, PeerGroupAlgorithm } from '../../src/analytics/peer-groups/peer-groups.ts';
import { finishPeerGroupBuild } from '../../src/jobs/peer-groups.job.ts';
import { createLogger } from '../../src/logger.ts';
import type { Server } from '../../src/main.ts';
import { Neo4jAttackPathRepository } from '../../src/store/attack-path.repository.ts';
import { Neo4jPeerGroupRepository } from '../../src/store/peer-group.repository.ts';
import { startTestServer, testConfig } from '../support/runtime.ts';
import { gql, gqlData } from './graphql-support.ts';

/**
 * Behaviour-weighted attack paths against the real Neo4j, on a graph small enough that every
 * path is known (worked out by hand below) and each hop's cost follows from its statistics:
 *
 *   ACCESSED cost = 1/(1 + count) + (1 − peerShare) + days since last seen / 90
 *   REPORTS_TO 1;  MEMBER_OF 0.5 + (1 − degree)
 *
 * Peer groups (build pg-ap, written by the product's peer-group repository; its follow-up stamps
 * the peer shares on the edges): G1 = {mallory, bob} (degree 0.9), G2 = {dave}, G3 = {carol, erin}.
 *
 *   mallory→SHARE-1  count 99, 9 d,  peer 2/2   0.01 + 0   + 0.1 = 0.11
 *   bob→SHARE-1      count 49, 18 d, peer 2/2   0.02 + 0   + 0.2 = 0.22
 *   bob→FIN-DB-02    count 19, 0 d,  peer 1/2   0.05 + 0.5 + 0   = 0.55
 *   mallory→FIN-DB-02 count 1, 90 d, peer 1/2   0.5  + 0.5 + 1   = 2.0   (the direct decoy)
 *   mallory→JUMP-1   count 3, 45 d,  peer 1/2   0.25 + 0.5 + 0.5 = 1.25
 *   carol→JUMP-1     count 4, 0 d,   peer 1/2   0.2  + 0.5 + 0   = 0.7
 *   carol→erin       REPORTS_TO                                   1.0
 *   erin→FIN-DB-02   count 9, 9 d,   peer 1/2   0.1  + 0.5 + 0.1 = 0.7
 *   dave→SHARE-1     count 9, 27 d,  peer 1/1   0.1  + 0   + 0.3 = 0.4
 *   dave→HR-DB       count 4, 9 d,   peer 1/1   0.2  + 0   + 0.1 = 0.3
 *   mallory→NOT-CRIT count 999, 0 d, peer 1/2   0.001 + 0.5 + 0  = 0.501 (an asset without criticality)
 *   mallory→WS-M     count 499, 0 d, peer 0/2   0.002 + 1  + 0   = 1.002
 *   MEMBER_OF (G1)   0.5 + 0.1 = 0.6 each way
 *
 * Paths from mallory to FIN-DB-02: via SHARE-1 and bob 0.88 (3 hops); via G1 and bob 1.75
 * (3 hops); direct 2.0 (1 hop); via JUMP-1, carol and erin 3.65 (4 hops). To HR-DB: via SHARE-1
 * and dave 0.81. Risk scores: mallory 10, bob 80, carol 30, dave 20, erin 95.
 */
const DAY = 86_400_000;
const FIN = 'Asset:FIN-DB-02';

describe('attackPaths', () => {
  let server: Server;
  let now: number;
  let build: PeerGroupBuild;
  let peerGroups: Neo4jPeerGroupRepository;

  beforeAll(async () => {
    const config = testConfig();
    server = await startTestServer(config, createLogger(config.logLevel));
    now = Date.now();
    // Test data: the graph as ingestion and the HR mutations would have left it.
    await server.runtime.executor.query(
      'WRITE',
      `UNWIND $users AS u CREATE (:User {id: u.id, name: u.id, riskScore: toFloat(u.risk), eventCount: 100})
       WITH count(*) AS done
       UNWIND $assets AS a CREATE (x:Asset {id: a.id, kind: 'host'}) SET x.criticality = a.criticality
       WITH count(*) AS done
       CREATE (:Device {id: 'WS-M'})
       WITH count(*) AS done
       UNWIND $edges AS e
       MATCH (u:User {id: e.user})
       CALL (e) { MATCH (x:Asset {id: e.to}) RETURN x UNION MATCH (x:Device {id: e.to}) RETURN x }
       CREATE (u)-[:ACCESSED {count: e.count, failures: 0, firstSeen: $now - 365 * $day, lastSeen: $now - e.days * $day}]->(x)
       WITH count(*) AS done
       MATCH (c:User {id: 'carol'}), (m:User {id: 'erin'}) CREATE (c)-[:REPORTS_TO]->(m)`,
      {
        now,
        day: DAY,
        users: [
          { id: 'mallory', risk: 10 },
          { id: 'bob', risk: 80 },
          { id: 'carol', risk: 30 },
          { id: 'dave', risk: 20 },
          { id: 'erin', risk: 95 },
        ],
        assets: [
          { id: 'FIN-DB-02', criticality: 5 },
          { id: 'HR-DB', criticality: 2 },
          { id: 'SHARE-1', criticality: null },
          { id: 'JUMP-1', criticality: null },
          { id: 'NOT-CRIT', criticality: null },
        ],
        edges: [
          { user: 'mallory', to: 'SHARE-1', count: 99, days: 9 },
          { user: 'bob', to: 'SHARE-1', count: 49, days: 18 },
          { user: 'bob', to: 'FIN-DB-02', count: 19, days: 0 },
          { user: 'mallory', to: 'FIN-DB-02', count: 1, days: 90 },
          { user: 'mallory', to: 'JUMP-1', count: 3, days: 45 },
          { user: 'carol', to: 'JUMP-1', count: 4, days: 0 },
          { user: 'erin', to: 'FIN-DB-02', count: 9, days: 9 },
          { user: 'dave', to: 'SHARE-1', count: 9, days: 27 },
          { user: 'dave', to: 'HR-DB', count: 4, days: 9 },
          { user: 'mallory', to: 'NOT-CRIT', count: 999, days: 0 },
          { user: 'mallory', to: 'WS-M', count: 499, days: 0 },
        ],
      },
    );
    const group = (key: string, members: string[], degree: number, entities: Array<[string, number]>): PeerGroup => ({
      key,
      kind: 'behaviour',
      label: key,
      algorithm: PeerGroupAlgorithm.BEHAVIOUR,
      k: 3,
      silhouette: null,
      features: ['Asset'],
      builtAt: now,
      size: members.length,
      members: members.map((user) => ({ user, degree, rank: 1 })),
      entities: entities.map(([id, count]) => ({ type: 'Asset', id, members: count })),
      numeric: [],
      dominantDepartment: null,
      dominantDepartmentShare: null,
    });
    build = {
      builtAt: now,
      groups: [
        group('behaviour:1', ['mallory', 'bob'], 0.9, [['SHARE-1', 2], ['FIN-DB-02', 1], ['JUMP-1', 1], ['NOT-CRIT', 1]]),
        group('behaviour:2', ['dave'], 1, [['SHARE-1', 1], ['HR-DB', 1]]),
        group('behaviour:3', ['carol', 'erin'], 1, [['JUMP-1', 1], ['FIN-DB-02', 1]]),
      ],
      behaviour: {
        algorithm: PeerGroupAlgorithm.BEHAVIOUR,
        k: 3,
        silhouette: null,
        candidates: [],
        users: 5,
        clustered: 5,
        features: ['Asset'],
        kmeansDimensions: 5,
        projected: false,
        sampleSize: 5,
        sampled: false,
        seed: 1,
        reason: null,
      },
    } as unknown as PeerGroupBuild;
    peerGroups = new Neo4jPeerGroupRepository(server.runtime.executor);
    const outcome = await peerGroups.replaceGroups('pg-ap', build, now);
    expect(outcome.activated).toBe(true);
    // The build's follow-up, as the peer-group job queues it: every ACCESSED edge of the five
    // members (WS-M included) gets its peer share.
    const finished = await finishPeerGroupBuild({ repository: peerGroups, log: server.runtime.log }, 'pg-ap');
    expect(finished).toMatchObject({ superseded: false, users: 5, peerShareEdges: 11 });
  });

  afterAll(async () => {
    await server?.close();
  });

  const QUERY = `query ($from: ID!, $to: ID, $critical: Boolean, $maxHops: Int, $first: Int, $rankBy: AttackPathRanking) {
    attackPaths(from: $from, to: $to, toCriticalAssets: $critical, maxHops: $maxHops, first: $first, rankBy: $rankBy) {
      targets estimatedExpansions
      paths { cost risk length nodes { id } hops { relationship from to actor { key } count lastSeen peerShare staleness degree cost } }
    } }`;
  type Hop = { relationship: string; from: string; to: string; actor: { key: string } | null; count: number | null; lastSeen: string | null; peerShare: number | null; staleness: number | null; degree: number | null; cost: number };
  type Path = { cost: number; risk: number | null; length: number; nodes: Array<{ id: string }>; hops: Hop[] };
  const search = async (variables: Record<string, unknown>) =>
    (await gqlData<{ attackPaths: { targets: string[]; estimatedExpansions: number; paths: Path[] } }>(server, QUERY, variables)).attackPaths;
  const ids = (path: Path) => path.nodes.map((n) => n.id);

  it('ranks the path that looks most like normal behaviour first, ahead of shorter and longer decoys', async () => {
    const result = await search({ from: 'User:mallory', to: FIN, first: 10 });
    expect(result.targets).toEqual([FIN]);
    expect(result.paths.map(ids)).toEqual([
      ['User:mallory', 'Asset:SHARE-1', 'User:bob', FIN],
      ['User:mallory', 'PeerGroup:pg-ap:behaviour:1', 'User:bob', FIN],
      ['User:mallory', FIN],
      ['User:mallory', 'Asset:JUMP-1', 'User:carol', 'User:erin', FIN],
    ]);
    const costs = result.paths.map((p) => p.cost);
    [0.88, 1.75, 2.0, 3.65].forEach((expected, i) => expect(costs[i]).toBeCloseTo(expected, 3));
    expect(result.paths.map((p) => p.length)).toEqual([3, 3, 1, 4]);
    expect(result.paths.map((p) => p.risk)).toEqual([80, 80, null, 95]);
    // Each path's cost is the sum of its hops' costs.
    for (const path of result.paths) expect(path.cost).toBeCloseTo(path.hops.reduce((sum, h) => sum + h.cost, 0), 9);
  });

  it('explains every hop with the statistics that priced it', async () => {
    const [best] = (await search({ from: 'mallory', to: 'FIN-DB-02', first: 1 })).paths;
    expect(best!.hops.map(({ cost, staleness, ...rest }) => rest)).toEqual([
      { relationship: 'ACCESSED', from: 'User:mallory', to: 'Asset:SHARE-1', actor: { key: 'mallory' }, count: 99, lastSeen: new Date(now - 9 * DAY).toISOString(), peerShare: 1, degree: null },
      { relationship: 'ACCESSED', from: 'Asset:SHARE-1', to: 'User:bob', actor: { key: 'bob' }, count: 49, lastSeen: new Date(now - 18 * DAY).toISOString(), peerShare: 1, degree: null },
      { relationship: 'ACCESSED', from: 'User:bob', to: FIN, actor: { key: 'bob' }, count: 19, lastSeen: new Date(now).toISOString(), peerShare: 0.5, degree: null },
    ]);
    [0.1, 0.2, 0].forEach((expected, i) => expect(best!.hops[i]!.staleness).toBeCloseTo(expected, 3));
    [0.11, 0.22, 0.55].forEach((expected, i) => expect(best!.hops[i]!.cost).toBeCloseTo(expected, 3));
    const viaGroup = (await search({ from: 'mallory', to: FIN, first: 2 })).paths[1]!;
    expect(viaGroup.hops.map((h) => [h.relationship, h.actor?.key, h.degree])).toEqual([
      ['MEMBER_OF', 'mallory', 0.9],
      ['MEMBER_OF', 'bob', 0.9],
      ['ACCESSED', 'bob', null],
    ]);
    expect(viaGroup.hops[0]!.cost).toBeCloseTo(0.6, 9);
    const viaManager = (await search({ from: 'mallory', to: FIN, first: 4 })).paths[3]!;
    expect(viaManager.hops[2]).toMatchObject({ relationship: 'REPORTS_TO', from: 'User:carol', to: 'User:erin', actor: { key: 'carol' }, count: null, cost: 1 });
  });

  it('respects maxHops', async () => {
    expect((await search({ from: 'mallory', to: FIN, maxHops: 1 })).paths.map(ids)).toEqual([['User:mallory', FIN]]);
    expect((await search({ from: 'mallory', to: FIN, maxHops: 2 })).paths.map(ids)).toEqual([['User:mallory', FIN]]);
    const three = await search({ from: 'mallory', to: FIN, maxHops: 3, first: 10 });
    expect(three.paths.map((p) => p.length)).toEqual([3, 3, 1]);
    const four = await search({ from: 'mallory', to: FIN, maxHops: 4, first: 10 });
    expect(four.paths.map((p) => p.length)).toEqual([3, 3, 1, 4]);
    expect(four.estimatedExpansions).toBeGreaterThan(three.estimatedExpansions);
  });

  it('with toCriticalAssets (or without a target), searches every critical asset and only those', async () => {
    const result = await search({ from: 'mallory', critical: true, first: 10 });
    // No target at all means the same (costs drift by the milliseconds between the two searches).
    const untargeted = await search({ from: 'mallory', first: 10 });
    expect(untargeted.targets).toEqual(result.targets);
    expect(untargeted.paths.map(ids)).toEqual(result.paths.map(ids));
    expect(result.targets).toEqual([FIN, 'Asset:HR-DB']);
    expect(result.paths.map((p) => ids(p).at(-1))).toEqual(['Asset:HR-DB', FIN, FIN, FIN, FIN]);
    expect(ids(result.paths[0]!)).toEqual(['User:mallory', 'Asset:SHARE-1', 'User:dave', 'Asset:HR-DB']);
    expect(result.paths[0]!.cost).toBeCloseTo(0.81, 3);
    // NOT-CRIT is the cheapest thing mallory reaches (0.501), but it is not critical.
    expect(result.paths.some((p) => ids(p).includes('Asset:NOT-CRIT'))).toBe(false);
  });

  it('ranks by the riskiest account on the way with rankBy: RISKIEST', async () => {
    const result = await search({ from: 'mallory', to: FIN, rankBy: 'RISKIEST', first: 10 });
    expect(result.paths.map((p) => [p.risk, p.length])).toEqual([
      [95, 4],
      [80, 3],
      [80, 3],
      [null, 1],
    ]);
    expect(result.paths[1]!.cost).toBeCloseTo(0.88, 3);
  });

  it('starts from a device', async () => {
    const result = await search({ from: 'Device:WS-M', to: FIN, first: 3 });
    expect(ids(result.paths[0]!)).toEqual(['Device:WS-M', 'User:mallory', 'Asset:SHARE-1', 'User:bob', FIN]);
    expect(result.paths.map((p) => p.cost).map((c) => Number(c.toFixed(3)))).toEqual([1.882, 2.752, 3.002]);
    expect(result.paths[0]!.hops[0]).toMatchObject({ relationship: 'ACCESSED', from: 'Device:WS-M', to: 'User:mallory', actor: { key: 'mallory' }, peerShare: 0 });
  });

  it('counts peer shares stamped by a build other than the active one as unknown until its follow-up stamps them', async () => {
    const viaShare = (paths: Path[]) => paths.find((p) => ids(p).join() === ['User:mallory', 'Asset:SHARE-1', 'User:bob', FIN].join())!;
    // A newer build of the same groups, swapped in; its follow-up has not run yet.
    expect((await peerGroups.replaceGroups('pg-ap2', { ...build, builtAt: now + 1 }, now + 1)).activated).toBe(true);
    const before = viaShare((await search({ from: 'mallory', to: FIN, first: 10 })).paths);
    expect(before.hops.map((h) => h.peerShare)).toEqual([null, null, null]);
    // Each hop's peer term is the unknown share's (1 − 0.5) instead of 0, 0 and 0.5: 0.88 + 0.5 + 0.5 + 0.
    expect(before.cost).toBeCloseTo(1.88, 3);
    // The superseded build's follow-up stamps nothing.
    expect(await finishPeerGroupBuild({ repository: peerGroups, log: server.runtime.log }, 'pg-ap')).toMatchObject({ superseded: true, peerShareEdges: 0, deletedBuilds: [] });
    expect(viaShare((await search({ from: 'mallory', to: FIN, first: 10 })).paths).cost).toBeCloseTo(1.88, 3);
    // The active build's follow-up stamps the same shares as before, and deletes pg-ap.
    expect(await finishPeerGroupBuild({ repository: peerGroups, log: server.runtime.log }, 'pg-ap2')).toMatchObject({ superseded: false, peerShareEdges: 11, deletedBuilds: ['pg-ap'] });
    const after = viaShare((await search({ from: 'mallory', to: FIN, first: 10 })).paths);
    expect(after.hops.map((h) => h.peerShare)).toEqual([1, 1, 0.5]);
    expect(after.cost).toBeCloseTo(0.88, 3);
    // Run again (a retry): nothing left to stamp.
    expect(await finishPeerGroupBuild({ repository: peerGroups, log: server.runtime.log }, 'pg-ap2')).toMatchObject({ superseded: false, peerShareEdges: 0 });
  });

  it('refuses bad input with errors that name the argument', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ from: 'mallory', critical: false }, 'to: name the target asset (to), or search the critical assets'],
      [{ from: 'mallory', to: FIN, critical: true }, 'to: give either to or toCriticalAssets, not both'],
      [{ from: 'mallory', to: FIN, maxHops: 7 }, 'maxHops: must be between 1 and 6, got 7'],
      [{ from: 'mallory', to: FIN, first: 21 }, 'first: must be between 1 and 20, got 21'],
      [{ from: 'Asset:SHARE-1', to: FIN }, "from: 'Asset:SHARE-1' is a Asset id; attack paths start at a user or a device"],
      [{ from: 'mallory', to: 'User:bob' }, "to: 'User:bob' is a User id, not an asset id"],
    ];
    for (const [variables, message] of cases) {
      const response = await gql(server, QUERY, variables);
      expect(response.errors?.[0]).toMatchObject({ message, extensions: { code: 'BAD_USER_INPUT' } });
    }
    const unknownUser = await gql(server, QUERY, { from: 'nobody', to: FIN });
    expect(unknownUser.errors?.[0]).toMatchObject({ message: "user 'nobody' does not exist", extensions: { code: 'NOT_FOUND' } });
    const unknownAsset = await gql(server, QUERY, { from: 'mallory', to: 'NO-SUCH-DB' });
    expect(unknownAsset.errors?.[0]).toMatchObject({ message: "asset 'NO-SUCH-DB' does not exist", extensions: { code: 'NOT_FOUND' } });
  });

  it('refuses a search over the expansion limit before running it, naming the limit', async () => {
    const repository = new Neo4jAttackPathRepository(server.runtime.executor, { limits: { maxExpansions: 10 } });
    const query = { from: { type: 'User' as const, id: 'mallory' }, to: 'FIN-DB-02', toCriticalAssets: false, maxHops: 4, first: 5, rankBy: 'LEAST_UNUSUAL' as const, now };
    // mallory has 6 relationships (5 accesses, 1 membership): the 4-hop estimate adds their
    // neighbours' and FIN-DB-02's side, over 10; a 1-hop search reads mallory's 6 only.
    const allowed = await new Neo4jAttackPathRepository(server.runtime.executor).find(query);
    expect(allowed!.estimatedExpansions).toBeGreaterThan(10);
    await expect(repository.find(query)).rejects.toMatchObject({
      code: 'LIMIT_EXCEEDED',
      message: `attack paths: a search of 4 hops from User:mallory would read about ${allowed!.estimatedExpansions} relationships, over the limit of 10 expansions; lower maxHops or name fewer targets`,
    });
    // A one-hop search reads only mallory's own relationships: under the limit.
    const oneHop = await repository.find({ ...query, maxHops: 1 });
    expect(oneHop!.paths.map((p) => p.hops.length)).toEqual([1]);
  });

  it('refuses more critical assets than the target limit, over GraphQL, as QUERY_TOO_COSTLY', async () => {
    await server.runtime.executor.query('WRITE', 'UNWIND range(1, 50) AS i CREATE (:Asset {id: "crit-" + i, kind: "host", criticality: 1.0})');
    const response = await gql(server, QUERY, { from: 'mallory', critical: true });
    expect(response.errors?.[0]).toMatchObject({
      message: "attack paths: more than 50 critical assets to search for (the limit of targets); name one asset with 'to'",
      extensions: { code: 'QUERY_TOO_COSTLY' },
    });
  });

  it('is for analysts and administrators, not dashboards', async () => {
    const { createApiKey } = await gqlData(server, 'mutation { createApiKey(name: "wall", role: DASHBOARD) { secret } }');
    const response = await gql(server, QUERY, { from: 'mallory', to: FIN }, createApiKey.secret);
    expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const analyst = await gqlData(server, 'mutation { createApiKey(name: "soc", role: ANALYST) { secret } }');
    const allowed = await gql(server, QUERY, { from: 'mallory', to: FIN, first: 1 }, analyst.createApiKey.secret);
    expect(allowed.errors).toBeUndefined();
    expect(allowed.data.attackPaths.paths).toHaveLength(1);
  });
});
