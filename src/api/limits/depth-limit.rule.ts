import { type ASTVisitor, GraphQLError, Kind, type SelectionSetNode, type ValidationContext } from 'graphql';
import { ApiErrorCode } from '../errors.ts';

/**
 * Refuses operations nested deeper than `maxDepth` fields (a cycle such as
 * user → neighbors → node → neighbors … can otherwise fan out without end). Fragments count
 * where they are spread; introspection fields (`__schema`, `__type`) are not counted, since
 * the standard introspection query is deep but cheap.
 *
 * The depth of a fragment does not depend on where it is spread, so each fragment is walked
 * once per document and remembered: the walk is linear in the document's size. (Walking every
 * spread again made `fragment F1 on Query { ...F0 ...F0 }` … F40 cost 2^40 steps.)
 */
export function depthLimitRule(maxDepth: number) {
  return function DepthLimit(context: ValidationContext): ASTVisitor {
    const memo = new Map<string, number>();
    return {
      OperationDefinition(node) {
        const depth = depthOf(node.selectionSet, context, memo, new Set());
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

function depthOf(selectionSet: SelectionSetNode, context: ValidationContext, memo: Map<string, number>, visiting: Set<string>): number {
  let deepest = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value.startsWith('__')) continue;
      const below = selection.selectionSet ? depthOf(selection.selectionSet, context, memo, visiting) : 0;
      deepest = Math.max(deepest, 1 + below);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      deepest = Math.max(deepest, depthOf(selection.selectionSet, context, memo, visiting));
    } else {
      const name = selection.name.value;
      const known = memo.get(name);
      if (known !== undefined) {
        deepest = Math.max(deepest, known);
        continue;
      }
      const fragment = context.getFragment(name);
      // A fragment cycle is reported by graphql's own NoFragmentCycles rule.
      if (!fragment || visiting.has(name)) continue;
      visiting.add(name);
      const depth = depthOf(fragment.selectionSet, context, memo, visiting);
      visiting.delete(name);
      memo.set(name, depth);
      deepest = Math.max(deepest, depth);
    }
  }
  return deepest;
}
