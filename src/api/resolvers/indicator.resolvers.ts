import { decodeCursor, is, pageSize, toConnection } from '../connection.ts';
import type { ApiContext } from '../context.ts';
import type { IndicatorConfigurationInput, IndicatorDescriptor } from '../ports.ts';
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
  Mutation: {
    configureIndicator: {
      resolve: (_: unknown, args: { input: IndicatorConfigurationInput }, ctx: ApiContext) =>
        ctx.services.settings.configureIndicator(args.input, ctx.principal.id),
      audit: (args: { input: IndicatorConfigurationInput }) => {
        const { id, ...changes } = args.input;
        return { target: id, details: Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== null && value !== undefined)) };
      },
    },
    resetIndicator: {
      resolve: (_: unknown, args: { id: string }, ctx: ApiContext) => ctx.services.settings.resetIndicator(args.id, ctx.principal.id),
      audit: (args: { id: string }) => ({ target: args.id, details: {} }),
    },
  },
  // A catalogue that does not know the configuration (e.g. one injected by tests) shows none.
  Indicator: {
    threshold: (parent: IndicatorDescriptor) => parent.threshold ?? null,
    params: (parent: IndicatorDescriptor) => parent.params ?? [],
    overridden: (parent: IndicatorDescriptor) => parent.overridden ?? false,
  },
};
