import { kmeans } from 'ml-kmeans';
import type { AccessMatrix } from './access-vectors.ts';
import { fuzzyMemberships } from './membership.ts';
import { projectRows } from './projection.ts';
import { seededRandom } from './random.ts';
import { SampledDistances } from './silhouette.ts';
import { dotDense, type SparseVector } from './sparse-vector.ts';

/**
 * Behaviour peer groups: k-means over the users' access vectors, k chosen by the silhouette
 * coefficient, and a degree of membership per user to their group and to the runner-up.
 *
 * For each candidate k (minK … min(maxK, ⌊n / minGroupSize⌋)):
 *  1. ml-kmeans, initialised by k-means++ seeding from a seeded generator (best inertia of
 *     `restarts` seeds), clusters the dense points: the unit vectors themselves, or, when
 *     users × entity columns exceed `maxDenseCells`, their random projection to
 *     `projectedDimensions` (projection.ts);
 *  2. the silhouette of that partition is computed in the full space (silhouette.ts).
 * The k with the highest silhouette wins (the smaller k on a tie).
 *
 * Scale: ml-kmeans costs O(n · k · dims) per iteration; trying 19 values of k with restarts
 * on all of 10k users took about 36 s of CPU on this two-core machine. So above `sampleSize`
 * users (2000) the candidates are clustered and scored on a uniform seeded sample of that
 * many users, and only the winner runs on everyone, ml-kmeans starting from the sample's
 * centres (about 8 s of CPU in all for 10k users × 3.6k entities). A group of a few dozen
 * users or more is present in such a sample with near certainty, so the sample sees the
 * structure k is chosen for; the silhouette estimate has a standard error of about 0.01.
 * Groups smaller than a few per cent of the users can be merged into a neighbour either way:
 * the silhouette favours fewer, larger groups.
 *
 * The winning partition is then refined by Lloyd iterations in the full sparse space
 * (centroid = mean of the members' unit vectors; each user to the nearest centroid) until no
 * user moves or `refineIterations` pass, so that the partition, the centroids and the degrees
 * refer to the full TF-IDF geometry rather than the projection. (Refining every candidate
 * would cost as much again as ml-kmeans, a user having about as many entities as there are
 * projected dimensions, for no better choice of k.) The final partition is, by construction,
 * "nearest centroid" for every user, so the group a user is in is also the one with their
 * largest degree of membership (membership.ts, fuzzy c-means formula, m = 2).
 *
 * Users without any feature (no access of the vector's types, or only to entities nobody
 * else uses) cannot be placed and get no behaviour group. Groups are numbered by decreasing
 * size (then by their first user's id), so numbering does not depend on k-means' labels.
 */

export interface BehaviourClusteringOptions {
  minK: number;
  maxK: number;
  /** k is at most ⌊users / minGroupSize⌋, so groups average at least this many users. */
  minGroupSize: number;
  seed: number;
  /** k-means++ initialisations per k; the lowest inertia wins. */
  restarts: number;
  /** ml-kmeans iterations and tolerance (squared centre movement). */
  maxIterations: number;
  tolerance: number;
  /**
   * ml-kmeans works on the full vectors while (users k is chosen on) × (entity columns) stays
   * within `maxDenseCells`; beyond, on a random projection to `projectedDimensions`.
   */
  maxDenseCells: number;
  projectedDimensions: number;
  /** Full-space Lloyd iterations after ml-kmeans. */
  refineIterations: number;
  /**
   * Above this many users, k is chosen on a uniform sample of this many (k-means and
   * silhouette for each candidate k), and only the chosen k is run on everyone, starting from
   * the sample's centres. Below it, everything is exact.
   */
  sampleSize: number;
  /** Fuzzifier m of the membership formula. */
  fuzzifier: number;
}

export const DEFAULT_BEHAVIOUR_CLUSTERING_OPTIONS: BehaviourClusteringOptions = Object.freeze({
  minK: 2,
  maxK: 20,
  minGroupSize: 3,
  seed: 42,
  restarts: 2,
  maxIterations: 100,
  tolerance: 1e-6,
  maxDenseCells: 1_000_000,
  projectedDimensions: 128,
  refineIterations: 20,
  sampleSize: 2000,
  fuzzifier: 2,
});

