import type { EntityType } from '../analytics/entities.ts';
import {
  type EntityMembers,
  type KCandidate,
  NUMERIC_FEATURES,
  type NumericFeature,
  type NumericSummary,
  type PeerGroup,
  type PeerGroupAlgorithm,
  type PeerGroupBuild,
  type PeerGroupKind,
  type PeerGroupMember,
  type UserAccessProfile,
} from '../analytics/peer-groups/peer-groups.ts';
import { cypher } from './cypher.ts';
import { isDeletedUnderStatement, type Neo4jExecutor } from './executor.ts';

/**
 * Peer groups in the graph: `(:PeerGroup)` nodes, `(:User)-[:MEMBER_OF {degree, rank}]->`
 * memberships, `(:PeerGroup)-[:GROUP_ACCESSED {members}]->(entity)` summaries, and one
 * `(:PeerGroupBuild)` per recomputation saying how it was made.
 *
 * Replacing a grouping: a build is written beside the one in use, under new ids (`<buildId>:<key>`)
 * and inactive, in batched UNWIND writes (each batch its own transaction, so no transaction
 * holds ten thousand users' memberships); one small transaction then swaps the `active` flags
 * of the old and new groups; the old build is deleted afterwards in batches. Readers follow
 * active groups only, so they see the old grouping or the new one, never a mix or a half-written
 * build. A build that fails or loses to a newer one is deleted at once. What readers of the new
 * grouping do not need follows the swap, outside it (`stampPeerShares`, `sweepStaleBuilds`: the
 * peer-group job's follow-up, which the backfill gate does not wait for): stamping the members'
 * ACCESSED edges with their peer share, and deleting the replaced build and any abandoned ones
 * (a build whose process died while writing is swept by the next build's follow-up).
 */

/** A PeerGroup node as stored (its summary lists are read separately). */
export interface StoredPeerGroup {
  id: string;
  /** Stable across builds for HR groups (`department:finance`); per build for behaviour groups. */
  key: string;
  buildId: string;
  kind: PeerGroupKind;
  label: string;
  algorithm: PeerGroupAlgorithm;
  k: number;
  silhouette: number | null;
  builtAt: number;
  size: number;
  features: string[];
  numeric: NumericSummary[];
  dominantDepartment: string | null;
  dominantDepartmentShare: number | null;
  active: boolean;
}

export interface UserPeerGroup {
  group: StoredPeerGroup;
  degree: number;
  /** 1: the user's own group; 2: the runner-up (behaviour groups only). */
  rank: 1 | 2;
}

export interface PeerGroupSummary {
  group: StoredPeerGroup;
  /** Rank 1 first, by decreasing degree; cut at the limit asked for. */
  members: PeerGroupMember[];
  /** Most shared first; cut at the limit asked for. */
  entities: EntityMembers[];
}

/** How the groups in use were built. */
export interface PeerGroupBuildInfo {
  id: string;
  status: 'writing' | 'active' | 'retired';
  builtAt: number;
  startedAt: number;
  activatedAt: number | null;
  algorithm: string;
  k: number;
  silhouette: number | null;
  /** Every k tried and its silhouette: why this k. */
  candidates: KCandidate[];
  users: number;
  clustered: number;
  features: number;
  kmeansDimensions: number;
  projected: boolean;
  sampleSize: number;
  sampled: boolean;
  seed: number;
  reason: string | null;
  /** What behaviour groups were clustered on ('access' or 'activity'), and why (null in builds made before it was recorded). */
  featureSet: string | null;
  featureReason: string | null;
  groups: number;
}

export interface ReplaceOutcome {
  buildId: string;
  /** False when a build made later was active already: this one was discarded. */
  activated: boolean;
  groups: number;
  memberships: number;
  entityRows: number;
  /**
   * Statements run again because a node they had matched was deleted under them (a user removed
   * while the build was written); the second run leaves out what is gone.
   */
  rerunStatements: number;
  /** Wall-clock milliseconds of each write. */
  phasesMs: WritePhasesMs;
}

/** A build's writes, ms: groups, memberships, group-entity rows, the swap. */
export interface WritePhasesMs {
  groups: number;
  members: number;
  entities: number;
  activate: number;
}

/** One page of a build's peer-share stamping. */
export interface PeerSharePage {
  /** Users in the page (0: past the last user). */
  users: number;
  /** The page's last user key, where the next page starts; null when the page was empty. */
  last: string | null;
  /** ACCESSED edges stamped (edges already carrying this build's stamp are skipped). */
  edges: number;
}

