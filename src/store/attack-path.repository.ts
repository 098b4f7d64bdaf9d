import { Neo4jError } from 'neo4j-driver';
import {
  ATTACK_PATH_LIMITS,
  ATTACK_PATH_WEIGHTS,
  type AttackPathLimits,
  AttackPathRanking,
  type AttackPathWeights,
  type ExpansionDegrees,
  estimateExpansions,
  pathLowerBounds,
} from '../analytics/attack-paths.ts';
import { DomainError, ErrorCode } from '../errors.ts';
import { cypher } from './cypher.ts';
import type { NodeType } from './entity.repository.ts';
import { type Neo4jExecutor, runIn } from './executor.ts';

/**
 * Behaviour-weighted attack paths (see analytics/attack-paths.ts for the cost of a hop): the
 * cheapest (or riskiest) simple paths from a user or device to a named asset or to the critical
 * assets, with each hop's statistics and cost. One read transaction with a timeout runs three
 * or four statements: the targets and the active peer-group build; the degree sums that say how
 * much the search would read (refused over the limit, before it runs); the search itself. Ranked by risk,
 * or within 2 hops, the search is exhaustive: attack-paths-head, attack-paths-within-N (N =
 * maxHops: a path bound cannot be a parameter) and attack-paths-rank. Ranked LEAST_UNUSUAL over
 * 3 hops or more it is bounded by cost, with the same answer, in up to two statements: the
 * paths of up to 3 hops (attack-paths-cheapest-head), then, only when a longer path could cost
 * less than the worst of them (pathLowerBounds), the longer paths under that cost
 * (attack-paths-longer-head, attack-paths-cheapest-exactly-L for L = 4…maxHops); each ends in
 * attack-paths-cheapest-tail and attack-paths-rank.
 */
export interface AttackPathQuery {
  from: { type: 'User' | 'Device'; id: string };
  /** An asset key, or null with `toCriticalAssets`. */
  to: string | null;
  toCriticalAssets: boolean;
  maxHops: number;
  first: number;
  rankBy: AttackPathRanking;
  /** The clock, epoch ms (recency of accesses). */
  now: number;
}

/** Nodes a path goes through: entities, and the peer groups of MEMBER_OF hops. */
export type PathNodeType = NodeType | 'PeerGroup';

export interface PathNodeRecord {
  type: PathNodeType;
  props: { id: string; [property: string]: unknown };
}

export interface AttackPathHopRecord {
  relationship: 'ACCESSED' | 'REPORTS_TO' | 'MEMBER_OF';
  from: { type: PathNodeType; id: string };
  to: { type: PathNodeType; id: string };
  /** The user whose behaviour the hop is. */
  actor: string | null;
  count: number | null;
  lastSeen: number | null;
  /** Share of the actor's peer group that made the same access (at the active build), or null. */
  peerShare: number | null;
  /** MEMBER_OF: degree of membership. */
  degree: number | null;
  /** ACCESSED: (now − lastSeen) / staleDays, capped at 1. */
  staleness: number | null;
  cost: number;
}

export interface AttackPathRecord {
  cost: number;
  /** Highest risk score of an account on the path after the start, or null. */
  risk: number | null;
  nodes: PathNodeRecord[];
  hops: AttackPathHopRecord[];
}

export interface AttackPathResult {
  /** The assets searched for, most critical first with toCriticalAssets. */
  targets: string[];
  /** Relationships a search of every path would read, estimated (the cost-bounded search reads fewer). */
  estimatedExpansions: number;
  paths: AttackPathRecord[];
}

export interface AttackPathRepository {
  /** Null when the start entity does not exist. */
  find(query: AttackPathQuery): Promise<AttackPathResult | null>;
}

/** Neo4j's code for a transaction ended by the timeout its client set. */
const TIMED_OUT_CODES = new Set(['Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration', 'Neo.ClientError.Transaction.TransactionTimedOut']);

export class Neo4jAttackPathRepository implements AttackPathRepository {
  readonly #executor: Neo4jExecutor;
  readonly #limits: AttackPathLimits;
  readonly #weights: AttackPathWeights;
  readonly #statements = new Map<string, string>();

  constructor(executor: Neo4jExecutor, options: { limits?: Partial<AttackPathLimits>; weights?: AttackPathWeights } = {}) {
    this.#executor = executor;
    this.#limits = { ...ATTACK_PATH_LIMITS, ...options.limits };
    this.#weights = options.weights ?? ATTACK_PATH_WEIGHTS;
  }

  get limits(): AttackPathLimits {
    return this.#limits;
  }

