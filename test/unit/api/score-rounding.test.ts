import { buildSchema, getNamedType, graphql, GraphQLObjectType, type GraphQLResolveInfo } from 'graphql';
import { describe, expect, it } from 'vitest';
import { allResolvers } from '../../../src/api/resolvers/index.ts';
import { buildApiSchema } from '../../../src/api/schema.ts';
import { roundScoreFields, SCORE_FIELDS } from '../../../src/api/score-rounding.ts';

const schema = buildApiSchema(allResolvers());

describe('scores at the GraphQL boundary', () => {
  it('every score field of the API schema resolves to hundredths; null stays null', async () => {
    for (const coordinate of SCORE_FIELDS) {
      const [typeName, fieldName] = coordinate.split('.') as [string, string];
      const field = (schema.getType(typeName) as GraphQLObjectType).getFields()[fieldName]!;
      const resolve = (value: unknown) => field.resolve!({ [fieldName]: value }, {}, {}, { fieldName } as GraphQLResolveInfo);
      expect(await resolve(99.63999999999999), coordinate).toBe(99.64);
      expect(await resolve(0.1 + 0.2), coordinate).toBe(0.3);
      expect(await resolve(12.345), coordinate).toBe(12.35);
      expect(await resolve(null), coordinate).toBeNull();
    }
  });

  it('rounds a resolver that returns a promise, in an executed query, and leaves other floats alone', async () => {
    const s = buildSchema('type Query { score: Float, later: Float, pValue: Float }');
    roundScoreFields(s, ['Query.score', 'Query.later']);
    const result = await graphql({
      schema: s,
      source: '{ score later pValue }',
      rootValue: { score: 99.63999999999999, later: () => Promise.resolve(40.004999), pValue: 0.000123 },
    });
    expect(result).toEqual({ data: { score: 99.64, later: 40, pValue: 0.000123 } });
  });

  it('lists every Float field named like a score, so a new one cannot slip through unrounded', () => {
    const listed = new Set(SCORE_FIELDS);
    const missing: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (!(type instanceof GraphQLObjectType) || type.name.startsWith('__')) continue;
      for (const field of Object.values(type.getFields())) {
        const named = getNamedType(field.type).name;
        if ((named === 'Float' || named === 'NonNegativeFloat') && /score$/i.test(field.name) && !listed.has(`${type.name}.${field.name}`)) {
          missing.push(`${type.name}.${field.name}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it('refuses a field the schema lacks or that is not a Float', () => {
    const s = buildSchema('type Query { name: String, score: Float }');
    expect(() => roundScoreFields(s, ['Query.nope'])).toThrow('score rounding names unknown field Query.nope');
    expect(() => roundScoreFields(s, ['Query.name'])).toThrow('score rounding: Query.name is not a Float');
  });
});
