/**
 * Behaviour-weighted attack paths: the pure part. The search itself is Cypher
 * (src/store/cypher/attack-paths-*.cypher: the graph is the store's); what it is bounded by and
 * how a hop is costed are decided here, in one place, and handed to it as parameters.
 *
 * A hop's cost says how unusual the hop would be for the user whose behaviour it is (the user
 * end of an ACCESSED or MEMBER_OF edge, the user left on a REPORTS_TO edge). Every term is in
 * [0, 1] or a fixed constant, so costs add up along a path and a path's cost reads as "how many
 * unusual steps, and how unusual". An attacker holding the start account who wants to look like
 * normal behaviour takes the cheapest path.
 *
 *   ACCESSED   1/(1 + count)                         a first or rare access costs up to 0.5
 *            + (1 − peerShare)                      an access none of the user's peer group makes costs 1
 *            + min(1, (now − lastSeen) / staleDays) an access not made for `staleDays` costs 1
 *   REPORTS_TO reportsTo                            a move between a user and their manager
 *   MEMBER_OF  peerBase + (1 − degree)              a move through a peer group: core members are closer
 */
export interface AttackPathWeights {
  /** Peer share assumed when the active peer-group build has not stamped the edge (new since). */
  unknownPeerShare: number;
  /** Days after which an access counts as fully stale. */
  staleDays: number;
  /** Cost of a REPORTS_TO hop. */
  reportsTo: number;
  /** Base cost of a MEMBER_OF hop, before (1 − degree of membership). */
  peerBase: number;
}

export const ATTACK_PATH_WEIGHTS: AttackPathWeights = Object.freeze({
  unknownPeerShare: 0.5,
  staleDays: 90,
  reportsTo: 1,
  peerBase: 0.5,
});

export const AttackPathRanking = Object.freeze({
  /** Cheapest first: the path that looks most like normal behaviour. */
  LEAST_UNUSUAL: 'LEAST_UNUSUAL',
  /** Through the riskiest account first (highest risk score after the start), then cheapest. */
  RISKIEST: 'RISKIEST',
});
export type AttackPathRanking = (typeof AttackPathRanking)[keyof typeof AttackPathRanking];

/** What one search may do. Each refusal names the limit it hit. */
export interface AttackPathLimits {
  /** Longest path considered (the Cypher files exist for 1–6). */
  maxHops: number;
  /** Paths returned at most. */
  maxFirst: number;
  /** Target assets at most (toCriticalAssets takes the most critical this many, else refuses). */
  maxTargets: number;
  /** Relationships the search may read, as estimated from degrees before it runs. */
  maxExpansions: number;
  /**
   * Transaction timeout of the search, ms. It includes Cypher planning, which the first search
   * of each hop bound pays once per server (seconds on a loaded two-core machine; cached after).
   */
  timeoutMs: number;
}

export const ATTACK_PATH_LIMITS: AttackPathLimits = Object.freeze({
  maxHops: 6,
  maxFirst: 20,
  maxTargets: 50,
  maxExpansions: 1_000_000,
  timeoutMs: 15_000,
});

/** Degree sums around the start and the targets (attack-path-budget.cypher). */
export interface ExpansionDegrees {
  /** Relationships of the start (its neighbours). */
  start1: number;
  /** Relationships of the start's neighbours (two hops out). */
  start2: number;
  /** Relationships of the targets. */
  target1: number;
  /** Relationships of the targets' neighbours. */
  target2: number;
}

/**
 * Relationships a search of at most `maxHops` hops reads. Paths of 3 hops or more meet in the
 * middle: two hops expanded from the start, up to `maxHops − 2` from the targets. Beyond two
 * hops from the targets the count is extrapolated by the growth of the second hop
 * (target2 / target1), an estimate rather than a bound: it is meant to refuse the searches that
 * would fan out over the graph, before they run.
 */
export function estimateExpansions(degrees: ExpansionDegrees, maxHops: number): number {
  const { start1, start2, target1, target2 } = degrees;
  if (maxHops <= 1) return start1;
  if (maxHops === 2) return start1 + target1;
  let total = start1 + start2 + target1;
  const growth = target1 > 0 ? target2 / target1 : 0;
  let level = target2;
  for (let hops = 4; hops <= maxHops; hops++) {
    total += level;
    level *= growth;
  }
  return Math.round(total);
}

/**
 * The least cost of any path of L hops from a start of `fromType` to an asset, for L = 0 to
 * `maxHops` (index L): what lets the LEAST_UNUSUAL search skip a path length outright once it
 * holds enough cheaper paths (attack-paths-longer-head.cypher, which adds the cheapest first and
 * last hops to it). The graph it searches is
 * bipartite but for one relationship: ACCESSED joins a user to a device, application or asset,
 * MEMBER_OF a user to a peer group, and only REPORTS_TO joins two users. So every hop but a
 * REPORTS_TO one crosses between users and the rest, and a path from a user to an asset
 * (one side to the other) crosses an odd number of times, from a device (the same side) an
 * even number: a path whose length has the other parity holds at least one REPORTS_TO hop,
 * which costs `reportsTo`, and every other hop costs at least 0. (0 when nothing is forced.)
 */
export function pathLowerBounds(fromType: 'User' | 'Device', maxHops: number, weights: AttackPathWeights = ATTACK_PATH_WEIGHTS): number[] {
  const crossings = fromType === 'User' ? 1 : 0;
  return Array.from({ length: maxHops + 1 }, (_, hops) => (hops > 0 && hops % 2 !== crossings ? weights.reportsTo : 0));
}