/** What one candidate k gave. */
export interface KCandidate {
  k: number;
  /** Non-empty groups ml-kmeans returned (can be below k). */
  groups: number;
  /** Silhouette of ml-kmeans' partition, in the full space, on the sample. */
  silhouette: number | null;
  /** Σ squared distance of each point to its centroid, in the space ml-kmeans worked in. */
  inertia: number;
  /** ml-kmeans iterations of the winning restart. */
  iterations: number;
}

export interface BehaviourClustering {
  /** Groups found (0 when the users are too few or too alike to cluster). */
  k: number;
  /** Silhouette of the final (refined) partition; null when there is none. */
  silhouette: number | null;
  /** Full-space Lloyd iterations of the final refinement, and its inertia (Σ squared distances). */
  refineIterations: number;
  inertia: number | null;
  candidates: KCandidate[];
  /** Per matrix row: group 0…k−1, or −1 for a user without an access vector. */
  assignment: Int32Array;
  /** Per row: degree of membership to the own group (0 when unassigned). */
  degree: Float64Array;
  /** Per row: the group with the next largest degree, or −1. */
  runnerUp: Int32Array;
  runnerUpDegree: Float64Array;
  /** Rows with an access vector (the users clustered). */
  clustered: number;
  /** Entity columns, and dimensions ml-kmeans worked in. */
  features: number;
  kmeansDimensions: number;
  projected: boolean;
  /** Users k was chosen on (the silhouette sample), and whether that is a sample of them. */
  sampleSize: number;
  sampled: boolean;
  /** ml-kmeans iterations of the run on everyone after choosing k on a sample. */
  finalIterations: number | null;
  /** Why there are no groups, when k = 0. */
  reason: string | null;
  /** Shared with the organisational groups, to score their partitions on the same sample. */
  distances: SampledDistances | null;
  options: BehaviourClusteringOptions;
}

/** Progress reported between candidate k, so a caller can yield to its event loop. */
export interface ClusteringProgress {
  k: number;
  of: number;
  candidate: KCandidate;
}

