import { type ASTVisitor, GraphQLError, type ValidationContext } from 'graphql';

/**
 * Refuses `__schema` and `__type` (production). Apollo Server installs the same rule in its
 * own validation phase; ours runs the validation itself (see graphql-api.ts), so it brings it.
 * `__typename` stays allowed: clients need it to read unions and interfaces.
 */
export function NoIntrospection(context: ValidationContext): ASTVisitor {
  return {
    Field(node) {
      if (node.name.value === '__schema' || node.name.value === '__type') {
        context.reportError(new GraphQLError('GraphQL introspection is not allowed in production, but the query contained __schema or __type', { nodes: [node] }));
      }
    },
  };
}
