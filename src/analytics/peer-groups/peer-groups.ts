/**
 * Peer groups, the public surface: build every peer group of one recomputation from the
 * users' access profiles and HR attributes. Pure: the clock is an argument, randomness is
 * seeded, and the same profiles and options give the same build.
 */
import {
  type AccessMatrix,
  type AccessProfileSet,
  type AccessVectorOptions,
  ACTIVITY_FEATURES,
  chooseBehaviourMatrix,
} from './access-vectors.ts';
import {
  type BehaviourClustering,
  type BehaviourClusteringOptions,
  type ClusteringProgress,
  clusterBehaviourSteps,
  DEFAULT_BEHAVIOUR_CLUSTERING_OPTIONS,
} from './behaviour-clustering.ts';
import { summariseMembers } from './group-summary.ts';
import { organisationalPartitions } from './org-groups.ts';
import { type PeerGroup, PeerGroupAlgorithm, type PeerGroupBuild, PeerGroupKind, type PeerGroupMember } from './peer-group.ts';

export { AccessProfileSet, buildAccessMatrix, buildActivityMatrix, chooseBehaviourMatrix, NUMERIC_FEATURES } from './access-vectors.ts';
export type { AccessEdge, AccessMatrix, AccessVectorOptions, NumericFeature, UserAccessProfile } from './access-vectors.ts';
export type { BehaviourClusteringOptions, KCandidate } from './behaviour-clustering.ts';
export type { EntityMembers, NumericSummary } from './group-summary.ts';
export { median, medianAbsoluteDeviation } from './group-summary.ts';
export { fuzzyMemberships } from './membership.ts';
export { adjustedRandIndex, purity } from './partition-agreement.ts';
export { silhouette } from './silhouette.ts';
export * from './peer-group.ts';

export interface PeerGroupOptions {
  vectors: Partial<AccessVectorOptions>;
  clustering: Partial<BehaviourClusteringOptions>;
  /** Smallest HR group formed. Default 2. */
  minOrgGroupSize: number;
  /** Entities named in a behaviour group's label. Default 3. */
  labelEntities: number;
}

export const DEFAULT_PEER_GROUP_OPTIONS: PeerGroupOptions = Object.freeze({
  vectors: {},
  clustering: {},
  minOrgGroupSize: 2,
  labelEntities: 3,
});

export type BuildProgress = { stage: 'vectors' } | ({ stage: 'clustering' } & ClusteringProgress) | { stage: 'summaries' };

export function computePeerGroups(set: AccessProfileSet, now: number, options: Partial<PeerGroupOptions> = {}): PeerGroupBuild {
  const steps = peerGroupBuildSteps(set, now, options);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * The build as a generator pausing between stages and after each candidate k, so a caller
 * sharing its thread (the job in the API process) can let other work run in between.
 */
export function* peerGroupBuildSteps(
  set: AccessProfileSet,
  now: number,
  options: Partial<PeerGroupOptions> = {},
): Generator<BuildProgress, PeerGroupBuild> {
  const opts: PeerGroupOptions = { ...DEFAULT_PEER_GROUP_OPTIONS, ...options };
  const { matrix, choice } = chooseBehaviourMatrix(set, opts.vectors);
  yield { stage: 'vectors' };
  const clustering: BehaviourClustering = yield* clusteringWithProgress(matrix, opts.clustering);
  yield { stage: 'summaries' };

  const vectorFeatures: string[] = choice.featureSet === 'access' ? [...matrix.options.types] : [...ACTIVITY_FEATURES];
  const groups: PeerGroup[] = behaviourGroups(set, matrix, clustering, now, vectorFeatures, opts.labelEntities);
  for (const partition of organisationalPartitions(matrix, opts.minOrgGroupSize)) {
    const labels = new Int32Array(matrix.users.length).fill(-1);
    partition.groups.forEach((g, index) => {
      for (const row of g.rows) if (matrix.rows[row]!.indices.length > 0) labels[row] = index;
    });
    const score = clustering.distances?.silhouetteOf(labels) ?? null;
    for (const g of partition.groups) {
      const { entities, numeric } = summariseMembers(set, matrix, g.rows);
      groups.push({
        key: g.key,
        kind: partition.kind,
        label: g.label,
        algorithm: partition.algorithm,
        k: partition.groups.length,
        silhouette: score,
        features: partition.features,
        builtAt: now,
        size: g.rows.length,
        members: g.rows.map((row) => ({ user: matrix.users[row]!.user, degree: 1, rank: 1 as const })),
        entities,
        numeric,
        dominantDepartment: null,
        dominantDepartmentShare: null,
      });
    }
  }
  const clusteringOptions = { ...DEFAULT_BEHAVIOUR_CLUSTERING_OPTIONS, ...opts.clustering };
  return {
    builtAt: now,
    groups,
    behaviour: {
      algorithm: PeerGroupAlgorithm.BEHAVIOUR,
      k: clustering.k,
      silhouette: clustering.silhouette,
      candidates: clustering.candidates,
      users: matrix.users.length,
      clustered: clustering.clustered,
      features: clustering.features,
      kmeansDimensions: clustering.kmeansDimensions,
      projected: clustering.projected,
      sampleSize: clustering.sampleSize,
      sampled: clustering.sampled,
      seed: clusteringOptions.seed,
      reason: clustering.reason,
      featureSet: choice.featureSet,
      featureReason: choice.reason,
    },
  };
}

function* clusteringWithProgress(
  matrix: AccessMatrix,
  options: Partial<BehaviourClusteringOptions>,
): Generator<BuildProgress, BehaviourClustering> {
  const steps = clusterBehaviourSteps(matrix, options);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    yield { stage: 'clustering', ...step.value };
  }
}