  async find(query: AttackPathQuery): Promise<AttackPathResult | null> {
    const limits = this.#limits;
    try {
      return await this.#executor.read(async (tx) => {
        const [target] = await runIn<{ targets: string[]; peerBuild: string | null }>(tx, cypher('attack-path-targets'), {
          to: query.to,
          critical: query.toCriticalAssets,
          limit: limits.maxTargets + 1,
        });
        const targets = target?.targets ?? [];
        if (targets.length > limits.maxTargets) {
          throw new DomainError(
            ErrorCode.LIMIT_EXCEEDED,
            `attack paths: more than ${limits.maxTargets} critical assets to search for (the limit of targets); name one asset with 'to'`,
            { details: { limit: 'targets', max: limits.maxTargets } },
          );
        }
        const source = { fromType: query.from.type, fromKey: query.from.id };
        const [degrees] = await runIn<ExpansionDegrees>(tx, cypher('attack-path-budget'), { ...source, targets });
        if (degrees === undefined) return null;
        const estimatedExpansions = estimateExpansions(degrees, query.maxHops);
        if (estimatedExpansions > limits.maxExpansions) {
          throw new DomainError(
            ErrorCode.LIMIT_EXCEEDED,
            `attack paths: a search of ${query.maxHops} hops from ${query.from.type}:${query.from.id} would read about ${estimatedExpansions} relationships, over the limit of ${limits.maxExpansions} expansions; lower maxHops or name fewer targets`,
            { details: { limit: 'expansions', max: limits.maxExpansions, estimated: estimatedExpansions } },
          );
        }
        if (targets.length === 0) return { targets, estimatedExpansions, paths: [] };
        const params = {
          ...source,
          targets,
          first: query.first,
          rankBy: query.rankBy,
          now: query.now,
          peerBuild: target?.peerBuild ?? null,
          weights: {
            unknownPeerShare: this.#weights.unknownPeerShare,
            staleMs: this.#weights.staleDays * 86_400_000,
            reportsTo: this.#weights.reportsTo,
            peerBase: this.#weights.peerBase,
          },
        };
        if (query.rankBy !== AttackPathRanking.LEAST_UNUSUAL || query.maxHops < 3) {
          const rows = await runIn<RawPath>(tx, this.#statement('all', query.maxHops), params);
          return { targets, estimatedExpansions, paths: rows.map(toRecord) };
        }
        const short = await runIn<RawPath>(tx, this.#statement('short', 3), params);
        // A longer path enters the answer only by costing less than the worst short one kept.
        const bound = short.length < query.first ? null : short[query.first - 1]!.cost;
        const lowerBounds = pathLowerBounds(query.from.type, query.maxHops, this.#weights);
        const longerMayEnter = lowerBounds.some((least, hops) => hops > 3 && (bound === null || least < bound));
        const longer = longerMayEnter ? await runIn<RawPath>(tx, this.#statement('longer', query.maxHops), { ...params, bound, lowerBounds }) : [];
        // Both lists come ranked; a short and a longer path never tie on (cost, length), so a
        // stable sort on those two merges them in the order one statement would have given.
        const rows = [...short, ...longer].sort((a, b) => a.cost - b.cost || a.hops.length - b.hops.length).slice(0, query.first);
        return { targets, estimatedExpansions, paths: rows.map(toRecord) };
      }, { timeout: limits.timeoutMs });
    } catch (error) {
      const cause = error instanceof DomainError ? error.cause : error;
      if (cause instanceof Neo4jError && TIMED_OUT_CODES.has(cause.code)) {
        throw new DomainError(
          ErrorCode.TIMED_OUT,
          `attack paths: the search ran out of its time limit of ${limits.timeoutMs} ms; lower maxHops or name fewer targets`,
          { cause, details: { limit: 'time', maxMs: limits.timeoutMs } },
        );
      }
      throw error;
    }
  }

  #statement(kind: 'all' | 'short' | 'longer', maxHops: number): string {
    const key = `${kind}:${maxHops}`;
    let text = this.#statements.get(key);
    if (text === undefined) {
      if (!Number.isInteger(maxHops) || maxHops < 1 || maxHops > 6) throw new Error(`no attack-path statement for ${maxHops} hops`);
      // Static files joined: nothing from the request is spliced into the text.
      const parts =
        kind === 'all'
          ? [cypher('attack-paths-head'), cypher(`attack-paths-within-${maxHops}`)]
          : kind === 'short'
            ? [cypher('attack-paths-cheapest-head'), cypher('attack-paths-cheapest-tail')]
            : [
                cypher('attack-paths-longer-head'),
                ...Array.from({ length: maxHops - 3 }, (_, i) => cypher(`attack-paths-cheapest-exactly-${i + 4}`)),
                cypher('attack-paths-cheapest-tail'),
              ];
      text = [...parts, cypher('attack-paths-rank')].join('\n');
      this.#statements.set(key, text);
    }
    return text;
  }
}

interface RawPath {
  cost: number;
  risk: number | null;
  nodes: Array<{ type: PathNodeType; entity: PathNodeRecord['props'] }>;
  /** A hop as the statement returns it: its ends as type and key columns. */
  hops: Array<Omit<AttackPathHopRecord, 'from' | 'to'> & { fromType: PathNodeType; fromKey: string; toType: PathNodeType; toKey: string }>;
}

function toRecord(row: RawPath): AttackPathRecord {
  return {
    cost: row.cost,
    risk: row.risk,
    nodes: row.nodes.map((node) => ({ type: node.type, props: node.entity })),
    hops: row.hops.map((hop) => ({
      relationship: hop.relationship,
      from: { type: hop.fromType, id: hop.fromKey },
      to: { type: hop.toType, id: hop.toKey },
      actor: hop.actor,
      count: hop.count ?? null,
      lastSeen: hop.lastSeen ?? null,
      peerShare: hop.peerShare ?? null,
      degree: hop.degree ?? null,
      staleness: hop.staleness ?? null,
      cost: hop.cost,
    })),
  };
}
