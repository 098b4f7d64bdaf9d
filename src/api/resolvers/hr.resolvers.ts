import type { GraphQLResolveInfo } from 'graphql';
import { mayCall } from '../../auth/access-policy.ts';
import type { EmploymentStatus, HrRecord } from '../../events/event.ts';
import type { EmploymentChangeInput, RecordedEmploymentChange } from '../../store/hr.repository.ts';
import type { ApiContext } from '../context.ts';
import { badInput } from '../errors.ts';
import { parseUserId } from '../global-id.ts';
import { storedRiskLevel, toDate } from '../models.ts';
import type { ResolverMap } from '../schema.ts';
import { loadUser, selectsField } from './helpers.ts';

/** Records per HR mutation; bigger syncs go in several calls (or as LDAP snapshots). */
export const MAX_HR_BATCH = 1000;

interface UserInput {
  id: string;
  name?: string | null;
  email?: string | null;
  department?: string | null;
  title?: string | null;
  manager?: string | null;
  location?: string | null;
}

interface EmploymentStatusInput {
  userId: string;
  status: EmploymentStatus;
  effectiveDate: Date;
  lastDay?: Date | null;
}

function checkBatch(field: string, size: number): void {
  if (size === 0) throw badInput(field, 'must hold at least one record');
  if (size > MAX_HR_BATCH) throw badInput(field, `${size} records exceed the limit of ${MAX_HR_BATCH} per call`);
}

function toHrRecord(input: UserInput, field: string): HrRecord {
  const userId = parseUserId(input.id.trim(), `${field}.id`);
  const record: HrRecord = { userId };
  for (const key of ['name', 'department', 'title', 'location'] as const) {
    const value = input[key];
    if (value !== null && value !== undefined) record[key] = value;
  }
  if (input.email !== null && input.email !== undefined) {
    if (!/^[^\s@]+@[^\s@]+$/.test(input.email)) throw badInput(`${field}.email`, `'${input.email}' is not an e-mail address`);
    record.email = input.email.toLowerCase();
  }
  if (input.manager !== null && input.manager !== undefined) {
    const manager = parseUserId(input.manager, `${field}.manager`);
    if (manager === userId) throw badInput(`${field}.manager`, 'a user cannot be their own manager');
    record.manager = manager;
  }
  return record;
}

function toChange(input: EmploymentStatusInput, field: string): EmploymentChangeInput {
  return {
    userId: parseUserId(input.userId, `${field}.userId`),
    status: input.status,
    effectiveDate: input.effectiveDate.getTime(),
    lastDay: input.lastDay ? input.lastDay.getTime() : null,
  };
}

/**
 * How long an HR mutation whose result asks for `riskChange` waits for the re-scoring it
 * triggers (a batch on the user's partition queue, behind the batches already there), ms.
 */
export const HR_RESCORE_WAIT_MS = 30_000;

const RISK_CHANGE = 'EmploymentChange.riskChange';

interface RiskReading {
  score: number;
  level: string;
}

type RiskReadings = Map<string, RiskReading>;

/** The users' stored risk now (not the per-request loader: read before and after the change). */
async function readRisk(ctx: ApiContext, users: readonly string[]): Promise<RiskReadings> {
  const records = await ctx.services.repos.entities.usersByIds(users);
  const found = new Map(records.map((r) => [r.id, r]));
  return new Map(
    users.map((user) => {
      const score = typeof found.get(user)?.riskScore === 'number' ? (found.get(user)!.riskScore as number) : 0;
      const level = found.get(user)?.riskLevel;
      return [user, { score, level: storedRiskLevel(typeof level === 'string' ? level : null, score) }];
    }),
  );
}

/**
 * Records the changes; when the result asks for `riskChange` (and the caller may read it),
 * reads the users' risk first, waits for the re-scoring and reads it again.
 */
async function recordWithRisk(ctx: ApiContext, info: GraphQLResolveInfo, changes: EmploymentChangeInput[]) {
  const wantsRisk = selectsField(info, 'riskChange') && mayCall(ctx.principal, RISK_CHANGE);
  const users = [...new Set(changes.map((c) => c.userId))];
  const before = wantsRisk ? await readRisk(ctx, users) : null;
  const recorded = await ctx.services.repos.hr.recordEmploymentChanges(
    changes,
    ctx.principal.id,
    ctx.services.clock(),
    wantsRisk ? { awaitRescoreMs: HR_RESCORE_WAIT_MS } : undefined,
  );
  const applied = recorded.every((c) => c.rescored === true);
  const after = before !== null && applied ? await readRisk(ctx, users) : null;
  return recorded.map((change) => changeModel(change, before === null ? null : { before: before.get(change.userId)!, after: after?.get(change.userId) ?? null, applied }));
}

function changeModel(change: RecordedEmploymentChange, risk: { before: RiskReading; after: RiskReading | null; applied: boolean } | null = null) {
  return {
    riskChange:
      risk === null
        ? null
        : {
            userId: change.userId,
            before: risk.before,
            after: risk.after,
            applied: risk.applied,
            delta: risk.after === null ? null : risk.after.score - risk.before.score,
          },
    userId: change.userId,
    status: change.status,
    effectiveDate: toDate(change.effectiveDate),
    lastDay: toDate(change.lastDay),
    recordedAt: toDate(change.recordedAt),
    recordedBy: change.recordedBy,
    current: change.current,
  };
}

export const hrResolvers: ResolverMap = {
  Mutation: {
    upsertUsers: {
      resolve: async (_: unknown, args: { users: UserInput[] }, ctx: ApiContext) => {
        checkBatch('users', args.users.length);
        const records = args.users.map((user, i) => toHrRecord(user, `users[${i}]`));
        await ctx.services.repos.hr.upsertDirectory(records);
        return { count: records.length, userIds: records.map((r) => r.userId) };
      },
      audit: (args: { users: UserInput[] }) => ({
        target: args.users.length === 1 ? (args.users[0]?.id ?? null) : null,
        details: { count: args.users.length, userIds: args.users.slice(0, 50).map((u) => u.id) },
      }),
    },
    setEmploymentStatus: {
      resolve: async (_: unknown, args: { input: EmploymentStatusInput }, ctx: ApiContext, info: GraphQLResolveInfo) => {
        const [change] = await recordWithRisk(ctx, info, [toChange(args.input, 'input')]);
        return change!;
      },
      audit: (args: { input: EmploymentStatusInput }) => ({
        target: args.input.userId,
        details: {
          status: args.input.status,
          effectiveDate: args.input.effectiveDate.toISOString(),
          lastDay: args.input.lastDay?.toISOString() ?? null,
        },
      }),
    },
    setEmploymentStatuses: {
      resolve: async (_: unknown, args: { inputs: EmploymentStatusInput[] }, ctx: ApiContext, info: GraphQLResolveInfo) => {
        checkBatch('inputs', args.inputs.length);
        return recordWithRisk(ctx, info, args.inputs.map((input, i) => toChange(input, `inputs[${i}]`)));
      },
      audit: (args: { inputs: EmploymentStatusInput[] }) => ({
        target: null,
        details: {
          count: args.inputs.length,
          changes: args.inputs.slice(0, 50).map((i) => ({ userId: i.userId, status: i.status, effectiveDate: i.effectiveDate.toISOString() })),
        },
      }),
    },
  },
  EmploymentRiskChange: {
    user: (parent: { userId: string }, _: unknown, ctx: ApiContext) => loadUser(ctx, parent.userId),
  },
};
