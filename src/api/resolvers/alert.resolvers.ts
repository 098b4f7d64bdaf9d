import { DomainError, ErrorCode } from '../../errors.ts';
import { type AlertRecord, type AlertResolution, type AlertSeverity, type AlertStatus, SEVERITY_ORDER } from '../../store/alert.repository.ts';
import { decodeCursor, is, pageSize, toConnection } from '../connection.ts';
import type { ApiContext } from '../context.ts';
import { badInput, notFound } from '../errors.ts';
import { parseUserId } from '../global-id.ts';
import { alertModel, type AlertModel, sessionModel } from '../models.ts';
import { Topic } from '../pubsub/topics.ts';
import type { ResolverMap } from '../schema.ts';
import { loadUser } from './helpers.ts';
import { type NearInput, subscribeNear } from './scoped-subscription.ts';

interface AlertFilter {
  minSeverity?: AlertSeverity | null;
  userId?: string | null;
  statuses?: AlertStatus[] | null;
  raisedAfter?: Date | null;
  near?: NearInput | null;
}

const alertPosition = is.shape<{ raisedAt: number; id: string }>({ raisedAt: is.number, id: is.string });

export function alertMatches(filter: AlertFilter | null | undefined, userKey: string | null) {
  const minRank = filter?.minSeverity ? SEVERITY_ORDER.indexOf(filter.minSeverity) : 0;
  return (alert: AlertRecord): boolean =>
    (userKey === null || alert.user === userKey) && SEVERITY_ORDER.indexOf(alert.severity) >= minRank;
}

export const alertResolvers: ResolverMap = {
  Query: {
    alerts: async (_: unknown, args: { filter?: AlertFilter | null; first?: number | null; after?: string | null }, ctx: ApiContext) => {
      const limit = pageSize(args.first);
      const after = decodeCursor('alerts', args.after, alertPosition);
      const filter = args.filter ?? {};
      if (filter.near) throw badInput('filter.near', 'only Subscription.alertRaised filters by graph position; list the alerts of each user instead');
      const alerts = await ctx.services.repos.alerts.page({
        minSeverity: filter.minSeverity ?? null,
        user: filter.userId ? parseUserId(filter.userId, 'filter.userId') : null,
        statuses: filter.statuses && filter.statuses.length > 0 ? filter.statuses : null,
        raisedAfter: filter.raisedAfter ? filter.raisedAfter.getTime() : null,
        after,
        limit: limit + 1,
      });
      return toConnection(alerts, limit, 'alerts', (a) => ({ raisedAt: a.raisedAt, id: a.id }), (a) => ({ node: alertModel(a) }));
    },
  },
  Mutation: {
    acknowledgeAlert: {
      resolve: async (_: unknown, args: { id: string }, ctx: ApiContext) => {
        const result = await ctx.services.repos.alerts.acknowledge(args.id, ctx.principal.id, ctx.services.clock());
        if (result === null) throw notFound('alert', args.id);
        if (result.previousStatus === 'RESOLVED') {
          throw new DomainError(ErrorCode.BAD_INPUT, `id: alert '${args.id}' is already resolved; it cannot be acknowledged`, {
            details: { field: 'id' },
          });
        }
        return alertModel(result.alert);
      },
      audit: (args: { id: string }) => ({ target: args.id, details: {} }),
    },
    resolveAlert: {
      resolve: async (_: unknown, args: { id: string; resolution: AlertResolution }, ctx: ApiContext) => {
        const alert = await ctx.services.repos.alerts.resolve(args.id, args.resolution, ctx.principal.id, ctx.services.clock());
        if (alert === null) throw notFound('alert', args.id);
        return alertModel(alert);
      },
      audit: (args: { id: string; resolution: AlertResolution }) => ({ target: args.id, details: { resolution: args.resolution } }),
    },
  },
  Subscription: {
    alertRaised: {
      subscribe: (_: unknown, args: { filter?: AlertFilter | null }, ctx: ApiContext) => {
        const userKey = args.filter?.userId ? parseUserId(args.filter.userId, 'filter.userId') : null;
        return subscribeNear<AlertRecord>(ctx, Topic.ALERT_RAISED, {
          accept: alertMatches(args.filter, userKey),
          userOf: (alert) => alert.user,
          near: args.filter?.near,
        });
      },
      resolve: (alert: AlertRecord) => alertModel(alert),
    },
  },
  Alert: {
    user: (parent: AlertModel, _: unknown, ctx: ApiContext) => loadUser(ctx, parent.userKey),
    session: async (parent: AlertModel, _: unknown, ctx: ApiContext) => {
      if (parent.sessionId === null) return null;
      const session = await ctx.loaders.session.load(parent.sessionId);
      return session === null ? null : sessionModel(session);
    },
  },
};
