import { isIP } from 'node:net';
import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';

/**
 * `IPAddress`: an IPv4 or IPv6 address as Node's own parser accepts it (`net.isIP`), without a
 * prefix length. graphql-scalars' `IP` also accepts CIDR blocks (`10.0.0.0/8`), which a login
 * never comes from, so it is not used here.
 */
function parse(value: unknown): string {
  if (typeof value !== 'string' || isIP(value) === 0) {
    throw new GraphQLError(`${JSON.stringify(value)} is not an IPv4 or IPv6 address`);
  }
  return value;
}

export const IPAddressScalar = new GraphQLScalarType({
  name: 'IPAddress',
  description: 'An IPv4 or IPv6 address.',
  serialize: parse,
  parseValue: parse,
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw new GraphQLError('an IP address must be a string', { nodes: ast });
    return parse(ast.value);
  },
});
