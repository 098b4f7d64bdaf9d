import { type ASTVisitor, type FragmentDefinitionNode, GraphQLError, Kind, type SelectionSetNode, type ValidationContext } from 'graphql';
import { ApiErrorCode } from '../errors.ts';

/**
 * Refuses operations nested deeper than `maxDepth` fields (a cycle such as
 * user → neighbors → node → neighbors … can otherwise fan out without end). Fragments count
 * where they are spread; introspection fields (`__schema`, `__type`) are not counted, since
 * the standard introspection query is deep but cheap.
 */
export function depthLimitRule(maxDepth: number) {
  return function DepthLimit(context: ValidationContext): ASTVisitor {
    return {
      OperationDefinition(node) {
        const depth = depthOf(node.selectionSet, context, new Set());
        if (depth > maxDepth) {
          context.reportError(
            new GraphQLError(`query depth limit exceeded: depth ${depth} is over the limit of ${maxDepth}`, {
              nodes: [node],
              extensions: { code: ApiErrorCode.QUERY_TOO_DEEP, depth, limit: maxDepth },
            }),
          );
        }
      },
    };
  };
}

function depthOf(selectionSet: SelectionSetNode, context: ValidationContext, visiting: Set<string>): number {
  let deepest = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value.startsWith('__')) continue;
      const below = selection.selectionSet ? depthOf(selection.selectionSet, context, visiting) : 0;
      deepest = Math.max(deepest, 1 + below);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      deepest = Math.max(deepest, depthOf(selection.selectionSet, context, visiting));
    } else {
      const name = selection.name.value;
      const fragment: FragmentDefinitionNode | null | undefined = context.getFragment(name);
      // A fragment cycle is reported by graphql's own NoFragmentCycles rule.
      if (fragment === undefined || fragment === null || visiting.has(name)) continue;
      visiting.add(name);
      deepest = Math.max(deepest, depthOf(fragment.selectionSet, context, visiting));
      visiting.delete(name);
    }
  }
  return deepest;
}
