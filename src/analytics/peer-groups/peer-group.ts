import type { NumericSummary, EntityMembers } from './group-summary.ts';
import type { KCandidate } from './behaviour-clustering.ts';

/**
 * The peer-group model shared by the build, the store and (later) the indicators and the API.
 * Kinds and algorithms are frozen objects rather than enums (type stripping takes erasable
 * syntax only).
 */
export const PeerGroupKind = Object.freeze({
  /** From behaviour: k-means over access vectors. */
  BEHAVIOUR: 'behaviour',
  /** From HR: everyone in a department. */
  DEPARTMENT: 'department',
  /** From HR: everyone with a title, within a department. */
  TITLE: 'title',
  /** From HR: a manager's direct reports. */
  MANAGER: 'manager',
});
export type PeerGroupKind = (typeof PeerGroupKind)[keyof typeof PeerGroupKind];
export const PEER_GROUP_KINDS: readonly PeerGroupKind[] = Object.freeze(Object.values(PeerGroupKind));

/** How a group was built, as recorded on it. */
export const PeerGroupAlgorithm = Object.freeze({
  /** ml-kmeans (k-means++, seeded) on L2-normalised TF-IDF access vectors, k by silhouette. */
  BEHAVIOUR: 'kmeans-tfidf-cosine',
  DEPARTMENT: 'hr-department',
  TITLE: 'hr-title-within-department',
  MANAGER: 'hr-direct-reports',
});
export type PeerGroupAlgorithm = (typeof PeerGroupAlgorithm)[keyof typeof PeerGroupAlgorithm];

export interface PeerGroupMember {
  user: string;
  /**
   * Degree of membership in [0, 1]. Behaviour groups: the fuzzy c-means membership to the
   * group's centre (rank 1: own group, rank 2: the runner-up). HR groups: 1.
   */
  degree: number;
  rank: 1 | 2;
}

export interface PeerGroup {
  /** Stable within a kind across builds for HR groups (`department:finance`); behaviour groups are numbered per build (`behaviour:3`). */
  key: string;
  kind: PeerGroupKind;
  label: string;
  algorithm: PeerGroupAlgorithm;
  /** Groups of this kind in the build (the chosen k for behaviour groups). */
  k: number;
  /**
   * Silhouette of this kind's whole partition in access-vector space (for HR groups: how
   * behaviourally coherent the HR partition is), estimated on the build's sample; null when
   * not computable.
   */
  silhouette: number | null;
  /** What the grouping used: entity types of the access vector, or HR attributes. */
  features: readonly string[];
  /** Epoch ms of the build. */
  builtAt: number;
  /** Members of rank 1. */
  size: number;
  /** Rank 1 members, then rank 2 (behaviour groups' runner-up memberships), by user id. */
  members: PeerGroupMember[];
  /** Entities the rank-1 members accessed, most shared first. */
  entities: EntityMembers[];
  numeric: NumericSummary[];
  /** The department most rank-1 members belong to, and its share of them (behaviour groups). */
  dominantDepartment: string | null;
  dominantDepartmentShare: number | null;
}

/** Everything one recomputation produced; written to the store as one build. */
export interface PeerGroupBuild {
  builtAt: number;
  groups: PeerGroup[];
  behaviour: {
    algorithm: PeerGroupAlgorithm;
    k: number;
    silhouette: number | null;
    /** Each k tried, with its silhouette: why this k. */
    candidates: KCandidate[];
    /** Users read, and those with an access vector (clustered). */
    users: number;
    clustered: number;
    /** Entity columns; dimensions ml-kmeans worked in; whether that was a random projection. */
    features: number;
    kmeansDimensions: number;
    projected: boolean;
    /** Users k was chosen on, and whether they were a sample of those clustered. */
    sampleSize: number;
    sampled: boolean;
    seed: number;
    /** Why no behaviour groups were formed, if none were. */
    reason: string | null;
    /** What the users were clustered on (access vectors, or activity for thin data), and why. */
    featureSet: 'access' | 'activity';
    featureReason: string;
  };
}
