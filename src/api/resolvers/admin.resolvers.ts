import { randomBytes } from 'node:crypto';
import { hashApiKeySecret, newApiKeySecret } from '../../auth/api-key.authenticator.ts';
import type { Role } from '../../auth/roles.ts';
import type { ApiKeyRecord } from '../../store/api-key.repository.ts';
import { decodeCursor, is, pageSize, toConnection } from '../connection.ts';
import type { ApiContext } from '../context.ts';
import { badInput, notFound } from '../errors.ts';
import { toDate } from '../models.ts';
import type { ResolverMap } from '../schema.ts';

const keyPosition = is.shape<{ createdAt: number; id: string }>({ createdAt: is.number, id: is.string });
const auditPosition = is.shape<{ at: number; id: string }>({ at: is.number, id: is.string });

function apiKeyModel(key: ApiKeyRecord) {
  return { ...key, createdAt: toDate(key.createdAt), revokedAt: toDate(key.revokedAt) };
}

export const adminResolvers: ResolverMap = {
  Query: {
    apiInfo: (_: unknown, __: unknown, ctx: ApiContext) => ({
      name: 'riskgraph',
      version: ctx.services.version,
      principal: ctx.principal.id,
      role: ctx.principal.role,
    }),
    apiKeys: async (_: unknown, args: { first?: number | null; after?: string | null }, ctx: ApiContext) => {
      const limit = pageSize(args.first);
      const after = decodeCursor('apiKeys', args.after, keyPosition);
      const keys = await ctx.services.repos.apiKeys.page(after, limit + 1);
      return toConnection(keys, limit, 'apiKeys', (k) => ({ createdAt: k.createdAt, id: k.id }), (k) => ({ node: apiKeyModel(k) }));
    },
    auditTrail: async (_: unknown, args: { actor?: string | null; first?: number | null; after?: string | null }, ctx: ApiContext) => {
      const limit = pageSize(args.first);
      const after = decodeCursor('audit', args.after, auditPosition);
      const entries = await ctx.services.repos.audit.page({ actor: args.actor ?? null, after, limit: limit + 1 });
      return toConnection(entries, limit, 'audit', (e) => ({ at: e.at, id: e.id }), (e) => ({ node: { ...e, at: toDate(e.at) } }));
    },
  },
  Mutation: {
    createApiKey: {
      resolve: async (_: unknown, args: { name: string; role: Role }, ctx: ApiContext) => {
        const name = args.name.trim();
        if (name.length === 0 || name.length > 100) throw badInput('name', 'must be 1 to 100 characters');
        const secret = newApiKeySecret();
        const apiKey = await ctx.services.repos.apiKeys.create({
          id: `key_${randomBytes(9).toString('base64url')}`,
          name,
          role: args.role,
          hash: hashApiKeySecret(secret),
          createdAt: ctx.services.clock(),
          createdBy: ctx.principal.id,
        });
        return { apiKey: apiKeyModel(apiKey), secret };
      },
      // The secret is in the answer only: never in the audit trail.
      audit: (args: { name: string; role: Role }, result?: { apiKey: { id: string } }) => ({
        target: result?.apiKey.id ?? null,
        details: { name: args.name, role: args.role },
      }),
    },
    revokeApiKey: {
      resolve: async (_: unknown, args: { id: string }, ctx: ApiContext) => {
        const revoked = await ctx.services.repos.apiKeys.revoke(args.id, ctx.services.clock());
        if (revoked === null) throw notFound('API key', args.id);
        ctx.services.apiKeyAuthenticator.evict(revoked.hash);
        return apiKeyModel(revoked.apiKey);
      },
      audit: (args: { id: string }) => ({ target: args.id, details: {} }),
    },
  },
};
