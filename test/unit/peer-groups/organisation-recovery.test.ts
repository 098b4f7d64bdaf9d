import { describe, expect, it } from 'vitest';
import { generateDataset } from '../../../seeds/generate.ts';
import { aggregateBatch } from '../../../src/analytics/access-aggregator.ts';
import {
  AccessProfileSet,
  adjustedRandIndex,
  computePeerGroups,
  type PeerGroupBuild,
  purity,
  type UserAccessProfile,
} from '../../../src/analytics/peer-groups/peer-groups.ts';
import { parseEcsLine } from '../../../src/events/ecs.parser.ts';
import type { NormalizedEvent } from '../../../src/events/event.ts';
import { syntheticOrg } from './synthetic-org.ts';

/**
 * The clustering must recover the departments of an organisation whose departments are known.
 * Agreement is reported (adjusted Rand index and purity of the behaviour groups against the
 * departments) and held above a floor.
 */
function agreement(build: PeerGroupBuild, truth: ReadonlyMap<string, string>) {
  const groupOf = new Map<string, string>();
  for (const g of build.groups) if (g.kind === 'behaviour') for (const m of g.members) if (m.rank === 1) groupOf.set(m.user, g.key);
  const users = [...truth.keys()];
  const predicted = users.map((u) => groupOf.get(u) ?? null);
  const actual = users.map((u) => truth.get(u)!);
  return { ari: adjustedRandIndex(predicted, actual), purity: purity(predicted, actual), k: build.behaviour.k, departments: new Set(actual).size };
}

describe('behaviour peer groups recover known departments', () => {
  it('on the seed generator organisation (200 people, 9 uneven departments, 14 days of ECS events)', async () => {
    const chunks: Buffer[] = [];
    const dataset = await generateDataset({ users: 200, days: 14, seed: 42 }, { write: (chunk) => void chunks.push(chunk) });
    // The events take the ingest path's pure steps: the ECS parser and the access aggregator.
    const events: NormalizedEvent[] = [];
    for (const line of Buffer.concat(chunks).toString('latin1').split('\n')) {
      const event = parseEcsLine(line);
      if (typeof event === 'object') events.push(event);
    }
    const { access } = aggregateBatch(events);
    const edges = new Map<string, UserAccessProfile['access'][number][]>();
    for (const a of access) {
      const list = edges.get(a.user) ?? [];
      list.push({ type: a.type, id: a.id, count: a.count, bytesIn: a.bytesIn, bytesOut: a.bytesOut });
      edges.set(a.user, list);
    }
    const org = dataset.organisation;
    const set = AccessProfileSet.of(
      org.users.map((u) => ({
        user: u.id,
        department: u.kind === 'human' ? u.department : null,
        title: u.kind === 'human' ? u.title : null,
        manager: u.manager,
        access: edges.get(u.id) ?? [],
      })),
    );
    const build = computePeerGroups(set, dataset.period.startMs);
    // People only: service accounts have no department.
    const truth = new Map(org.users.filter((u) => u.kind === 'human').map((u) => [u.id, u.department]));
    const result = agreement(build, truth);
    console.info(`seed organisation: ${truth.size} people in ${result.departments} departments → k = ${result.k}, ` +
      `silhouette ${build.behaviour.silhouette?.toFixed(3)}, ARI ${result.ari.toFixed(3)}, purity ${result.purity.toFixed(3)}`);
    expect(result.ari).toBeGreaterThanOrEqual(0.8);
    expect(result.purity).toBeGreaterThanOrEqual(0.85);
  }, 120_000);

  it('on a synthetic organisation big enough to sample and project (1500 users, 10 uneven departments, 2000 long-tail sites)', () => {
    const org = syntheticOrg({ users: 1500, departments: 10, perDepartment: 30, common: 40, longTail: 2000, seed: 3 });
    const build = computePeerGroups(AccessProfileSet.of(org.profiles), 0, { clustering: { sampleSize: 600 } });
    expect(build.behaviour.projected).toBe(true);
    expect(build.behaviour.sampleSize).toBe(600);
    const result = agreement(build, org.department);
    console.info(`synthetic organisation: 1500 users in ${result.departments} departments → k = ${result.k}, ` +
      `silhouette ${build.behaviour.silhouette?.toFixed(3)}, ARI ${result.ari.toFixed(3)}, purity ${result.purity.toFixed(3)}`);
    expect(result.ari).toBeGreaterThanOrEqual(0.8);
    expect(result.purity).toBeGreaterThanOrEqual(0.85);
  }, 120_000);
});