export function clusterBehaviour(matrix: AccessMatrix, options: Partial<BehaviourClusteringOptions> = {}): BehaviourClustering {
  const steps = clusterBehaviourSteps(matrix, options);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** The same computation as a generator that pauses after each candidate k. */
export function* clusterBehaviourSteps(
  matrix: AccessMatrix,
  options: Partial<BehaviourClusteringOptions> = {},
): Generator<ClusteringProgress, BehaviourClustering> {
  const opts: BehaviourClusteringOptions = { ...DEFAULT_BEHAVIOUR_CLUSTERING_OPTIONS, ...options };
  const n = matrix.rows.length;
  const d = matrix.features.length;
  const active = Int32Array.from(
    matrix.rows.flatMap((row, i) => (row.indices.length > 0 ? [i] : [])),
  );
  const rows = Array.from(active, (i) => matrix.rows[i]!);
  const result: BehaviourClustering = {
    k: 0,
    silhouette: null,
    refineIterations: 0,
    inertia: null,
    candidates: [],
    assignment: new Int32Array(n).fill(-1),
    degree: new Float64Array(n),
    runnerUp: new Int32Array(n).fill(-1),
    runnerUpDegree: new Float64Array(n),
    clustered: active.length,
    features: d,
    kmeansDimensions: 0,
    projected: false,
    sampleSize: 0,
    sampled: false,
    finalIterations: null,
    reason: null,
    distances: null,
    options: opts,
  };

  const distances = new SampledDistances(matrix.rows, active, opts.sampleSize, opts.seed);
  // Positions (in `rows`) of the users k is chosen on: all of them, or the sample.
  const position = new Int32Array(n).fill(-1);
  active.forEach((row, i) => (position[row] = i));
  const sampled = distances.sample.length < active.length;
  const scan = Array.from(distances.sample, (row) => position[row]!);
  const kMin = Math.max(2, opts.minK);
  const distinct = distinctRows(scan.map((i) => rows[i]!));
  const kMax = Math.min(opts.maxK, Math.floor(scan.length / opts.minGroupSize), distinct);
  if (kMax < kMin) {
    result.reason = `${rows.length} users with access vectors (${distinct} distinct): too few to form ${kMin} groups of ${opts.minGroupSize}`;
    return result;
  }
  result.distances = distances;
  result.sampleSize = distances.sample.length;
  result.sampled = sampled;

  const dense = scan.length * d <= opts.maxDenseCells;
  const projection = projectRows(rows, matrix.features.map((f) => f.key), dense ? d : opts.projectedDimensions, opts.seed);
  result.kmeansDimensions = projection.dims;
  result.projected = projection.projected;
  const scanPoints = scan.map((i) => projection.points[i]!);

  let best: { k: number; labels: Int32Array; centroids: number[][]; silhouette: number } | null = null;
  const rowLabels = new Int32Array(n).fill(-1);
  for (let k = kMin; k <= kMax; k++) {
    let run: { labels: Int32Array; centroids: number[][]; inertia: number; iterations: number } | null = null;
    for (let r = 0; r < opts.restarts; r++) {
      const seed = (opts.seed + 7_919 * k + 104_729 * r) >>> 0;
      const fit = kmeans(scanPoints, k, {
        initialization: kmeansPlusPlus(scanPoints, k, seededRandom(seed)),
        maxIterations: opts.maxIterations,
        tolerance: opts.tolerance,
      });
      const labels = Int32Array.from(fit.clusters);
      const inertia = denseInertia(scanPoints, labels, fit.centroids);
      if (run === null || inertia < run.inertia) run = { labels, centroids: fit.centroids, inertia, iterations: fit.iterations };
    }
    scan.forEach((i, at) => (rowLabels[active[i]!] = run!.labels[at]!));
    const score = distances.silhouetteOf(rowLabels);
    const groups = new Set(run!.labels).size;
    result.candidates.push({ k, groups, silhouette: score, inertia: run!.inertia, iterations: run!.iterations });
    if (score !== null && groups >= 2 && (best === null || score > best.silhouette)) {
      best = { k, labels: run!.labels, centroids: run!.centroids, silhouette: score };
    }
    yield { k, of: kMax - kMin + 1, candidate: result.candidates.at(-1)! };
  }
  if (best === null) {
    result.reason = 'no candidate k gave two or more groups';
    return result;
  }
  // Chosen on the sample: extend to every user, ml-kmeans starting from the sample's centres.
  let labels = best.labels;
  if (sampled) {
    const fit = kmeans(projection.points, best.k, {
      initialization: best.centroids,
      maxIterations: opts.maxIterations,
      tolerance: opts.tolerance,
    });
    labels = Int32Array.from(fit.clusters);
    result.finalIterations = fit.iterations;
    yield { k: best.k, of: kMax - kMin + 1, candidate: result.candidates.find((c) => c.k === best!.k)! };
  }
  const refined = refine(rows, d, labels, best.k, opts.refineIterations);
  active.forEach((row, i) => (rowLabels[row] = refined.labels[i]!));
  result.silhouette = distances.silhouetteOf(rowLabels);
  result.refineIterations = refined.iterations;
  result.inertia = refined.inertia;

  // Number groups by decreasing size, then by first member (rows are in user-id order).
  const order = numberBySize(refined.labels, refined.groups);
  const k = refined.groups;
  const centroids = new Float64Array(k * d);
  for (let old = 0; old < k; old++) centroids.set(refined.centroids.subarray(old * d, (old + 1) * d), order[old]! * d);
  const centroidNorms = squaredNorms(centroids, k, d);
  const distancesToCentres = new Float64Array(k);
  rows.forEach((row, i) => {
    const at = active[i]!;
    const own = order[refined.labels[i]!]!;
    for (let c = 0; c < k; c++) distancesToCentres[c] = Math.sqrt(squaredDistance(row, centroids, c, d, centroidNorms[c]!));
    const degrees = fuzzyMemberships(distancesToCentres, opts.fuzzifier);
    result.assignment[at] = own;
    result.degree[at] = degrees[own]!;
    let second = -1;
    for (let c = 0; c < k; c++) if (c !== own && (second < 0 || degrees[c]! > degrees[second]!)) second = c;
    result.runnerUp[at] = second;
    result.runnerUpDegree[at] = second < 0 ? 0 : degrees[second]!;
  });
  result.k = k;
  return result;
}

/**
 * Greedy k-means++ seeding (Arthur & Vassilvitskii 2007, "k-means++: the advantages of careful
 * seeding"; the greedy variant as in scikit-learn): the first centre is a uniformly drawn
 * point; for each next one, 2 + ⌊ln k⌋ candidates are drawn with probability proportional to
 * their squared distance to the nearest centre so far, and the candidate that most lowers the
 * total of those distances is kept. ml-kmeans has the method built in, but copies every row for
 * every distance it computes (about 2 s for 200 users × 19 values of k), so the centres are
 * chosen here, with the build's seeded generator, and handed to ml-kmeans as its
 * initialisation. O(k · trials · n · dims).
 */
export function kmeansPlusPlus(points: readonly number[][], k: number, random: () => number): number[][] {
  const n = points.length;
  const trials = 2 + Math.floor(Math.log(k));
  const distanceTo = (centre: readonly number[], out: Float64Array, bound: Float64Array): number => {
    let total = 0;
    for (let i = 0; i < n; i++) {
      const p = points[i]!;
      let d = 0;
      for (let j = 0; j < centre.length; j++) d += (p[j]! - centre[j]!) ** 2;
      out[i] = Math.min(d, bound[i]!);
      total += out[i]!;
    }
    return total;
  };
  let closest = new Float64Array(n).fill(Infinity);
  const first = points[Math.floor(random() * n)]!;
  const centres: number[][] = [first.slice()];
  let potential = distanceTo(first, closest, closest);
  let candidate = new Float64Array(n);
  let best = new Float64Array(n);
  while (centres.length < k) {
    // Fewer distinct points than k: callers prevent it (distinctRows); fail rather than loop.
    if (!(potential > 0)) throw new Error(`k-means++ found fewer than ${k} distinct points`);
    let bestPotential = Infinity;
    let bestIndex = -1;
    for (let t = 0; t < trials; t++) {
      const index = drawByWeight(closest, potential, random);
      const total = distanceTo(points[index]!, candidate, closest);
      if (total < bestPotential) {
        bestPotential = total;
        bestIndex = index;
        [best, candidate] = [candidate, best];
      }
    }
    centres.push(points[bestIndex]!.slice());
    [closest, best] = [best, closest];
    potential = bestPotential;
  }
  return centres;
}

/** An index drawn with probability weight[i] / total (a point at weight 0 is never drawn). */
function drawByWeight(weight: Float64Array, total: number, random: () => number): number {
  let target = random() * total;
  let last = -1;
  for (let i = 0; i < weight.length; i++) {
    if (weight[i]! <= 0) continue;
    last = i;
    target -= weight[i]!;
    if (target < 0) return i;
  }
  // Rounding left some of the target unspent: the last point with any weight takes it.
  return last;
}

/** Distinct vectors among the rows: k-means++ needs at least k of them. */
function distinctRows(rows: readonly SparseVector[]): number {
  const seen = new Set<string>();
  for (const row of rows) seen.add(`${row.indices.join(',')}|${Array.from(row.values, (v) => v.toPrecision(12)).join(',')}`);
  return seen.size;
}

function denseInertia(points: readonly number[][], labels: Int32Array, centroids: readonly number[][]): number {
  let sum = 0;
  points.forEach((p, i) => {
    const c = centroids[labels[i]!]!;
    for (let j = 0; j < p.length; j++) sum += (p[j]! - c[j]!) ** 2;
  });
  return sum;
}

function squaredNorms(centroids: Float64Array, k: number, d: number): Float64Array {
  const norms = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    let s = 0;
    for (let j = c * d; j < (c + 1) * d; j++) s += centroids[j]! * centroids[j]!;
    norms[c] = s;
  }
  return norms;
}

