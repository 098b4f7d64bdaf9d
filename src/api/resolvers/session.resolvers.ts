import { decodeCursor, is, pageSize, toConnection } from '../connection.ts';
import type { ApiContext } from '../context.ts';
import { entityModel, sessionModel, type SessionModel } from '../models.ts';
import type { ResolverMap } from '../schema.ts';
import { loadUser } from './helpers.ts';

const touchedPosition = is.shape<{ count: number; type: string; key: string }>({ count: is.number, type: is.string, key: is.string });

export const sessionResolvers: ResolverMap = {
  Query: {
    session: async (_: unknown, args: { id: string }, ctx: ApiContext) => {
      const record = await ctx.loaders.session.load(args.id);
      return record === null ? null : sessionModel(record);
    },
  },
  Session: {
    user: (parent: SessionModel, _: unknown, ctx: ApiContext) => loadUser(ctx, parent.userKey),
    touched: async (parent: SessionModel, args: { first?: number | null; after?: string | null }, ctx: ApiContext) => {
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
  },
};
