import { decodeCursor, is, pageSize, toConnection } from '../connection.ts';
import type { ApiContext } from '../context.ts';
import type { ResolverMap } from '../schema.ts';

export const indicatorResolvers: ResolverMap = {
  Query: {
    indicators: async (_: unknown, args: { first?: number | null; after?: string | null }, ctx: ApiContext) => {
      const limit = pageSize(args.first);
      const after = decodeCursor('indicators', args.after, is.string);
      const all = [...(await ctx.services.indicators.list())].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      const rest = after === null ? all : all.filter((indicator) => indicator.id > after);
      return toConnection(rest.slice(0, limit + 1), limit, 'indicators', (i) => i.id, (i) => ({ node: i }));
    },
  },
};
