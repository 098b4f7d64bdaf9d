import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  buildASTSchema,
  defaultFieldResolver,
  type GraphQLFieldResolver,
  GraphQLInterfaceType,
  GraphQLObjectType,
  GraphQLScalarType,
  type GraphQLSchema,
  parse,
} from 'graphql';
import { DateTimeResolver, JSONObjectResolver, JSONResolver, NonNegativeFloatResolver, NonNegativeIntResolver } from 'graphql-scalars';
import { FIELD_POLICY, OPERATION_POLICY, mayCall } from '../auth/access-policy.ts';
import { DomainError, ErrorCode, isDomainError } from '../errors.ts';
import type { ApiContext } from './context.ts';
import { IPAddressScalar } from './ip-address.scalar.ts';
import { roundScoreFields } from './score-rounding.ts';

/**
 * The executable schema: the SDL in `schema/*.graphql` plus the resolvers, bound without a
 * schema toolkit (a dozen lines here), with authorization and auditing wrapped around every
 * root field from the one role matrix (src/auth/access-policy.ts). Building fails when a root
 * field has no policy entry, a mutation has no audit description, or a resolver names a field
 * the SDL lacks, so the schema and the code cannot drift apart silently.
 */
const SCHEMA_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../schema');

export function loadTypeDefs(dir = SCHEMA_DIR): string {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.graphql'))
    .sort()
    .map((file) => readFileSync(path.join(dir, file), 'utf8'))
    .join('\n');
}

// Resolvers see many parent and argument shapes; each resolver file types its own.
type AnyResolver = GraphQLFieldResolver<any, ApiContext, any>;

/** What a mutation leaves in the audit trail besides who, what and when. Never secrets. */
export type AuditDescriber = (args: any, result: any) => { target: string | null; details: Record<string, unknown> };

export interface FieldDefinition {
  resolve?: AnyResolver;
  subscribe?: AnyResolver;
  /** Mutations only. */
  audit?: AuditDescriber;
}

export type TypeResolvers = Record<string, AnyResolver | FieldDefinition>;
export type ResolverMap = Record<string, TypeResolvers | { __resolveType: (value: any) => string }>;

const SCALARS: Record<string, GraphQLScalarType> = {
  DateTime: DateTimeResolver,
  JSONObject: JSONObjectResolver,
  JSON: JSONResolver,
  NonNegativeInt: NonNegativeIntResolver,
  NonNegativeFloat: NonNegativeFloatResolver,
  IPAddress: IPAddressScalar,
};

export function buildApiSchema(resolvers: ResolverMap, typeDefs = loadTypeDefs()): GraphQLSchema {
  const schema = buildASTSchema(parse(typeDefs));
  for (const [name, implementation] of Object.entries(SCALARS)) {
    const scalar = schema.getType(name);
    if (!(scalar instanceof GraphQLScalarType)) throw new Error(`schema lacks scalar ${name}`);
    scalar.serialize = implementation.serialize;
    scalar.parseValue = implementation.parseValue;
    scalar.parseLiteral = implementation.parseLiteral;
  }
  for (const [typeName, fields] of Object.entries(resolvers)) {
    const type = schema.getType(typeName);
    if (type instanceof GraphQLInterfaceType) {
      const resolveType = (fields as { __resolveType?: (value: unknown) => string }).__resolveType;
      if (resolveType === undefined) throw new Error(`interface ${typeName} needs __resolveType`);
      type.resolveType = resolveType;
      continue;
    }
    if (!(type instanceof GraphQLObjectType)) throw new Error(`resolvers for unknown type ${typeName}`);
    const defined = type.getFields();
    for (const [fieldName, resolver] of Object.entries(fields as TypeResolvers)) {
      const field = defined[fieldName];
      if (field === undefined) throw new Error(`resolver for unknown field ${typeName}.${fieldName}`);
      const definition: FieldDefinition = typeof resolver === 'function' ? { resolve: resolver } : resolver;
      if (definition.resolve) field.resolve = definition.resolve;
      if (definition.subscribe) field.subscribe = definition.subscribe;
      if (typeName === 'Mutation') {
        if (definition.audit === undefined) throw new Error(`mutation ${fieldName} has no audit description`);
        auditMutation(field, `${typeName}.${fieldName}`, definition.audit);
      }
    }
  }
  roundScoreFields(schema);
  guardRootFields(schema);
  guardSensitiveFields(schema);
  return schema;
}