export interface PeerGroupRepository {
  /** A page of users, in id order, after `after` ('' for the first page). */
  readProfiles(after: string, limit: number): Promise<UserAccessProfile[]>;
  /** Writes the build beside the groups in use and swaps it in (or deletes it when a newer build is active). */
  replaceGroups(buildId: string, build: PeerGroupBuild, now: number): Promise<ReplaceOutcome>;
  /**
   * Stamps the ACCESSED edges of the users after `after` (at most `limit` of them, in key order)
   * with their peer share in `buildId`; null, writing nothing, when that build is not the active one.
   */
  stampPeerShares(buildId: string, after: string, limit: number, now: number): Promise<PeerSharePage | null>;
  /** Deletes the builds no longer in use (replaced ones, abandoned ones); their ids, oldest first. */
  sweepStaleBuilds(): Promise<string[]>;
  /** The active groups a user is in. */
  groupsOfUser(userId: string): Promise<UserPeerGroup[]>;
  /** The active groups, optionally of one kind. */
  listGroups(kind?: PeerGroupKind): Promise<StoredPeerGroup[]>;
  /** A group (active or not) with its members and entity counts; null when unknown. */
  groupSummary(groupId: string, limits?: { members?: number; entities?: number }): Promise<PeerGroupSummary | null>;
  activeBuild(): Promise<PeerGroupBuildInfo | null>;
}

/** Rows per UNWIND write and per delete batch. */
export interface PeerGroupWriteLimits {
  groupBatch: number;
  rowBatch: number;
  deleteBatch: number;
}

const DEFAULT_LIMITS: PeerGroupWriteLimits = Object.freeze({ groupBatch: 500, rowBatch: 5000, deleteBatch: 10_000 });

/** Runs of one statement when nodes keep vanishing under it, before the build fails. */
const MAX_RUNS_WHEN_DELETED_UNDER = 5;

/** Every user's profile, page by page (pages of `pageSize` users, in id order). */
export async function* profilePages(repository: PeerGroupRepository, pageSize = 1000): AsyncGenerator<UserAccessProfile[]> {
  let after = '';
  for (;;) {
    const page = await repository.readProfiles(after, pageSize);
    if (page.length === 0) return;
    yield page;
    if (page.length < pageSize) return;
    after = page.at(-1)!.user;
  }
}

type ProfileRow = {
  user: string;
  department: string | null;
  title: string | null;
  manager: string | null;
  access: Array<[string, string, number | null, number | null, number | null, number[] | null, number[] | null]>;
};

export class Neo4jPeerGroupRepository implements PeerGroupRepository {
  readonly #executor: Neo4jExecutor;
  readonly #limits: PeerGroupWriteLimits;

  constructor(executor: Neo4jExecutor, limits: Partial<PeerGroupWriteLimits> = {}) {
    this.#executor = executor;
    this.#limits = { ...DEFAULT_LIMITS, ...limits };
  }

  async readProfiles(after: string, limit: number): Promise<UserAccessProfile[]> {
    const rows = await this.#executor.query<ProfileRow>('READ', cypher('peer-groups-read-profiles'), { after, limit });
    return rows.map((row) => ({
      user: row.user,
      department: stringOrNull(row.department),
      title: stringOrNull(row.title),
      manager: stringOrNull(row.manager),
      access: row.access.map(([type, id, count, bytesIn, bytesOut, hourHist, dowHist]) => ({
        type: type as EntityType,
        id,
        count: count ?? 0,
        bytesIn: bytesIn ?? 0,
        bytesOut: bytesOut ?? 0,
        ...(Array.isArray(hourHist) ? { hourHist: hourHist.map(Number) } : {}),
        ...(Array.isArray(dowHist) ? { dowHist: dowHist.map(Number) } : {}),
      })),
    }));
  }

