import { parseExplanation } from '../../store/session.repository.ts';
import { decodeCursor, is, pageSize, toConnection } from '../connection.ts';
import type { ApiContext } from '../context.ts';
import { type ContributionModel, entityModel, explanationModel, sessionModel, type SessionModel, timelineEventModel } from '../models.ts';
import type { ResolverMap } from '../schema.ts';
import { findingConnection, findingPosition } from './finding.resolvers.ts';
import { loadUser } from './helpers.ts';

interface PageArgs {
  first?: number | null;
  after?: string | null;
}

const touchedPosition = is.shape<{ count: number; type: string; key: string }>({ count: is.number, type: is.string, key: is.string });
const timelinePosition = is.shape<{ ts: number; id: string }>({ ts: is.number, id: is.string });
const sessionPosition = is.shape<{ start: number; id: string }>({ start: is.number, id: is.string });

/** A page of a session's findings in time order; `learning`: true for learning ones only, null for all. */
async function sessionFindings(ctx: ApiContext, sessionId: string, args: PageArgs, learning: boolean | null) {
  const limit = pageSize(args.first);
  const after = decodeCursor('sessionFindings', args.after, findingPosition);
  const rows = await ctx.loaders.sessionFindings.load({ parent: sessionId, after, limit: limit + 1, filter: learning });
  return findingConnection(rows, limit, 'sessionFindings');
}

export const sessionResolvers: ResolverMap = {
  Query: {
    session: async (_: unknown, args: { id: string }, ctx: ApiContext) => {
      const record = await ctx.loaders.session.load(args.id);
      return record === null ? null : sessionModel(record);
    },
    wouldHaveAlerted: async (_: unknown, args: PageArgs & { minScore?: number | null }, ctx: ApiContext) => {
      const limit = pageSize(args.first);
      const after = decodeCursor('wouldHaveAlerted', args.after, sessionPosition);
      // The alert policy's default: the pipeline decides session alerts with the same threshold.
      const threshold = args.minScore ?? ctx.services.alertSessionPoints;
      const sessions = await ctx.services.repos.sessions.wouldHaveAlerted(threshold, after, limit + 1);
      for (const session of sessions) ctx.loaders.session.prime(session.id, session);
      const page = toConnection(sessions, limit, 'wouldHaveAlerted', (s) => ({ start: s.start, id: s.id }), (s) => ({ node: sessionModel(s) }));
      return { ...page, threshold };
    },
  },
  Session: {
    user: (parent: SessionModel, _: unknown, ctx: ApiContext) => loadUser(ctx, parent.userKey),
    touched: async (parent: SessionModel, args: PageArgs, ctx: ApiContext) => {
      const limit = pageSize(args.first);
      const after = decodeCursor('touched', args.after, touchedPosition);
      const rows = await ctx.loaders.touched.load({ parent: parent.id, after, limit: limit + 1 });
      return toConnection(
        rows,
        limit,
        'touched',
        (row) => ({ count: row.count, type: row.entity.type, key: row.entity.props.id }),
        (row) => ({ node: entityModel(row.entity), count: row.count }),
      );
    },
    findings: (parent: SessionModel, args: PageArgs & { includeLearning?: boolean | null }, ctx: ApiContext) =>
      sessionFindings(ctx, parent.id, args, args.includeLearning === false ? false : null),
    explanation: async (parent: SessionModel, _: unknown, ctx: ApiContext) => {
      const stored = await ctx.loaders.explanation.load(parent.id);
      return stored === null ? null : explanationModel(parseExplanation(stored));
    },
    timeline: async (parent: SessionModel, args: PageArgs, ctx: ApiContext) => {
      const limit = pageSize(args.first);
      const after = decodeCursor('timeline', args.after, timelinePosition);
      const page = await ctx.loaders.timeline.load({ parent: parent.id, after, limit: limit + 1 });
      const connection = toConnection(page.events, limit, 'timeline', (e) => ({ ts: e.ts, id: e.id }), (e) => ({ node: timelineEventModel(e) }));
      return { ...connection, omittedEvents: page.omitted };
    },
  },
  WouldHaveAlertedEdge: {
    learningFindings: (parent: { node: SessionModel }, args: PageArgs, ctx: ApiContext) => sessionFindings(ctx, parent.node.id, args, true),
  },
  ScoreContribution: {
    indicator: (parent: ContributionModel, _: unknown, ctx: ApiContext) => ctx.loaders.indicator.load(parent.indicatorId),
    title: async (parent: ContributionModel, _: unknown, ctx: ApiContext) => (await ctx.loaders.indicator.load(parent.indicatorId))?.title ?? parent.indicatorId,
  },
};
