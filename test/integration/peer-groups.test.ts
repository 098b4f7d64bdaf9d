import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDataset } from '../../seeds/generate.ts';
import { adjustedRandIndex, computePeerGroups, AccessProfileSet } from '../../src/analytics/peer-groups/peer-groups.ts';
import { parseStream } from '../../src/events/importer.ts';
import { finishPeerGroupBuild, PeerGroupJobs, recomputePeerGroups } from '../../src/jobs/peer-groups.job.ts';
import type { Runtime } from '../../src/main.ts';
import { Neo4jPeerGroupRepository, profilePages } from '../../src/store/peer-group.repository.ts';
import { graphQuery, testRuntime } from '../support/runtime.ts';

/**
 * Peer groups on the real Neo4j and Redis: a small generated organisation is ingested through
 * the pipeline, the groups are recomputed from the graph, written, replaced by a second
 * recomputation, and recomputed through the BullMQ job.
 */
const T1 = Date.UTC(2024, 2, 20, 2, 0);
const T2 = T1 + 86_400_000;

// Each test reads, builds and writes the whole organisation's groups at least once: 11-12 s a
// build at load 12 on two cores, and the BullMQ case runs two (34 s), against a 60 s default.
describe('peer groups on real Neo4j and Redis', { timeout: 240_000 }, () => {
  let runtime: Runtime;
  let repository: Neo4jPeerGroupRepository;
  let departments: Map<string, string>;

  beforeAll(async () => {
    // The builds here are the test's own, at explicit times (T1, T2): no rebuild of the
    // pipeline's while the data goes in (test/e2e/peer-group-backfill.test.ts covers those).
    runtime = await testRuntime({ workers: true }, { RISKGRAPH_PEER_GROUPS_DATA_DAYS: '0', RISKGRAPH_PEER_GROUPS_USER_GROWTH_PERCENT: '0' });
    const chunks: Buffer[] = [];
    const dataset = await generateDataset({ users: 40, days: 5, seed: 9, serviceAccounts: 1 }, { write: (c) => void chunks.push(c) });
    departments = new Map(dataset.organisation.users.filter((u) => u.kind === 'human').map((u) => [u.id, u.department]));
    const summary = await runtime.ingest.ingest(parseStream([Buffer.concat(chunks)], { format: 'ecs', source: 'org.ndjson' }), {
      source: 'org.ndjson',
      wait: true,
    });
    expect(summary.deadLetters).toBe(0);
    // Small batches, so that every write and delete path runs in several transactions.
    repository = new Neo4jPeerGroupRepository(runtime.executor, { groupBatch: 7, rowBatch: 40, deleteBatch: 25 });
  });
  afterAll(async () => {
    await runtime?.close();
  });

  it('reads every user with HR attributes and access edges, page by page in id order', async () => {
    const pages = [];
    for await (const page of profilePages(repository, 7)) pages.push(page);
    const users = pages.flat();
    expect(pages.length).toBeGreaterThan(5);
    expect(users.map((u) => u.user)).toEqual([...users.map((u) => u.user)].sort());
    // 40 people and one service account.
    expect(users).toHaveLength(41);
    const someone = users.find((u) => departments.has(u.user) && u.manager !== null)!;
    expect(someone.department).toBe(departments.get(someone.user));
    const [edges] = await graphQuery<{ n: number; total: number }>(
      runtime,
      'MATCH (:User {id: $id})-[r:ACCESSED]->() RETURN count(r) AS n, sum(r.count) AS total',
      { id: someone.user },
    );
    expect(someone.access).toHaveLength(edges!.n);
    expect(someone.access.reduce((s, e) => s + e.count, 0)).toBe(edges!.total);
  });

  it('writes PeerGroup nodes and MEMBER_OF edges that match the build', async () => {
    const result = await recomputePeerGroups({ repository, log: runtime.log }, T1);
    expect(result.activated).toBe(true);
    expect(result.k).toBeGreaterThanOrEqual(2);

    // The build, recomputed in memory from the same graph, is what was written.
    const set = new AccessProfileSet();
    for await (const page of profilePages(repository)) for (const p of page) set.add(p);
    const build = computePeerGroups(set, T1);
    const groups = await graphQuery<{ key: string; kind: string; size: number; active: boolean; builtAt: number; buildId: string; members: number }>(
      runtime,
      `MATCH (g:PeerGroup) OPTIONAL MATCH (g)<-[m:MEMBER_OF {rank: 1}]-(:User)
       RETURN g.key AS key, g.kind AS kind, g.size AS size, g.active AS active, g.builtAt AS builtAt, g.buildId AS buildId,
              count(m) AS members ORDER BY key`,
    );
    expect(groups.map((g) => g.key)).toEqual(build.groups.map((g) => g.key).sort());
    for (const g of groups) {
      expect(g).toMatchObject({ active: true, builtAt: T1, buildId: result.buildId });
      expect(g.members).toBe(g.size);
    }
    const [{ n: memberships }] = (await graphQuery<{ n: number }>(runtime, 'MATCH ()-[m:MEMBER_OF]->() RETURN count(m) AS n')) as [{ n: number }];
    expect(memberships).toBe(build.groups.reduce((s, g) => s + g.members.length, 0));
    expect(result.memberships).toBe(memberships);

    // Every person has one department group, and one own behaviour group when they accessed
    // any application or asset (someone away all five days has no access vector); degrees in [0, 1].
    const perUser = await graphQuery<{ user: string; kind: string; rank: number; n: number; degree: number }>(
      runtime,
      `MATCH (u:User)-[m:MEMBER_OF]->(g:PeerGroup)
       RETURN u.id AS user, g.kind AS kind, m.rank AS rank, count(*) AS n, max(m.degree) AS degree`,
    );
    const active = new Set(
      set.users().filter((u) => Array.from(u.entities).some((e) => set.entities[e]!.type !== 'Device')).map((u) => u.user),
    );
    expect(active.size).toBeGreaterThanOrEqual(35);
    for (const user of departments.keys()) {
      expect(perUser.find((r) => r.user === user && r.kind === 'behaviour' && r.rank === 1)?.n).toBe(active.has(user) ? 1 : undefined);
      expect(perUser.find((r) => r.user === user && r.kind === 'department')?.n).toBe(1);
    }
    for (const r of perUser) expect(r.degree).toBeGreaterThan(0);
    for (const r of perUser) expect(r.degree).toBeLessThanOrEqual(1);

    // The behaviour groups recover the departments.
    const own = await graphQuery<{ user: string; group: string }>(
      runtime,
      "MATCH (u:User)-[:MEMBER_OF {rank: 1}]->(g:PeerGroup {kind: 'behaviour'}) RETURN u.id AS user, g.key AS group",
    );
    const groupOf = new Map(own.map((r) => [r.user, r.group]));
    const people = [...departments.keys()];
    // People without a behaviour group are left out of the comparison (null).
    const ari = adjustedRandIndex(people.map((u) => groupOf.get(u) ?? null), people.map((u) => departments.get(u)!));
    console.info(`integration organisation: ${people.length} people, k = ${result.k}, ARI ${ari.toFixed(3)}`);
    expect(ari).toBeGreaterThanOrEqual(0.8);
  });

  it("reads a user's groups, a group's summary and the active build", async () => {
    const user = [...departments.keys()][5]!;
    const mine = await repository.groupsOfUser(user);
    const kinds = mine.map((m) => `${m.group.kind}:${m.rank}`);
    expect(kinds).toContain('behaviour:1');
    expect(kinds).toContain('department:1');
    const department = mine.find((m) => m.group.kind === 'department')!;
    expect(department).toMatchObject({ degree: 1, rank: 1, group: { key: `department:${departments.get(user)}`, algorithm: 'hr-department' } });
    const behaviour = mine.filter((m) => m.group.kind === 'behaviour');
    if (behaviour.length === 2) expect(behaviour[0]!.degree).toBeGreaterThanOrEqual(behaviour[1]!.degree);

    const summary = (await repository.groupSummary(department.group.id))!;
    expect(summary.members).toHaveLength(department.group.size);
    expect(summary.group.numeric.map((n) => n.feature)).toEqual(['bytesIn', 'bytesOut', 'distinctEntities']);
    // Entity counts agree with the graph: members of the department who accessed each entity.
    const counted = await graphQuery<{ id: string; n: number }>(
      runtime,
      `MATCH (u:User {department: $department})-[r:ACCESSED]->(e) WHERE r.count > 0
       RETURN e.id AS id, count(DISTINCT u) AS n ORDER BY n DESC, id`,
      { department: departments.get(user) },
    );
    expect(new Map(summary.entities.map((e) => [e.id, e.members]))).toEqual(new Map(counted.map((c) => [c.id, c.n])));
    expect(await repository.groupSummary('no-such-group')).toBeNull();

    const build = (await repository.activeBuild())!;
    expect(build).toMatchObject({ status: 'active', builtAt: T1, algorithm: 'kmeans-tfidf-cosine' });
    expect(build.candidates.map((c) => c.k)[0]).toBe(2);
    expect((await repository.listGroups('department')).every((g) => g.kind === 'department' && g.active)).toBe(true);
  });

  it('replaces the previous grouping on a second recomputation instead of adding to it', async () => {
    const [before] = await graphQuery<{ groups: number; members: number; accessed: number }>(
      runtime,
      `MATCH (g:PeerGroup) WITH count(g) AS groups
       MATCH ()-[m:MEMBER_OF]->() WITH groups, count(m) AS members
       MATCH ()-[a:GROUP_ACCESSED]->() RETURN groups, members, count(a) AS accessed`,
    );
    const first = (await repository.activeBuild())!;
    // A build whose process died while writing, made before the next one: swept with the old build.
    await runtime.executor.query(
      'WRITE',
      "CREATE (:PeerGroupBuild {id: 'pg-crashed', builtAt: $at, status: 'writing'}) CREATE (:PeerGroup {id: 'pg-crashed:behaviour:1', active: false})",
      { at: T1 + 1 },
    );

    const second = await recomputePeerGroups({ repository, log: runtime.log }, T2);
    expect(second.activated).toBe(true);
    // The replaced builds are deleted by the build's follow-up, not by the build.
    expect((await repository.activeBuild())!.id).toBe(second.buildId);
    const finished = (await finishPeerGroupBuild({ repository, log: runtime.log, stampPageSize: 7 }, second.buildId))!;
    expect(finished.superseded).toBe(false);
    expect(finished.deletedBuilds.sort()).toEqual([first.id, 'pg-crashed'].sort());
    const [after] = await graphQuery<{ groups: number; members: number; accessed: number }>(
      runtime,
      `MATCH (g:PeerGroup) WITH count(g) AS groups
       MATCH ()-[m:MEMBER_OF]->() WITH groups, count(m) AS members
       MATCH ()-[a:GROUP_ACCESSED]->() RETURN groups, members, count(a) AS accessed`,
    );
    // The same graph gives the same grouping: same numbers of everything, all from the new build.
    expect(after).toEqual(before);
    const builds = await graphQuery<{ id: string; status: string }>(runtime, 'MATCH (b:PeerGroupBuild) RETURN b.id AS id, b.status AS status');
    expect(builds).toEqual([{ id: second.buildId, status: 'active' }]);
    const stale = await graphQuery<{ n: number }>(
      runtime,
      'MATCH (g:PeerGroup) WHERE g.buildId <> $id OR g.active <> true OR g.builtAt <> $at RETURN count(g) AS n',
      { id: second.buildId, at: T2 },
    );
    expect(stale[0]!.n).toBe(0);
  });

  it('discards a build that finishes after a newer one was activated', async () => {
    const active = (await repository.activeBuild())!;
    const set = new AccessProfileSet();
    for await (const page of profilePages(repository)) for (const p of page) set.add(p);
    const older = computePeerGroups(set, T1 - 3_600_000);
    const outcome = await repository.replaceGroups('pg-older', older, T2);
    expect(outcome.activated).toBe(false);
    expect((await repository.activeBuild())!.id).toBe(active.id);
    const [left] = await graphQuery<{ n: number }>(
      runtime,
      "MATCH (g:PeerGroup) WHERE g.id STARTS WITH 'pg-older:' RETURN count(g) AS n",
    );
    expect(left!.n).toBe(0);
  });

  it('recomputes through the BullMQ job; concurrent on-demand requests share one run', async () => {
    let calls = 0;
    const clock = () => {
      calls += 1;
      return T2 + 3_600_000;
    };
    // A prefix of its own: the runtime's own peer-group worker would otherwise take the job
    // (any worker may; the count below is of this instance's runs).
    const jobs = new PeerGroupJobs({
      connection: { url: runtime.redisUrl, prefix: `${runtime.config.queue.prefix}-own` },
      deps: { repository, log: runtime.log },
      clock,
    });
    try {
      await jobs.init();
      jobs.start();
      const [a, b] = await Promise.all([jobs.runNow({ wait: true, timeoutMs: 60_000 }), jobs.runNow({ wait: true, timeoutMs: 60_000 })]);
      expect(a.buildId).toBe(b.buildId);
      expect(a.activated).toBe(true);
      expect(calls).toBe(1);
      // A later request runs again (the finished job is re-armed, not returned as is).
      const c = await jobs.runNow({ wait: true, timeoutMs: 60_000 });
      expect(c.buildId).not.toBe(a.buildId);
      expect(calls).toBe(2);
      expect((await repository.activeBuild())!.id).toBe(c.buildId);

      // Each build the job activates is followed by its own job, which stamps the peer shares.
      const stamped = await jobs.waitForFinish(c.buildId, 60_000);
      expect(stamped).toMatchObject({ buildId: c.buildId, superseded: false });
      expect(stamped.peerShareEdges).toBe(await memberEdges());
      expect(await edgesStampedBy(c.buildId)).toBe(stamped.peerShareEdges);
      await jobs.schedule(3_600_000);
      await jobs.schedule(7_200_000);
      await jobs.unschedule();
    } finally {
      await jobs.close();
    }
  });
  it("stamps peer shares in the build's follow-up job, resumably; a superseded build's follow-up does nothing", async () => {
    // The active build (the last one the job above made, perhaps by its schedule) fully stamped.
    const superseded = (await repository.activeBuild())!.id;
    await finishPeerGroupBuild({ repository, log: runtime.log }, superseded);
    const stampedBefore = await edgesStampedBy(superseded);
    expect(stampedBefore).toBe(await memberEdges());
    // A newer build swapped in beside the job (as another process's would be): the older build
    // is superseded before its follow-up runs.
    const set = new AccessProfileSet();
    for await (const page of profilePages(repository)) for (const p of page) set.add(p);
    const newer = await repository.replaceGroups('pg-newer', computePeerGroups(set, T2 + 7_200_000), T2 + 7_200_000);
    expect(newer.activated).toBe(true);
    // Half done: a first page of users stamped, as by a follow-up that crashed after it.
    const firstPage = (await repository.stampPeerShares('pg-newer', '', 5, T2))!;
    expect(firstPage.users).toBe(5);
    expect(firstPage.edges).toBeGreaterThan(0);

    const jobs = new PeerGroupJobs({
      connection: { url: runtime.redisUrl, prefix: `${runtime.config.queue.prefix}-stamp` },
      deps: { repository, log: runtime.log, stampPageSize: 7 },
    });
    try {
      await jobs.init();
      jobs.start();
      await jobs.requestFinish(superseded);
      expect(await jobs.waitForFinish(superseded, 60_000)).toMatchObject({ superseded: true, users: 0, peerShareEdges: 0, deletedBuilds: [] });
      // Nothing written: the superseded build's stamps stay where they were, its build is kept for the newer follow-up to delete.
      expect(await edgesStampedBy(superseded)).toBe(stampedBefore - firstPage.edges);
      expect((await graphQuery<{ n: number }>(runtime, 'MATCH (b:PeerGroupBuild {id: $id}) RETURN count(b) AS n', { id: superseded }))[0]!.n).toBe(1);

      await jobs.requestFinish('pg-newer');
      const finished = await jobs.waitForFinish('pg-newer', 60_000);
      // The follow-up finishes what the first page left: every member's edges, each once.
      expect(finished).toMatchObject({ superseded: false, users: 41, deletedBuilds: [superseded] });
      expect(finished.peerShareEdges).toBe((await memberEdges()) - firstPage.edges);
      expect(await edgesStampedBy('pg-newer')).toBe(await memberEdges());
      expect(await edgesStampedBy(superseded)).toBe(0);
      // Each stamp is the share of the user's own group that made the same access.
      const wrong = await graphQuery<{ n: number }>(
        runtime,
        `MATCH (u:User)-[m:MEMBER_OF]->(g:PeerGroup {active: true})
         WHERE m.rank = 1
         WITH u, g, m ORDER BY CASE WHEN g.kind = 'behaviour' THEN 0 ELSE 1 END, m.degree DESC, g.id
         WITH u, head(collect(g)) AS g
         MATCH (u)-[r:ACCESSED]->(e)
         OPTIONAL MATCH (g)-[ga:GROUP_ACCESSED]->(e)
         WITH r, toFloat(coalesce(ga.members, 0)) / g.size AS share
         WHERE r.peerBuild <> 'pg-newer' OR abs(r.peerShare - share) > 1e-9
         RETURN count(r) AS n`,
      );
      expect(wrong[0]!.n).toBe(0);
      // The job again (a retry): nothing left to write.
      await expect(finishPeerGroupBuild({ repository, log: runtime.log, stampPageSize: 7 }, 'pg-newer')).resolves.toMatchObject({ superseded: false, peerShareEdges: 0 });
    } finally {
      await jobs.close();
    }
  });

  /** ACCESSED edges of users with an own (rank-1) active group: the ones a stamping writes. */
  async function memberEdges(): Promise<number> {
    const [row] = await graphQuery<{ n: number }>(
      runtime,
      `MATCH (u:User) WHERE EXISTS { (u)-[m:MEMBER_OF]->(g:PeerGroup {active: true}) WHERE m.rank = 1 }
       MATCH (u)-[r:ACCESSED]->() RETURN count(r) AS n`,
    );
    return row!.n;
  }

  async function edgesStampedBy(buildId: string): Promise<number> {
    const [row] = await graphQuery<{ n: number }>(runtime, 'MATCH ()-[r:ACCESSED {peerBuild: $buildId}]->() RETURN count(r) AS n', { buildId });
    return row!.n;
  }
});