  async replaceGroups(buildId: string, build: PeerGroupBuild, now: number): Promise<ReplaceOutcome> {
    if (!/^[A-Za-z0-9_-]+$/.test(buildId)) throw new RangeError(`bad build id ${buildId}`);
    const idOf = (group: PeerGroup) => `${buildId}:${group.key}`;
    const b = build.behaviour;
    const phasesMs: WritePhasesMs = { groups: 0, members: 0, entities: 0, activate: 0 };
    const outcome: ReplaceOutcome = { buildId, activated: false, groups: 0, memberships: 0, entityRows: 0, rerunStatements: 0, phasesMs };
    await this.#run(outcome, 'WRITE', 'peer-groups-begin-build', {
      build: {
        id: buildId,
        builtAt: build.builtAt,
        startedAt: now,
        algorithm: b.algorithm,
        k: b.k,
        silhouette: b.silhouette,
        users: b.users,
        clustered: b.clustered,
        features: b.features,
        kmeansDimensions: b.kmeansDimensions,
        projected: b.projected,
        sampleSize: b.sampleSize,
        sampled: b.sampled,
        seed: b.seed,
        reason: b.reason,
        featureSet: b.featureSet,
        featureReason: b.featureReason,
        // A list of maps is not a property value; the candidates are kept as JSON.
        candidates: JSON.stringify(b.candidates),
        groups: build.groups.length,
      },
    });
    let mark = performance.now();
    const lap = (phase: keyof WritePhasesMs) => {
      const at = performance.now();
      phasesMs[phase] = Math.round(at - mark);
      mark = at;
    };
    try {
      for (const batch of chunks(build.groups, this.#limits.groupBatch)) {
        await this.#run(outcome, 'WRITE', 'peer-groups-insert-groups', { rows: batch.map((g) => groupProps(g, idOf(g), buildId)) });
        outcome.groups += batch.length;
      }
      lap('groups');
      const members = build.groups.flatMap((g) => g.members.map((m) => ({ group: idOf(g), user: m.user, degree: m.degree, rank: m.rank })));
      for (const batch of chunks(members, this.#limits.rowBatch)) {
        await this.#run(outcome, 'WRITE', 'peer-groups-insert-members', { rows: batch });
        outcome.memberships += batch.length;
      }
      lap('members');
      const entities = build.groups.flatMap((g) => g.entities.map((e) => ({ group: idOf(g), type: e.type, id: e.id, members: e.members })));
      for (const batch of chunks(entities, this.#limits.rowBatch)) {
        await this.#run(outcome, 'WRITE', 'peer-groups-insert-entity-members', { rows: batch });
        outcome.entityRows += batch.length;
      }
      lap('entities');
      const [activated] = await this.#run<{ activated: boolean }>(outcome, 'WRITE', 'peer-groups-activate', { buildId, now });
      outcome.activated = activated?.activated === true;
      lap('activate');
    } catch (error) {
      await this.#deleteBuild(buildId, outcome).catch(() => {});
      throw error;
    }
    if (!outcome.activated) await this.#deleteBuild(buildId, outcome);
    return outcome;
  }

  async stampPeerShares(buildId: string, after: string, limit: number, now: number): Promise<PeerSharePage | null> {
    const [row] = await this.#executor.query<PeerSharePage>('WRITE', cypher('peer-share-stamp'), { buildId, after, limit, now });
    return row === undefined ? null : { users: row.users, last: row.last ?? null, edges: row.edges };
  }

  async sweepStaleBuilds(): Promise<string[]> {
    const stale = await this.#executor.query<{ id: string }>('READ', cypher('peer-groups-stale-builds'));
    for (const { id } of stale) await this.#deleteBuild(id);
    return stale.map((b) => b.id);
  }

  async groupsOfUser(userId: string): Promise<UserPeerGroup[]> {
    const rows = await this.#executor.query<{ group: Record<string, unknown>; degree: number; rank: number }>(
      'READ',
      cypher('peer-groups-of-user'),
      { userId },
    );
    return rows.map((row) => ({ group: storedGroup(row.group), degree: row.degree, rank: row.rank === 2 ? 2 : 1 }));
  }

  async listGroups(kind?: PeerGroupKind): Promise<StoredPeerGroup[]> {
    const rows = await this.#executor.query<{ group: Record<string, unknown> }>('READ', cypher('peer-groups-list'), { kind: kind ?? null });
    return rows.map((row) => storedGroup(row.group));
  }

  async groupSummary(groupId: string, limits: { members?: number; entities?: number } = {}): Promise<PeerGroupSummary | null> {
    const [row] = await this.#executor.query<{
      group: Record<string, unknown>;
      members: Array<{ user: string; degree: number; rank: number }>;
      entities: Array<{ type: EntityType; id: string; members: number }>;
    }>('READ', cypher('peer-groups-summary'), {
      groupId,
      memberLimit: limits.members ?? 100_000,
      entityLimit: limits.entities ?? 100_000,
    });
    if (row === undefined) return null;
    return {
      group: storedGroup(row.group),
      members: row.members.map((m) => ({ user: m.user, degree: m.degree, rank: m.rank === 2 ? 2 : 1 })),
      entities: row.entities,
    };
  }

  async activeBuild(): Promise<PeerGroupBuildInfo | null> {
    const [row] = await this.#executor.query<{ build: Record<string, unknown> }>('READ', cypher('peer-groups-active-build'));
    if (row === undefined) return null;
    const p = row.build;
    return {
      id: String(p.id),
      status: p.status as PeerGroupBuildInfo['status'],
      builtAt: numberOr(p.builtAt, 0),
      startedAt: numberOr(p.startedAt, 0),
      activatedAt: typeof p.activatedAt === 'number' ? p.activatedAt : null,
      algorithm: String(p.algorithm),
      k: numberOr(p.k, 0),
      silhouette: typeof p.silhouette === 'number' ? p.silhouette : null,
      candidates: typeof p.candidates === 'string' ? (JSON.parse(p.candidates) as KCandidate[]) : [],
      users: numberOr(p.users, 0),
      clustered: numberOr(p.clustered, 0),
      features: numberOr(p.features, 0),
      kmeansDimensions: numberOr(p.kmeansDimensions, 0),
      projected: p.projected === true,
      sampleSize: numberOr(p.sampleSize, 0),
      sampled: p.sampled === true,
      seed: numberOr(p.seed, 0),
      reason: stringOrNull(p.reason),
      featureSet: stringOrNull(p.featureSet),
      featureReason: stringOrNull(p.featureReason),
      groups: numberOr(p.groups, 0),
    };
  }

  /**
   * One statement of a build. A build writes what it read a while ago: when a node it matches is
   * deleted by another transaction meanwhile, Neo4j fails the statement (EntityNotFound); run
   * again, it matches what is left. Each statement is idempotent for this (its MATCHes skip what
   * vanished; the groups are created under this build's own ids, which nothing else deletes
   * except a wipe of the whole graph, after which the activation finds no build and discards it).
   */
  async #run<T = Record<string, unknown>>(outcome: ReplaceOutcome | null, mode: 'READ' | 'WRITE', name: string, params: Record<string, unknown> = {}): Promise<T[]> {
    for (let run = 1; ; run++) {
      try {
        return await this.#executor.query<T>(mode, cypher(name), params);
      } catch (error) {
        if (!isDeletedUnderStatement(error) || run >= MAX_RUNS_WHEN_DELETED_UNDER) throw error;
        if (outcome !== null) outcome.rerunStatements += 1;
      }
    }
  }

  /** Deletes a build's edges, then its groups, then the build node, in bounded batches. */
  async #deleteBuild(buildId: string, outcome: ReplaceOutcome | null = null): Promise<void> {
    const prefix = `${buildId}:`;
    for (;;) {
      const [row] = await this.#run<{ deleted: number }>(outcome, 'WRITE', 'peer-groups-delete-build-edges', {
        prefix,
        limit: this.#limits.deleteBatch,
      });
      if ((row?.deleted ?? 0) === 0) break;
    }
    for (;;) {
      const [row] = await this.#run<{ deleted: number }>(outcome, 'WRITE', 'peer-groups-delete-build-groups', {
        buildId,
        prefix,
        limit: this.#limits.groupBatch,
      });
      if ((row?.deleted ?? 0) === 0) break;
    }
  }
}