type Field = ReturnType<GraphQLObjectType['getFields']>[string];

function forbidden(ctx: ApiContext, coordinate: string): DomainError {
  return new DomainError(ErrorCode.FORBIDDEN, `role ${ctx.principal.role} may not use ${coordinate}`, {
    details: { field: coordinate },
  });
}

function guardRootFields(schema: GraphQLSchema): void {
  for (const root of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
    if (!root) continue;
    for (const field of Object.values(root.getFields())) {
      const coordinate = `${root.name}.${field.name}`;
      if (OPERATION_POLICY[coordinate] === undefined) throw new Error(`${coordinate} has no entry in the access policy`);
      if (root.name === 'Subscription') {
        const subscribe = field.subscribe;
        if (subscribe === undefined) throw new Error(`${coordinate} has no subscribe resolver`);
        field.subscribe = (parent, args, ctx: ApiContext, info) => {
          if (!mayCall(ctx.principal, coordinate)) throw forbidden(ctx, coordinate);
          return subscribe(parent, args, ctx, info);
        };
        continue;
      }
      const resolve = field.resolve ?? defaultFieldResolver;
      const isMutation = root.name === 'Mutation';
      field.resolve = async (parent, args, ctx: ApiContext, info) => {
        if (!mayCall(ctx.principal, coordinate)) {
          if (isMutation) await audit(ctx, coordinate, 'DENIED', null, {});
          throw forbidden(ctx, coordinate);
        }
        return resolve(parent, args, ctx, info);
      };
    }
  }
}

function guardSensitiveFields(schema: GraphQLSchema): void {
  for (const coordinate of Object.keys(FIELD_POLICY)) {
    const [typeName, fieldName] = coordinate.split('.') as [string, string];
    const type = schema.getType(typeName);
    const field = type instanceof GraphQLObjectType ? type.getFields()[fieldName] : undefined;
    if (field === undefined) throw new Error(`access policy names unknown field ${coordinate}`);
    const resolve = field.resolve ?? defaultFieldResolver;
    field.resolve = (parent, args, ctx: ApiContext, info) => {
      if (!mayCall(ctx.principal, coordinate)) throw forbidden(ctx, coordinate);
      return resolve(parent, args, ctx, info);
    };
  }
}

/** Every mutation, allowed or failed, leaves an audit entry (denials: see guardRootFields). */
function auditMutation(field: Field, action: string, describe: AuditDescriber): void {
  const resolve = field.resolve ?? defaultFieldResolver;
  field.resolve = async (parent, args, ctx: ApiContext, info) => {
    let result: unknown;
    try {
      result = await resolve(parent, args, ctx, info);
    } catch (error) {
      const { target } = safeDescribe(describe, args, undefined);
      await audit(ctx, action, 'FAILED', target, { error: isDomainError(error) ? error.code : 'INTERNAL' });
      throw error;
    }
    const { target, details } = describe(args, result);
    await audit(ctx, action, 'OK', target, details);
    return result;
  };
}

function safeDescribe(describe: AuditDescriber, args: unknown, result: unknown): { target: string | null } {
  try {
    return describe(args, result);
  } catch {
    return { target: null };
  }
}

async function audit(ctx: ApiContext, action: string, outcome: 'OK' | 'DENIED' | 'FAILED', target: string | null, details: Record<string, unknown>) {
  await ctx.services.repos.audit.record([{ at: ctx.services.clock(), actor: ctx.principal.id, action, target, outcome, details }]);
}
