import { describe, expect, it } from 'vitest';
import type { ApiRepositories } from '../../../src/api/context.ts';
import { createLoaders } from '../../../src/api/loaders.ts';

function fakeRepos(calls: string[]): ApiRepositories {
  return {
    entities: {
      usersByIds: async (ids: readonly string[]) => {
        calls.push(`users ${ids.join(',')}`);
        return ids.filter((id) => id !== 'ghost').map((id) => ({ id }));
      },
    },
    sessions: {
      ofUsers: async (users: readonly string[], after: unknown, limit: number) => {
        calls.push(`sessions ${users.join(',')} ${JSON.stringify(after)} ${limit}`);
        return new Map(users.map((u) => [u, [{ id: `${u}-s`, user: u, start: 1 }]]));
      },
    },
    findings: {
      ofSessions: async (sessions: readonly string[], learning: boolean | null, after: unknown, limit: number) => {
        calls.push(`findings ${sessions.join(',')} ${learning} ${JSON.stringify(after)} ${limit}`);
        return new Map(sessions.map((s) => [s, [{ id: `${s}-f`, learning }]]));
      },
    },
  } as unknown as ApiRepositories;
}

describe('per-request loaders', () => {
  it('batch lookups by id into one call, keep order and answer null for the missing', async () => {
    const calls: string[] = [];
    const loaders = createLoaders(fakeRepos(calls), { cache: true, clock: () => 0 });
    const users = await Promise.all(['b', 'ghost', 'a', 'b'].map((id) => loaders.user.load(id)));
    expect(users).toEqual([{ id: 'b' }, null, { id: 'a' }, { id: 'b' }]);
    expect(calls).toEqual(['users b,ghost,a']);
  });

  it('batch paged lists of many parents into one call per distinct page', async () => {
    const calls: string[] = [];
    const loaders = createLoaders(fakeRepos(calls), { cache: true, clock: () => 0 });
    const pages = await Promise.all([
      loaders.sessionsOfUser.load({ parent: 'a', after: null, limit: 6 }),
      loaders.sessionsOfUser.load({ parent: 'b', after: null, limit: 6 }),
      loaders.sessionsOfUser.load({ parent: 'c', after: { start: 5, id: 'x' }, limit: 6 }),
    ]);
    expect(pages.map((p) => p[0]!.id)).toEqual(['a-s', 'b-s', 'c-s']);
    expect(calls.sort()).toEqual(['sessions a,b null 6', 'sessions c {"start":5,"id":"x"} 6']);
  });

  it('keep pages that differ only by their filter apart, batching each filter once', async () => {
    const calls: string[] = [];
    const loaders = createLoaders(fakeRepos(calls), { cache: true, clock: () => 0 });
    const pages = await Promise.all([
      loaders.sessionFindings.load({ parent: 's1', after: null, limit: 11, filter: null }),
      loaders.sessionFindings.load({ parent: 's2', after: null, limit: 11, filter: null }),
      loaders.sessionFindings.load({ parent: 's1', after: null, limit: 11, filter: true }),
    ]);
    expect(pages.map((p) => p[0])).toEqual([
      { id: 's1-f', learning: null },
      { id: 's2-f', learning: null },
      { id: 's1-f', learning: true },
    ]);
    expect(calls.sort()).toEqual(['findings s1 true null 11', 'findings s1,s2 null null 11']);
  });

  it('read the indicator catalogue once per batch of lookups, null for unknown ids', async () => {
    let reads = 0;
    const indicators = {
      list: () => {
        reads++;
        return [{ id: 'a', family: 'f', title: 'A', description: '', anchorScore: 1, enabled: true, dataSources: [] }];
      },
    };
    const loaders = createLoaders(fakeRepos([]), { cache: true, clock: () => 0, indicators });
    const found = await Promise.all(['a', 'b', 'a'].map((id) => loaders.indicator.load(id)));
    expect(found.map((i) => i?.title ?? null)).toEqual(['A', null, 'A']);
    expect(reads).toBe(1);
  });
});