function groupProps(group: PeerGroup, id: string, buildId: string): Record<string, unknown> {
  return {
    id,
    key: group.key,
    buildId,
    kind: group.kind,
    label: group.label,
    algorithm: group.algorithm,
    k: group.k,
    silhouette: group.silhouette,
    builtAt: group.builtAt,
    size: group.size,
    features: [...group.features],
    numericFeatures: group.numeric.map((n) => n.feature),
    numericMedians: group.numeric.map((n) => n.median),
    numericMads: group.numeric.map((n) => n.mad),
    dominantDepartment: group.dominantDepartment,
    dominantDepartmentShare: group.dominantDepartmentShare,
  };
}

function storedGroup(p: Record<string, unknown>): StoredPeerGroup {
  const features = Array.isArray(p.numericFeatures) ? (p.numericFeatures as string[]) : [];
  const medians = Array.isArray(p.numericMedians) ? (p.numericMedians as number[]) : [];
  const mads = Array.isArray(p.numericMads) ? (p.numericMads as number[]) : [];
  return {
    id: String(p.id),
    key: String(p.key),
    buildId: String(p.buildId),
    kind: p.kind as PeerGroupKind,
    label: String(p.label ?? ''),
    algorithm: p.algorithm as PeerGroupAlgorithm,
    k: numberOr(p.k, 0),
    silhouette: typeof p.silhouette === 'number' ? p.silhouette : null,
    builtAt: numberOr(p.builtAt, 0),
    size: numberOr(p.size, 0),
    features: Array.isArray(p.features) ? (p.features as string[]) : [],
    numeric: features
      .filter((f): f is NumericFeature => (NUMERIC_FEATURES as readonly string[]).includes(f))
      .map((feature) => {
        const i = features.indexOf(feature);
        return { feature, median: medians[i] ?? Number.NaN, mad: mads[i] ?? Number.NaN };
      }),
    dominantDepartment: stringOrNull(p.dominantDepartment),
    dominantDepartmentShare: typeof p.dominantDepartmentShare === 'number' ? p.dominantDepartmentShare : null,
    active: p.active === true,
  };
}

function* chunks<T>(items: readonly T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' ? value : fallback;
}
