import { getNamedType, isEnumType, isInputObjectType, isInterfaceType, isObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { allResolvers } from '../../../src/api/resolvers/index.ts';
import { buildApiSchema, loadTypeDefs } from '../../../src/api/schema.ts';
import { FIELD_POLICY, OPERATION_POLICY } from '../../../src/auth/access-policy.ts';

const schema = buildApiSchema(allResolvers());

describe('the GraphQL schema', () => {
  it('describes every type, field, argument and enum value', () => {
    const missing: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('__') || ['String', 'Int', 'Float', 'Boolean', 'ID'].includes(type.name)) continue;
      if (!type.description) missing.push(type.name);
      if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
        for (const field of Object.values(type.getFields())) {
          if (!field.description) missing.push(`${type.name}.${field.name}`);
          for (const arg of 'args' in field ? field.args : []) if (!arg.description) missing.push(`${type.name}.${field.name}(${arg.name})`);
        }
      }
      if (isEnumType(type)) for (const value of type.getValues()) if (!value.description) missing.push(`${type.name}.${value.name}`);
    }
    expect(missing).toEqual([]);
  });

  it('has a role-matrix entry for exactly the root operations', () => {
    const roots = [schema.getQueryType()!, schema.getMutationType()!, schema.getSubscriptionType()!].flatMap((root) =>
      Object.keys(root.getFields()).map((field) => `${root.name}.${field}`),
    );
    expect(Object.keys(OPERATION_POLICY).sort()).toEqual(roots.sort());
    for (const coordinate of Object.keys(FIELD_POLICY)) {
      const [type, field] = coordinate.split('.') as [string, string];
      expect(isObjectType(schema.getType(type)) && (schema.getType(type) as { getFields(): object }).getFields()).toHaveProperty(field);
    }
  });

  it('pages every list of more than a few items with a Relay connection', () => {
    const unpaged: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith('__')) continue;
      for (const field of Object.values(type.getFields())) {
        const named = getNamedType(field.type);
        if (named.name.endsWith('Connection') && !field.args.some((arg) => arg.name === 'first')) unpaged.push(`${type.name}.${field.name}`);
      }
    }
    expect(unpaged).toEqual([]);
  });

  it('refuses to build when a root operation has no policy entry or a mutation no audit description', () => {
    const typeDefs = `${loadTypeDefs()}\nextend type Query { "x" unlisted: Int }`;
    expect(() => buildApiSchema(allResolvers(), typeDefs)).toThrow('Query.unlisted has no entry in the access policy');
    const resolvers = allResolvers();
    (resolvers.Mutation as Record<string, unknown>).resolveAlert = () => null;
    expect(() => buildApiSchema(resolvers)).toThrow('mutation resolveAlert has no audit description');
    expect(() => buildApiSchema({ ...allResolvers(), User: { nope: () => 1 } })).toThrow('resolver for unknown field User.nope');
  });
});
