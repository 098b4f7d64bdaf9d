import type { AssetCriticalityChange, WatchlistSummary } from '../../store/context-inputs.repository.ts';
import { decodeCursor, is, pageSize, toConnection } from '../connection.ts';
import type { ApiContext } from '../context.ts';
import { badInput } from '../errors.ts';
import { parseAssetId, parseUserId, toGlobalId } from '../global-id.ts';
import { entityModel, userModel } from '../models.ts';
import type { ResolverMap } from '../schema.ts';

/**
 * The fusion context inputs administrators maintain (schema/context.graphql): asset
 * criticality and watchlists. Resolvers check the arguments and call the repository; the
 * pipeline reads what they store (see context-inputs.repository.ts).
 */

/** Allowed asset criticality multipliers: below 1 dampens, above 1 amplifies a finding. */
export const CRITICALITY_RANGE = Object.freeze({ min: 0.1, max: 10 });
/** Users per watchlist change; larger lists go in several calls. */
export const MAX_WATCHLIST_BATCH = 1000;
/** Users named in a watchlist change's audit entry at most. */
const AUDITED_USERS = 50;
const LIST_NAME = /^[A-Za-z0-9_-]{1,64}$/;

const criticalAssetPosition = is.shape<{ criticality: number; id: string }>({ criticality: is.number, id: is.string });

interface PageArgs {
  first?: number | null;
  after?: string | null;
}

interface CriticalityArgs {
  assetId: string;
  criticality?: number | null;
}

interface WatchlistArgs {
  list: string;
  userIds: string[];
}

/** A value for an error message: quoted, and cut short so a huge argument cannot flood it. */
function quoted(value: string): string {
  return value.length > 80 ? `'${value.slice(0, 80)}…'` : `'${value}'`;
}

function checkCriticality(criticality: number): number {
  if (!Number.isFinite(criticality) || criticality < CRITICALITY_RANGE.min || criticality > CRITICALITY_RANGE.max) {
    throw badInput('criticality', `${criticality} is out of range: must be between ${CRITICALITY_RANGE.min} and ${CRITICALITY_RANGE.max} (1 = normal), or null to clear`);
  }
  return criticality;
}

function checkListName(list: string): string {
  if (!LIST_NAME.test(list)) throw badInput('list', `${quoted(list)} is not a watchlist name: use 1–64 letters, digits, '-' or '_'`);
  return list;
}

function checkUserIds(userIds: readonly string[]): string[] {
  if (userIds.length === 0) throw badInput('userIds', 'must hold at least one user id');
  if (userIds.length > MAX_WATCHLIST_BATCH) throw badInput('userIds', `${userIds.length} users exceed the limit of ${MAX_WATCHLIST_BATCH} per call`);
  return [...new Set(userIds.map((id, i) => parseUserId(id, `userIds[${i}]`)))];
}

/** The audit target of an asset argument (its typed id), also when the argument is malformed. */
function assetTarget(assetId: string): string {
  try {
    return toGlobalId('Asset', parseAssetId(assetId, 'assetId'));
  } catch {
    return assetId;
  }
}

function assetModel(change: AssetCriticalityChange) {
  // `previousCriticality` and `created` are not in the schema: they are for the audit entry.
  return { ...entityModel({ type: 'Asset', props: change.asset }), previousCriticality: change.previous, created: change.created };
}

function watchlistModel(summary: WatchlistSummary) {
  return { name: summary.name, size: summary.size };
}

function watchlistAudit(args: WatchlistArgs, counted: 'added' | 'removed', result?: { size: number; changed: number }) {
  return {
    target: `watchlist:${args.list}`,
    details: {
      count: args.userIds.length,
      userIds: args.userIds.slice(0, AUDITED_USERS),
      ...(result ? { [counted]: result.changed, size: result.size } : {}),
    },
  };
}

export const contextInputResolvers: ResolverMap = {
  Query: {
    watchlists: async (_: unknown, args: PageArgs, ctx: ApiContext) => {
      const limit = pageSize(args.first);
      const after = decodeCursor('watchlists', args.after, is.string);
      const lists = await ctx.services.repos.contextInputs.watchlists(after, limit + 1);
      return toConnection(lists, limit, 'watchlists', (w) => w.name, (w) => ({ node: watchlistModel(w) }));
    },
    criticalAssets: async (_: unknown, args: PageArgs, ctx: ApiContext) => {
      const limit = pageSize(args.first);
      const after = decodeCursor('criticalAssets', args.after, criticalAssetPosition);
      const assets = await ctx.services.repos.contextInputs.criticalAssets(after, limit + 1);
      return toConnection(
        assets,
        limit,
        'criticalAssets',
        (a) => ({ criticality: a.criticality as number, id: a.id }),
        (a) => ({ node: entityModel({ type: 'Asset', props: a }) }),
      );
    },
  },
  Mutation: {
    setAssetCriticality: {
      resolve: async (_: unknown, args: CriticalityArgs, ctx: ApiContext) => {
        const assetId = parseAssetId(args.assetId, 'assetId');
        const repository = ctx.services.repos.contextInputs;
        if (args.criticality === null || args.criticality === undefined) {
          const cleared = await repository.clearAssetCriticality(assetId);
          return cleared === null ? null : assetModel(cleared);
        }
        return assetModel(await repository.setAssetCriticality(assetId, checkCriticality(args.criticality)));
      },
      audit: (args: CriticalityArgs, result?: { previousCriticality: number | null; created: boolean } | null) => ({
        target: assetTarget(args.assetId),
        details: {
          criticality: args.criticality ?? null,
          // null: clearing an asset the graph does not know (nothing changed).
          ...(result === undefined ? {} : result === null ? { known: false } : { previous: result.previousCriticality, created: result.created }),
        },
      }),
    },
    addToWatchlist: {
      resolve: async (_: unknown, args: WatchlistArgs, ctx: ApiContext) => {
        const list = checkListName(args.list);
        const change = await ctx.services.repos.contextInputs.addToWatchlist(list, checkUserIds(args.userIds));
        return { ...watchlistModel(change), changed: change.changed };
      },
      audit: (args: WatchlistArgs, result?: { size: number; changed: number }) => watchlistAudit(args, 'added', result),
    },
    removeFromWatchlist: {
      resolve: async (_: unknown, args: WatchlistArgs, ctx: ApiContext) => {
        const list = checkListName(args.list);
        const change = await ctx.services.repos.contextInputs.removeFromWatchlist(list, checkUserIds(args.userIds));
        return { ...watchlistModel(change), changed: change.changed };
      },
      audit: (args: WatchlistArgs, result?: { size: number; changed: number }) => watchlistAudit(args, 'removed', result),
    },
  },
  Watchlist: {
    members: async (parent: { name: string }, args: PageArgs, ctx: ApiContext) => {
      const limit = pageSize(args.first);
      const after = decodeCursor('watchlistMembers', args.after, is.string);
      const members = await ctx.loaders.watchlistMembers.load({ parent: parent.name, after, limit: limit + 1 });
      for (const member of members) ctx.loaders.user.prime(member.id, member);
      return toConnection(members, limit, 'watchlistMembers', (u) => u.id, (u) => ({ node: userModel(u) }));
    },
  },
};
