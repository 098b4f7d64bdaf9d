import type { EmploymentStatus, HrRecord } from '../../events/event.ts';
import type { EmploymentChangeInput, EmploymentChangeRecord } from '../../store/hr.repository.ts';
import type { ApiContext } from '../context.ts';
import { badInput } from '../errors.ts';
import { parseUserId } from '../global-id.ts';
import { toDate } from '../models.ts';
import type { ResolverMap } from '../schema.ts';

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

function changeModel(change: EmploymentChangeRecord & { current: boolean }) {
  return {
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
      resolve: async (_: unknown, args: { input: EmploymentStatusInput }, ctx: ApiContext) => {
        const [change] = await ctx.services.repos.hr.recordEmploymentChanges([toChange(args.input, 'input')], ctx.principal.id, ctx.services.clock());
        return changeModel(change!);
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
      resolve: async (_: unknown, args: { inputs: EmploymentStatusInput[] }, ctx: ApiContext) => {
        checkBatch('inputs', args.inputs.length);
        const changes = args.inputs.map((input, i) => toChange(input, `inputs[${i}]`));
        const recorded = await ctx.services.repos.hr.recordEmploymentChanges(changes, ctx.principal.id, ctx.services.clock());
        return recorded.map(changeModel);
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
};
