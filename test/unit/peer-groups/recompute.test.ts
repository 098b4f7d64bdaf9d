import { describe, expect, it } from 'vitest';
import type { PeerGroupBuild, UserAccessProfile } from '../../../src/analytics/peer-groups/peer-groups.ts';
import { finishPeerGroupBuild, recomputePeerGroups } from '../../../src/jobs/peer-groups.job.ts';
import { createLogger } from '../../../src/logger.ts';
import type { PeerGroupRepository, PeerSharePage, ReplaceOutcome } from '../../../src/store/peer-group.repository.ts';
import { obviousGroups } from './fixtures.ts';

/** A repository over an array: pages in id order, records what was written. */
class ArrayRepository implements Pick<PeerGroupRepository, 'readProfiles' | 'replaceGroups'> {
  readonly profiles: UserAccessProfile[];
  readonly pagesRead: Array<[string, number]> = [];
  written: { buildId: string; build: PeerGroupBuild; now: number } | null = null;

  constructor(profiles: UserAccessProfile[]) {
    this.profiles = [...profiles].sort((a, b) => (a.user < b.user ? -1 : 1));
  }

  async readProfiles(after: string, limit: number): Promise<UserAccessProfile[]> {
    this.pagesRead.push([after, limit]);
    return this.profiles.filter((p) => p.user > after).slice(0, limit);
  }

  async replaceGroups(buildId: string, build: PeerGroupBuild, now: number): Promise<ReplaceOutcome> {
    this.written = { buildId, build, now };
    const memberships = build.groups.reduce((s, g) => s + g.members.length, 0);
    return { buildId, activated: true, groups: build.groups.length, memberships, entityRows: 0, rerunStatements: 0, phasesMs: { groups: 0, members: 0, entities: 0, activate: 0 } };
  }
}

describe('recomputePeerGroups', () => {
  it('reads every page, builds at the given time and writes one build', async () => {
    const repository = new ArrayRepository(obviousGroups(2, 9));
    const now = Date.UTC(2026, 0, 5);
    const result = await recomputePeerGroups(
      { repository: repository as unknown as PeerGroupRepository, log: createLogger('silent'), pageSize: 4, newBuildId: () => 'pg-test' },
      now,
    );
    // 18 users in pages of 4: 4 full pages, then 2, then done.
    expect(repository.pagesRead.map(([after]) => after)).toEqual(['', 'g0-u03', 'g0-u07', 'g1-u02', 'g1-u06']);
    expect(repository.written).toMatchObject({ buildId: 'pg-test', now, build: { builtAt: now } });
    expect(result).toMatchObject({
      buildId: 'pg-test',
      activated: true,
      builtAt: now,
      users: 18,
      clustered: 18,
      k: 2,
      groups: { behaviour: 2, department: 2, title: 0, manager: 0 },
    });
    expect(result.memberships).toBe(18 * 2 + 18);
  });
});

/** Stamping over a list of users with `edges` edges each, active until `activeFor` pages were asked for. */
class StampRepository implements Pick<PeerGroupRepository, 'stampPeerShares' | 'sweepStaleBuilds'> {
  readonly pages: string[] = [];
  swept = 0;
  readonly users: string[];
  readonly edges: number;
  readonly activeFor: number;
  constructor(users: string[], edges: number, activeFor = Infinity) {
    this.users = users;
    this.edges = edges;
    this.activeFor = activeFor;
  }

  async stampPeerShares(_buildId: string, after: string, limit: number): Promise<PeerSharePage | null> {
    if (this.pages.length >= this.activeFor) return null;
    this.pages.push(after);
    const page = this.users.filter((u) => u > after).slice(0, limit);
    return { users: page.length, last: page.at(-1) ?? null, edges: page.length * this.edges };
  }

  async sweepStaleBuilds(): Promise<string[]> {
    this.swept += 1;
    return ['pg-old'];
  }
}

describe('finishPeerGroupBuild', () => {
  const users = Array.from({ length: 10 }, (_, i) => `u${String(i).padStart(2, '0')}`);
  const run = (repository: StampRepository, stop?: () => boolean) =>
    finishPeerGroupBuild({ repository: repository as unknown as PeerGroupRepository, log: createLogger('silent'), stampPageSize: 4 }, 'pg-b', stop);

  it('stamps page by page, each starting after the last user of the one before, then sweeps', async () => {
    const repository = new StampRepository(users, 3);
    expect(await run(repository)).toMatchObject({ buildId: 'pg-b', superseded: false, users: 10, peerShareEdges: 30, deletedBuilds: ['pg-old'] });
    expect(repository.pages).toEqual(['', 'u03', 'u07']);
    expect(repository.swept).toBe(1);
  });

  it('stops stamping and sweeps nothing once the build is superseded', async () => {
    const repository = new StampRepository(users, 3, 2);
    expect(await run(repository)).toMatchObject({ superseded: true, users: 8, peerShareEdges: 24, deletedBuilds: [] });
    expect(repository.swept).toBe(0);
  });

  it('returns null between pages when asked to stop, without sweeping', async () => {
    const repository = new StampRepository(users, 3);
    let asked = 0;
    expect(await run(repository, () => ++asked > 2)).toBeNull();
    expect(repository.pages).toEqual(['', 'u03']);
    expect(repository.swept).toBe(0);
  });
});
