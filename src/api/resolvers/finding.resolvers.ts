import { type FindingFilter, type FindingRecord, findingEvidence } from '../../store/finding.repository.ts';
import { type Connection, decodeCursor, is, pageSize, toConnection } from '../connection.ts';
import type { ApiContext } from '../context.ts';
import { badInput } from '../errors.ts';
import { parseUserId } from '../global-id.ts';
import { type EntityModel, findingModel, type FindingModel, sessionModel } from '../models.ts';
import type { ResolverMap } from '../schema.ts';
import { loadUser } from './helpers.ts';

interface PageArgs {
  first?: number | null;
  after?: string | null;
}

interface FindingFilterInput {
  userId?: string | null;
  indicatorId?: string | null;
  learning?: boolean | null;
  since?: Date | null;
  until?: Date | null;
}

export const findingPosition = is.shape<{ at: number; id: string }>({ at: is.number, id: is.string });

/** A page of findings as a connection (`rows` holds up to limit + 1). */
export function findingConnection(rows: readonly FindingRecord[], limit: number, list: string): Connection<{ node: FindingModel }> {
  return toConnection(rows, limit, list, (f) => ({ at: f.at, id: f.id }), (f) => ({ node: findingModel(f) }));
}

function findingFilter(input: FindingFilterInput | null | undefined): FindingFilter {
  if (!input) return {};
  const since = input.since?.getTime() ?? null;
  const until = input.until?.getTime() ?? null;
  if (since !== null && until !== null && until <= since) {
    throw badInput('filter.until', `must be after filter.since (${input.since!.toISOString()}), got ${input.until!.toISOString()}`);
  }
  if (input.indicatorId !== null && input.indicatorId !== undefined && input.indicatorId.trim() === '') {
    throw badInput('filter.indicatorId', 'must not be empty');
  }
  return {
    user: input.userId ? parseUserId(input.userId, 'filter.userId') : null,
    indicatorId: input.indicatorId ?? null,
    learning: input.learning ?? null,
    since,
    until,
  };
}

export const findingResolvers: ResolverMap = {
  Query: {
    findings: async (_: unknown, args: PageArgs & { filter?: FindingFilterInput | null }, ctx: ApiContext) => {
      const limit = pageSize(args.first);
      const after = decodeCursor('findings', args.after, findingPosition);
      const rows = await ctx.services.repos.findings.page(findingFilter(args.filter), after, limit + 1);
      return findingConnection(rows, limit, 'findings');
    },
  },
  User: {
    findings: async (parent: EntityModel, args: PageArgs & { includeLearning?: boolean | null }, ctx: ApiContext) => {
      const limit = pageSize(args.first);
      const after = decodeCursor('userFindings', args.after, findingPosition);
      const rows = await ctx.loaders.userFindings.load({
        parent: parent.key,
        after,
        limit: limit + 1,
        filter: args.includeLearning === false ? false : null,
      });
      return findingConnection(rows, limit, 'userFindings');
    },
  },
  Finding: {
    evidence: (parent: FindingModel) => findingEvidence({ id: parent.id, evidenceJson: parent.evidenceJson }),
    indicator: (parent: FindingModel, _: unknown, ctx: ApiContext) => ctx.loaders.indicator.load(parent.indicatorId),
    session: async (parent: FindingModel, _: unknown, ctx: ApiContext) => {
      if (parent.sessionId === null) return null;
      const session = await ctx.loaders.session.load(parent.sessionId);
      return session === null ? null : sessionModel(session);
    },
    user: (parent: FindingModel, _: unknown, ctx: ApiContext) => loadUser(ctx, parent.userKey),
  },
};
