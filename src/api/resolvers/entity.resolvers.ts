import type { NodeType } from '../../store/entity.repository.ts';
import { type Connection, decodeCursor, is, pageSize, toConnection } from '../connection.ts';
import type { ApiContext } from '../context.ts';
import { badInput } from '../errors.ts';
import { parseEntityId, parseEntityOrUserId, parseUserId } from '../global-id.ts';
import { accessModel, entityModel, type EntityModel, peerGroupModel, sessionModel, toDate, userModel } from '../models.ts';
import type { ResolverMap } from '../schema.ts';

interface PageArgs {
  first?: number | null;
  after?: string | null;
}

const MAX_DEPTH = 3;
const MAX_PATH_HOPS = 6;

const neighborPosition = is.shape<{ distance: number; type: string; key: string }>({ distance: is.int, type: is.string, key: is.string });

async function neighbors(
  parent: EntityModel,
  args: PageArgs & { depth?: number | null; types?: NodeType[] | null },
  ctx: ApiContext,
): Promise<Connection<object>> {
  const depth = args.depth ?? 1;
  if (!Number.isInteger(depth) || depth < 1 || depth > MAX_DEPTH) throw badInput('depth', `must be between 1 and ${MAX_DEPTH}, got ${depth}`);
  const limit = pageSize(args.first);
  const after = decodeCursor('neighbors', args.after, neighborPosition);
  const rows = await ctx.services.repos.entities.neighbors({
    start: { type: parent.type, id: parent.key },
    depth: depth as 1 | 2 | 3,
    types: args.types && args.types.length > 0 ? args.types : null,
    after,
    limit: limit + 1,
  });
  return toConnection(
    rows,
    limit,
    'neighbors',
    (row) => ({ distance: row.distance, type: row.entity.type, key: row.entity.props.id }),
    (row) => ({ node: entityModel(row.entity), distance: row.distance, access: accessModel(row.access) }),
  );
}

const sessionPosition = is.shape<{ start: number; id: string }>({ start: is.number, id: is.string });
const historyPosition = is.shape<{ effectiveDate: number; id: string }>({ effectiveDate: is.number, id: is.string });

export const entityResolvers: ResolverMap = {
  Query: {
    user: async (_: unknown, args: { id: string }, ctx: ApiContext) => {
      const record = await ctx.loaders.user.load(parseUserId(args.id, 'id'));
      return record === null ? null : userModel(record);
    },
    entity: async (_: unknown, args: { id: string }, ctx: ApiContext) => {
      const record = await ctx.loaders.entity.load(parseEntityId(args.id, 'id'));
      return record === null ? null : entityModel(record);
    },
    paths: async (_: unknown, args: PageArgs & { from: string; to: string; maxHops?: number | null }, ctx: ApiContext) => {
      const maxHops = args.maxHops ?? 4;
      if (!Number.isInteger(maxHops) || maxHops < 1 || maxHops > MAX_PATH_HOPS) {
        throw badInput('maxHops', `must be between 1 and ${MAX_PATH_HOPS}, got ${maxHops}`);
      }
      const limit = pageSize(args.first);
      const position = decodeCursor('paths', args.after, is.int);
      const skip = position === null ? 0 : position + 1;
      const rows = await ctx.services.repos.entities.shortestPaths({
        from: parseEntityOrUserId(args.from),
        to: parseEntityOrUserId(args.to),
        maxHops,
        skip,
        limit: limit + 1,
      });
      const indexed = rows.map((row, i) => ({ row, index: skip + i }));
      return toConnection(
        indexed,
        limit,
        'paths',
        (item) => item.index,
        ({ row }) => ({
          node: {
            length: row.steps.length,
            nodes: row.nodes.map(entityModel),
            steps: row.steps.map((step) => ({
              relationship: step.relationship,
              from: `${step.from.type}:${step.from.id}`,
              to: `${step.to.type}:${step.to.id}`,
            })),
          },
        }),
      );
    },
  },
  Entity: { __resolveType: (value: EntityModel) => value.type },
  User: {
    neighbors,
    manager: async (parent: EntityModel, _: unknown, ctx: ApiContext) => {
      const manager = await ctx.loaders.manager.load(parent.key);
      return manager === null ? null : userModel(manager);
    },
    peerGroups: async (parent: EntityModel, _: unknown, ctx: ApiContext) => {
      const memberships = await ctx.loaders.memberships.load(parent.key);
      return memberships.map((m) => ({ group: peerGroupModel(m.group), degree: m.degree, rank: m.rank }));
    },
    sessions: async (parent: EntityModel, args: PageArgs, ctx: ApiContext) => {
      const limit = pageSize(args.first);
      const after = decodeCursor('sessions', args.after, sessionPosition);
      const sessions = await ctx.loaders.sessionsOfUser.load({ parent: parent.key, after, limit: limit + 1 });
      return toConnection(sessions, limit, 'sessions', (s) => ({ start: s.start, id: s.id }), (s) => ({ node: sessionModel(s) }));
    },
    employmentHistory: async (parent: EntityModel, args: PageArgs, ctx: ApiContext) => {
      const limit = pageSize(args.first);
      const after = decodeCursor('employment', args.after, historyPosition);
      const page = await ctx.loaders.employmentHistory.load({ parent: parent.key, after, limit: limit + 1 });
      return toConnection(
        page.changes,
        limit,
        'employment',
        (c) => ({ effectiveDate: c.effectiveDate, id: c.id }),
        (c) => ({
          node: {
            userId: c.userId,
            status: c.status,
            effectiveDate: toDate(c.effectiveDate),
            lastDay: toDate(c.lastDay),
            recordedAt: toDate(c.recordedAt),
            recordedBy: c.recordedBy,
            current: c.id === page.currentId,
          },
        }),
      );
    },
  },
  Device: { neighbors },
  Application: { neighbors },
  Asset: { neighbors },
};

