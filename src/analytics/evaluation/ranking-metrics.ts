/**
 * Ranking metrics for `riskgraph eval`: how well risk scores rank labelled attackers above
 * everyone else. Keys are users, or user-days (`userDayKey`) for the user-day variants — every
 * function works on any key.
 *
 * Universe: the keys of `scores` plus the labelled keys; a labelled key without a score has
 * score 0 (nothing was found on it). Ranking: score descending; equal scores are broken by key
 * ascending, so precision@k and average precision are deterministic (a tie-blind measure,
 * ROC AUC, uses average ranks instead).
 *
 * - precision@k = |top k ∩ P| / k;  recall@k = |top k ∩ P| / |P|
 * - average precision = (1/|P|) Σ_{positive at rank r} precision@r
 * - ROC AUC (Mann–Whitney) = (Σ ranks of positives − |P|(|P|+1)/2) / (|P|·|N|), ranks
 *   ascending by score from 1, tied scores given their average rank — the probability that a
 *   random attacker outscores a random non-attacker, ties counting one half
 * - false alerts per 100 users per day = 100 · (alerts on unlabelled keys) / (users · days)
 * - attacker rank: best = 1 + #keys scoring strictly higher; worst = #keys scoring ≥ (ties
 *   resolved against the attacker).
 * Undefined values (no positives, no negatives, k = 0) are null.
 */

export type Scores = ReadonlyMap<string, number>;
export type Labels = ReadonlySet<string>;

/** The user-day key of a user's activity at `at` (epoch ms, UTC day). */
export function userDayKey(user: string, at: number): string {
  return `${user}@${new Date(at).toISOString().slice(0, 10)}`;
}

export interface Ranked {
  key: string;
  score: number;
  positive: boolean;
}

/** The universe ranked: score descending, ties by key ascending. */
export function rank(scores: Scores, labels: Labels): Ranked[] {
  const all = new Map(scores);
  for (const key of labels) if (!all.has(key)) all.set(key, 0);
  return [...all]
    .map(([key, score]) => ({ key, score, positive: labels.has(key) }))
    .sort((a, b) => b.score - a.score || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

function hitsInTop(ranked: readonly Ranked[], k: number): number {
  let hits = 0;
  for (let i = 0; i < Math.min(k, ranked.length); i++) if (ranked[i]!.positive) hits++;
  return hits;
}

export function precisionAtK(scores: Scores, labels: Labels, k: number): number | null {
  if (!(k >= 1)) return null;
  return hitsInTop(rank(scores, labels), k) / k;
}

export function recallAtK(scores: Scores, labels: Labels, k: number): number | null {
  if (labels.size === 0) return null;
  return hitsInTop(rank(scores, labels), k) / labels.size;
}

export function averagePrecision(scores: Scores, labels: Labels): number | null {
  if (labels.size === 0) return null;
  let hits = 0;
  let sum = 0;
  rank(scores, labels).forEach((r, i) => {
    if (!r.positive) return;
    hits++;
    sum += hits / (i + 1);
  });
  return sum / labels.size;
}

export function rocAuc(scores: Scores, labels: Labels): number | null {
  const ascending = rank(scores, labels).reverse();
  const positives = ascending.filter((r) => r.positive).length;
  const negatives = ascending.length - positives;
  if (positives === 0 || negatives === 0) return null;
  let positiveRankSum = 0;
  for (let i = 0; i < ascending.length; ) {
    let j = i;
    while (j < ascending.length && ascending[j]!.score === ascending[i]!.score) j++;
    const averageRank = (i + 1 + j) / 2; // ranks i+1 … j
    for (let t = i; t < j; t++) if (ascending[t]!.positive) positiveRankSum += averageRank;
    i = j;
  }
  return (positiveRankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/**
 * False alerts per 100 users per day. `alertedKeys` holds the key of each alert (user or
 * user-day, matching `labels`); an alert on an unlabelled key is false.
 */
export function falseAlertsPer100UsersPerDay(alertedKeys: Iterable<string>, labels: Labels, users: number, days: number): number | null {
  if (!(users > 0) || !(days > 0)) return null;
  let falseAlerts = 0;
  for (const key of alertedKeys) if (!labels.has(key)) falseAlerts++;
  return (100 * falseAlerts) / (users * days);
}

export interface AttackerRank {
  user: string;
  score: number;
  /** 1 + number scoring strictly higher. */
  bestRank: number;
  /** Number scoring at least as high (itself included). */
  worstRank: number;
  /** worstRank ≤ 2 × (number of attackers across scenarios): the goal. */
  withinTwiceAttackers: boolean;
}

/** Per scenario, the rank of each of its attackers among all scored keys. */
export function attackerRanks(scores: Scores, scenarios: ReadonlyMap<string, ReadonlySet<string>>): Map<string, AttackerRank[]> {
  const attackers = new Set<string>();
  for (const users of scenarios.values()) for (const u of users) attackers.add(u);
  const values = rank(scores, attackers).map((r) => r.score);
  const result = new Map<string, AttackerRank[]>();
  for (const [scenario, users] of scenarios) {
    const ranks = [...users].sort().map((user) => {
      const score = scores.get(user) ?? 0;
      const higher = values.filter((v) => v > score).length;
      const atLeast = values.filter((v) => v >= score).length;
      return { user, score, bestRank: higher + 1, worstRank: atLeast, withinTwiceAttackers: atLeast <= 2 * attackers.size };
    });
    result.set(scenario, ranks);
  }
  return result;
}

export interface RankingReport {
  keys: number;
  positives: number;
  precisionAtK: Record<number, number | null>;
  recallAtK: Record<number, number | null>;
  averagePrecision: number | null;
  rocAuc: number | null;
}

/** The table `riskgraph eval` prints, for one key space (users or user-days). */
export function rankingReport(scores: Scores, labels: Labels, ks: readonly number[]): RankingReport {
  const precision: Record<number, number | null> = {};
  const recall: Record<number, number | null> = {};
  for (const k of ks) {
    precision[k] = precisionAtK(scores, labels, k);
    recall[k] = recallAtK(scores, labels, k);
  }
  return {
    keys: rank(scores, labels).length,
    positives: labels.size,
    precisionAtK: precision,
    recallAtK: recall,
    averagePrecision: averagePrecision(scores, labels),
    rocAuc: rocAuc(scores, labels),
  };
}