function behaviourGroups(
  set: AccessProfileSet,
  matrix: AccessMatrix,
  clustering: BehaviourClustering,
  now: number,
  features: readonly string[],
  labelEntities: number,
): PeerGroup[] {
  const own: number[][] = Array.from({ length: clustering.k }, () => []);
  const second: number[][] = Array.from({ length: clustering.k }, () => []);
  clustering.assignment.forEach((group, row) => {
    if (group < 0) return;
    own[group]!.push(row);
    const runnerUp = clustering.runnerUp[row]!;
    if (runnerUp >= 0) second[runnerUp]!.push(row);
  });
  // idf by entity index, to name a group by what is common in it and rare elsewhere.
  const idf = new Map(matrix.features.map((f) => [f.entity, f.idf]));
  return own.map((rows, group) => {
    const { entities, numeric } = summariseMembers(set, matrix, rows);
    const members: PeerGroupMember[] = [
      ...rows.map((row) => ({ user: matrix.users[row]!.user, degree: clustering.degree[row]!, rank: 1 as const })),
      ...second[group]!.map((row) => ({ user: matrix.users[row]!.user, degree: clustering.runnerUpDegree[row]!, rank: 2 as const })),
    ];
    const departments = new Map<string, number>();
    for (const row of rows) {
      const department = matrix.users[row]!.department;
      if (department !== null) departments.set(department, (departments.get(department) ?? 0) + 1);
    }
    const dominant = [...departments].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0];
    const distinctive = entities
      .map((e) => ({ e, score: (e.members / rows.length) * (idf.get(set.indexOf(e.type, e.id)) ?? 0) }))
      .filter((x) => x.score > 0)
      .sort((a, b) => b.score - a.score || (a.e.id < b.e.id ? -1 : 1))
      .slice(0, labelEntities)
      .map((x) => x.e.id);
    return {
      key: `${PeerGroupKind.BEHAVIOUR}:${group + 1}`,
      kind: PeerGroupKind.BEHAVIOUR,
      label: `behaviour ${group + 1}${distinctive.length > 0 ? `: ${distinctive.join(', ')}` : ''}`,
      algorithm: PeerGroupAlgorithm.BEHAVIOUR,
      k: clustering.k,
      silhouette: clustering.silhouette,
      features,
      builtAt: now,
      size: rows.length,
      members,
      entities,
      numeric,
      dominantDepartment: dominant?.[0] ?? null,
      dominantDepartmentShare: dominant === undefined ? null : dominant[1] / rows.length,
    };
  });
}