/** ‖x − c‖² = ‖x‖² + ‖c‖² − 2 x·c, with ‖x‖ = 1 for the unit access vectors. */
function squaredDistance(row: SparseVector, centroids: Float64Array, c: number, d: number, centroidNorm: number): number {
  return Math.max(0, 1 + centroidNorm - 2 * dotDense(row, centroids, c * d));
}

/**
 * Lloyd iterations on the sparse unit vectors from an initial partition. Ends with labels
 * that are each user's nearest centroid among `centroids`; empty groups are dropped and the
 * rest renumbered 0…groups−1.
 */
function refine(
  rows: readonly SparseVector[],
  d: number,
  initial: Int32Array,
  k: number,
  maxIterations: number,
): { labels: Int32Array; centroids: Float64Array; groups: number; inertia: number; iterations: number } {
  let labels = initial;
  let centroids = new Float64Array(k * d);
  let present = new Uint8Array(k);
  let iterations = 0;
  for (;;) {
    // Centroids of the current labels; a group that emptied keeps no centroid.
    centroids = new Float64Array(k * d);
    const sizes = new Int32Array(k);
    rows.forEach((row, i) => {
      const c = labels[i]!;
      sizes[c]! += 1;
      for (let m = 0; m < row.indices.length; m++) centroids[c * d + row.indices[m]!]! += row.values[m]!;
    });
    present = new Uint8Array(k);
    for (let c = 0; c < k; c++) {
      if (sizes[c] === 0) continue;
      present[c] = 1;
      for (let j = c * d; j < (c + 1) * d; j++) centroids[j]! /= sizes[c]!;
    }
    const norms = squaredNorms(centroids, k, d);
    const next = new Int32Array(rows.length);
    let moved = 0;
    rows.forEach((row, i) => {
      let bestC = -1;
      let bestD = Infinity;
      for (let c = 0; c < k; c++) {
        if (present[c] === 0) continue;
        const dist = squaredDistance(row, centroids, c, d, norms[c]!);
        // Ties keep the current group, so a converged partition is a fixed point.
        if (dist < bestD || (dist === bestD && c === labels[i])) {
          bestD = dist;
          bestC = c;
        }
      }
      next[i] = bestC;
      if (bestC !== labels[i]) moved += 1;
    });
    labels = next;
    if (moved === 0 || iterations >= maxIterations) break;
    iterations += 1;
  }
  // Renumber the groups that have members; keep their centroids (the ones labels refer to).
  const renumber = new Int32Array(k).fill(-1);
  const sizes = new Int32Array(k);
  for (const c of labels) sizes[c]! += 1;
  let groups = 0;
  for (let c = 0; c < k; c++) if (sizes[c]! > 0) renumber[c] = groups++;
  const compact = new Float64Array(groups * d);
  for (let c = 0; c < k; c++) if (renumber[c]! >= 0) compact.set(centroids.subarray(c * d, (c + 1) * d), renumber[c]! * d);
  const finalLabels = labels.map((c) => renumber[c]!);
  const norms = squaredNorms(compact, groups, d);
  let inertia = 0;
  rows.forEach((row, i) => (inertia += squaredDistance(row, compact, finalLabels[i]!, d, norms[finalLabels[i]!]!)));
  return { labels: finalLabels, centroids: compact, groups, inertia, iterations };
}

/** New number of each group: by decreasing size, then by the index of its first member. */
function numberBySize(labels: Int32Array, groups: number): Int32Array {
  const sizes = new Int32Array(groups);
  const first = new Int32Array(groups).fill(-1);
  labels.forEach((c, i) => {
    sizes[c]! += 1;
    if (first[c] === -1) first[c] = i;
  });
  const byRank = Array.from({ length: groups }, (_, c) => c).sort((a, b) => sizes[b]! - sizes[a]! || first[a]! - first[b]!);
  const order = new Int32Array(groups);
  byRank.forEach((c, rank) => (order[c] = rank));
  return order;
}
