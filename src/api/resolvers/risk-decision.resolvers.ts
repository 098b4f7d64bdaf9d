import type { ApiContext } from '../context.ts';
import { badInput } from '../errors.ts';
import { parseUserId } from '../global-id.ts';
import { toDate } from '../models.ts';
import type { ResolverMap } from '../schema.ts';

/** Longest device id or application name accepted, characters (they go into the audit trail). */
export const MAX_LOGIN_TEXT = 256;

interface RiskDecisionInput {
  userId: string;
  ip?: string | null;
  deviceId?: string | null;
  application?: string | null;
  time?: Date | null;
}

function optionalText(value: string | null | undefined, field: string): string | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (text.length === 0) throw badInput(field, 'must not be empty (leave it out instead)');
  if (text.length > MAX_LOGIN_TEXT) throw badInput(field, `must be at most ${MAX_LOGIN_TEXT} characters, got ${text.length}`);
  return text;
}

export const riskDecisionResolvers: ResolverMap = {
  Query: {
    riskDecision: async (_: unknown, args: { input: RiskDecisionInput }, ctx: ApiContext) => {
      const { input } = args;
      const userId = parseUserId(input.userId.trim(), 'input.userId');
      const deviceId = optionalText(input.deviceId, 'input.deviceId');
      const application = optionalText(input.application, 'input.application');
      const result = await ctx.services.riskDecisions.decide(
        {
          userId,
          time: input.time ? input.time.getTime() : ctx.services.clock(),
          ...(input.ip ? { ip: input.ip } : {}),
          ...(deviceId !== undefined ? { deviceId } : {}),
          ...(application !== undefined ? { application } : {}),
        },
        ctx.principal.id,
      );
      return { ...result, decidedAt: toDate(result.decidedAt) };
    },
  },
};
