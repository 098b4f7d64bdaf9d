import { describe, expect, it } from 'vitest';
import type { PeerGroupBuild, UserAccessProfile } from '../../../src/analytics/peer-groups/peer-groups.ts';
import { recomputePeerGroups } from '../../../src/jobs/peer-groups.job.ts';
import { createLogger } from '../../../src/logger.ts';
import type { PeerGroupRepository, ReplaceOutcome } from '../../../src/store/peer-group.repository.ts';
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
    return { buildId, activated: true, groups: build.groups.length, memberships, entityRows: 0, deletedBuilds: ['pg-old'], peerShareEdges: 0, rerunStatements: 0 };
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
      deletedBuilds: ['pg-old'],
    });
    expect(result.memberships).toBe(18 * 2 + 18);
  });
});
