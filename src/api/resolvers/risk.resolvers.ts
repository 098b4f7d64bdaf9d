import { decodeCursor, is, pageSize, toConnection } from '../connection.ts';
import type { ApiContext } from '../context.ts';
import { badInput } from '../errors.ts';
import { parseUserId } from '../global-id.ts';
import { parseUserRiskExplanation } from '../../store/risk-history.repository.ts';
import { riskSnapshotModel, sessionModel, storedRiskLevel, toDate, type UserModel, userModel } from '../models.ts';
import type { RiskScoreChange } from '../ports.ts';
import { Topic } from '../pubsub/topics.ts';
import { RISK_LEVEL_ORDER, type RiskLevel, riskLevelOf } from '../risk-level.ts';
import type { ResolverMap } from '../schema.ts';
import { loadUser } from './helpers.ts';
import { type NearInput, subscribeNear } from './scoped-subscription.ts';

const leaderboardPosition = is.shape<{ score: number; id: string }>({ score: is.number, id: is.string });
const snapshotPosition = is.shape<{ at: number; score: number; previousScore: number }>({ at: is.number, score: is.number, previousScore: is.number });

interface RiskChangeFilter {
  userId?: string | null;
  minScore?: number | null;
  minLevel?: RiskLevel | null;
  near?: NearInput | null;
}

export function riskChangeMatches(filter: RiskChangeFilter | null | undefined, userKey: string | null) {
  const minRank = filter?.minLevel ? RISK_LEVEL_ORDER.indexOf(filter.minLevel) : 0;
  return (change: RiskScoreChange): boolean =>
    (userKey === null || change.user === userKey) &&
    (filter?.minScore === null || filter?.minScore === undefined || change.score >= filter.minScore) &&
    RISK_LEVEL_ORDER.indexOf(riskLevelOf(change.score)) >= minRank;
}

export const riskResolvers: ResolverMap = {
  Query: {
    riskLeaderboard: async (_: unknown, args: { first: number; after?: string | null }, ctx: ApiContext) => {
      const limit = pageSize(args.first);
      const after = decodeCursor('leaderboard', args.after, leaderboardPosition);
      const rows = await ctx.services.repos.entities.riskLeaderboard(after, limit + 1);
      for (const row of rows) ctx.loaders.user.prime(row.user.id, row.user);
      return toConnection(rows, limit, 'leaderboard', (row) => ({ score: row.score, id: row.user.id }), (row) => ({ node: userModel(row.user) }));
    },
  },
  Subscription: {
    riskScoreChanged: {
      subscribe: (_: unknown, args: { filter?: RiskChangeFilter | null }, ctx: ApiContext) => {
        const userKey = args.filter?.userId ? parseUserId(args.filter.userId, 'filter.userId') : null;
        const minScore = args.filter?.minScore;
        if (minScore !== null && minScore !== undefined && (minScore < 0 || minScore > 100)) {
          throw badInput('filter.minScore', `must be between 0 and 100, got ${minScore}`);
        }
        return subscribeNear<RiskScoreChange>(ctx, Topic.RISK_SCORE_CHANGED, {
          accept: riskChangeMatches(args.filter, userKey),
          userOf: (change) => change.user,
          near: args.filter?.near,
        });
      },
      resolve: (change: RiskScoreChange) => ({
        userKey: change.user,
        previousScore: change.previousScore,
        score: change.score,
        level: riskLevelOf(change.score),
        changedAt: toDate(change.changedAt),
        reasons: change.reasons,
      }),
    },
  },
  RiskScoreChange: {
    user: (parent: { userKey: string }, _: unknown, ctx: ApiContext) => loadUser(ctx, parent.userKey),
  },
  User: {
    riskHistory: async (parent: UserModel, args: { first?: number | null; after?: string | null; since?: Date | null }, ctx: ApiContext) => {
      const limit = pageSize(args.first);
      const after = decodeCursor('riskHistory', args.after, snapshotPosition);
      const since = args.since ? args.since.getTime() : null;
      const rows = await ctx.loaders.riskHistory.load({ parent: parent.key, after, limit: limit + 1, filter: since });
      return toConnection(
        rows,
        limit,
        'riskHistory',
        (r) => ({ at: r.at, score: r.score, previousScore: r.previousScore }),
        (r) => ({ node: riskSnapshotModel(r) }),
      );
    },
    riskExplanation: (parent: UserModel) => {
      const explanation = parseUserRiskExplanation(parent.riskExplanationSource, parent.key);
      if (explanation === null) return null;
      return { ...explanation, level: storedRiskLevel(explanation.level, explanation.score), computedAt: toDate(explanation.computedAt) };
    },
  },
  SessionRiskContribution: {
    session: async (parent: { sessionId: string }, _: unknown, ctx: ApiContext) => {
      const session = await ctx.loaders.session.load(parent.sessionId);
      return session === null ? null : sessionModel(session);
    },
  },
};

