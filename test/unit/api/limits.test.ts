import { parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { costLimitRule } from '../../../src/api/limits/cost-limit.rule.ts';
import { depthLimitRule } from '../../../src/api/limits/depth-limit.rule.ts';
import { allResolvers } from '../../../src/api/resolvers/index.ts';
import { buildApiSchema } from '../../../src/api/schema.ts';

const schema = buildApiSchema(allResolvers());
const depthOf = (query: string, max = 100) => validate(schema, parse(query), [depthLimitRule(max)]);
const costOf = (query: string, variables: Record<string, unknown> = {}, maxCost = 0) => {
  const [error] = validate(schema, parse(query), [costLimitRule({ maxCost, variables })]);
  return (error?.extensions.cost as number | undefined) ?? 0;
};

describe('the depth limit rule', () => {
  it('counts nested fields through fragments and names the limit', () => {
    const query = `query { user(id: "a") { ...U } } fragment U on User { manager { manager { key } } }`;
    expect(depthOf(query, 4)).toEqual([]);
    const [error] = depthOf(query, 3);
    expect(error!.message).toBe('query depth limit exceeded: depth 4 is over the limit of 3');
    expect(error!.extensions.code).toBe('QUERY_TOO_DEEP');
  });

  it('does not count introspection', () => {
    expect(depthOf('{ __schema { types { fields { type { ofType { ofType { name } } } } } } }', 1)).toEqual([]);
  });
});

describe('the cost limit rule', () => {
  it('multiplies sub-selections by page sizes from literals, variables and defaults', () => {
    // 1 (riskLeaderboard) + 10 × (1 edges + 1 node + 1 key) = 31
    expect(costOf('{ riskLeaderboard(first: 10) { edges { node { key } } } }')).toBe(31);
    expect(costOf('query ($n: Int!) { riskLeaderboard(first: $n) { edges { node { key } } } }', { n: 10 })).toBe(31);
    // alerts without `first`: the default page size, 20 → 1 + 20 × 3
    expect(costOf('{ alerts { edges { node { id } } } }')).toBe(61);
    const nested = '{ riskLeaderboard(first: 100) { edges { node { sessions(first: 100) { edges { node { id } } } } } } }';
    expect(costOf(nested)).toBe(1 + 100 * (1 + 1 + (1 + 100 * 3)));
  });

  it('reports which limit was exceeded, and passes under it', () => {
    const query = '{ riskLeaderboard(first: 100) { edges { node { sessions(first: 100) { edges { node { id } } } } } } }';
    const [error] = validate(schema, parse(query), [costLimitRule({ maxCost: 1000, variables: {} })]);
    expect(error!.message).toMatch(/^query cost limit exceeded: estimated cost 30301 is over the limit of 1000/);
    expect(error!.extensions.code).toBe('QUERY_TOO_COSTLY');
    expect(validate(schema, parse(query), [costLimitRule({ maxCost: 30_301, variables: {} })])).toEqual([]);
  });

  it('estimates a 40-level fragment doubling at its 2^40 fields without expanding it', () => {
    // `fragment Fi on Query { ...F(i-1) ...F(i-1) }`: expanded, 2^40 copies of the leaf, which no
    // walk field by field would finish counting; each fragment is costed once and doubled.
    const doubling = (leaf: string) =>
      [`query { ...F40 }`, `fragment F0 on Query { ${leaf} }`, ...Array.from({ length: 40 }, (_, i) => `fragment F${i + 1} on Query { ...F${i} ...F${i} }`)].join('\n');
    expect(costOf(doubling('__typename'))).toBe(2 ** 40);
    expect(costOf(doubling('apiInfo { name }'))).toBe(2 ** 41);
  });
});

describe('the cost of attack paths', () => {
  it('counts the search per hop and the paths’ lists up to maxHops + 1 items each', () => {
    // 1 + 250 × 4 (the search) + 5 × 5 × (1 paths + 1 cost) with the defaults (first 5, maxHops 4)
    expect(costOf('{ attackPaths(from: "a", to: "b") { paths { cost } } }')).toBe(1 + 1000 + 25 * 2);
    // first 20, maxHops 6 from variables: 1 + 1500 + 140 × (1 + (1 + 1 hops.cost))
    const query = 'query ($n: Int, $h: Int) { attackPaths(from: "a", toCriticalAssets: true, first: $n, maxHops: $h) { paths { hops { cost } } } }';
    expect(costOf(query, { n: 20, h: 6 })).toBe(1 + 1500 + 140 * 3);
  });
});
