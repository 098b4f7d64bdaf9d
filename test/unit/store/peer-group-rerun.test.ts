import { Neo4jError } from 'neo4j-driver';
import { describe, expect, it } from 'vitest';
import { AccessProfileSet, computePeerGroups } from '../../../src/analytics/peer-groups/peer-groups.ts';
import { cypher } from '../../../src/store/cypher.ts';
import { isDeletedUnderStatement, mapNeo4jError, type Neo4jExecutor } from '../../../src/store/executor.ts';
import { Neo4jPeerGroupRepository } from '../../../src/store/peer-group.repository.ts';
import { obviousGroups } from '../peer-groups/fixtures.ts';

/**
 * A peer-group build writes what it read a while ago. When a node one of its statements matched
 * is deleted by another transaction before the statement loads it, Neo4j fails the statement
 * with EntityNotFound; the build runs that statement again (it then matches what is left)
 * instead of failing, and says how many it re-ran.
 */
const deletedUnder = () =>
  mapNeo4jError(new Neo4jError('Unable to load NODE 4:abc:17.', 'Neo.ClientError.Statement.EntityNotFound', '50N00', 'general processing exception'));

/** An executor that answers every statement plausibly and fails the named ones `failures` times first. */
function scriptedExecutor(failing: Record<string, number>) {
  const names = new Map<string, string>();
  for (const name of ['peer-groups-insert-members', 'peer-share-stamp', 'peer-groups-activate']) names.set(cypher(name), name);
  const runs: string[] = [];
  const left = { ...failing };
  const executor = {
    async query(_mode: 'READ' | 'WRITE', statement: string) {
      const name = names.get(statement) ?? 'other';
      runs.push(name);
      if ((left[name] ?? 0) > 0) {
        left[name]! -= 1;
        throw deletedUnder();
      }
      if (name === 'peer-groups-activate') return [{ activated: true }];
      return [{ deleted: 0 }];
    },
  };
  return { executor: executor as unknown as Neo4jExecutor, runs };
}

function build() {
  const set = new AccessProfileSet();
  for (const profile of obviousGroups(2, 6)) set.add(profile);
  return computePeerGroups(set, Date.UTC(2026, 0, 5));
}

describe('a peer-group build when nodes are deleted under it', () => {
  it('recognises the driver error for a node deleted under a statement, mapped or not', () => {
    expect(isDeletedUnderStatement(deletedUnder())).toBe(true);
    expect(isDeletedUnderStatement(new Neo4jError('x', 'Neo.ClientError.Statement.EntityNotFound', '50N00', 'x'))).toBe(true);
    expect(isDeletedUnderStatement(mapNeo4jError(new Neo4jError('x', 'Neo.ClientError.Statement.SyntaxError', '42001', 'x')))).toBe(false);
    expect(isDeletedUnderStatement(new Error('Unable to load NODE'))).toBe(false);
  });

  it('runs the failed statements again and activates the build, counting the re-runs', async () => {
    const { executor, runs } = scriptedExecutor({ 'peer-groups-insert-members': 1, 'peer-groups-activate': 2 });
    const outcome = await new Neo4jPeerGroupRepository(executor).replaceGroups('pg-test', build(), Date.UTC(2026, 0, 5));
    expect(outcome).toMatchObject({ activated: true, rerunStatements: 3 });
    expect(outcome.memberships).toBeGreaterThan(0);
    expect(runs.filter((r) => r === 'peer-groups-insert-members')).toHaveLength(2);
    expect(runs.filter((r) => r === 'peer-groups-activate')).toHaveLength(3);
    // The peer-share stamping is the build's follow-up job, not part of the build.
    expect(runs).not.toContain('peer-share-stamp');
  });

  it('gives up after five runs of one statement, deleting what it wrote', async () => {
    const { executor, runs } = scriptedExecutor({ 'peer-groups-activate': 99 });
    await expect(new Neo4jPeerGroupRepository(executor).replaceGroups('pg-test', build(), Date.UTC(2026, 0, 5))).rejects.toSatisfy(isDeletedUnderStatement);
    expect(runs.filter((r) => r === 'peer-groups-activate')).toHaveLength(5);
    expect(runs.at(-1)).toBe('other'); // the clean-up of the half-written build
  });
});
