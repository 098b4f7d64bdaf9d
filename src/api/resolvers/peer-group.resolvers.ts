import { decodeCursor, is, pageSize, toConnection } from '../connection.ts';
import type { ApiContext } from '../context.ts';
import { peerGroupModel, type PeerGroupModel, userModel } from '../models.ts';
import type { ResolverMap } from '../schema.ts';

const memberPosition = is.shape<{ rank: number; degree: number; id: string }>({ rank: is.int, degree: is.number, id: is.string });

export const peerGroupResolvers: ResolverMap = {
  Query: {
    peerGroups: async (_: unknown, args: { kind?: string | null; first?: number | null; after?: string | null }, ctx: ApiContext) => {
      const limit = pageSize(args.first);
      const after = decodeCursor('peerGroups', args.after, is.string);
      const groups = await ctx.services.repos.peerGroups.page(args.kind ?? null, after, limit + 1);
      return toConnection(groups, limit, 'peerGroups', (g) => g.id, (g) => ({ node: peerGroupModel(g) }));
    },
    peerGroup: async (_: unknown, args: { id: string }, ctx: ApiContext) => {
      const group = await ctx.loaders.peerGroup.load(args.id);
      return group === null ? null : peerGroupModel(group);
    },
  },
  Mutation: {
    recomputePeerGroups: {
      resolve: (_: unknown, args: { wait?: boolean | null }, ctx: ApiContext) => ctx.services.peerGroups.recompute(args.wait === true),
      audit: (args: { wait?: boolean | null }, result?: { buildId: string | null }) => ({
        target: result?.buildId ?? null,
        details: { wait: args.wait === true },
      }),
    },
  },
  PeerGroup: {
    members: async (parent: PeerGroupModel, args: { first?: number | null; after?: string | null }, ctx: ApiContext) => {
      const limit = pageSize(args.first);
      const after = decodeCursor('members', args.after, memberPosition);
      const members = await ctx.loaders.members.load({ parent: parent.id, after, limit: limit + 1 });
      for (const member of members) ctx.loaders.user.prime(member.user.id, member.user);
      return toConnection(
        members,
        limit,
        'members',
        (m) => ({ rank: m.rank ?? 1, degree: m.degree, id: m.user.id }),
        (m) => ({ node: userModel(m.user), degree: m.degree, rank: m.rank }),
      );
    },
  },
};
