import {
  type ASTVisitor,
  type FieldNode,
  GraphQLError,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  getNamedType,
  isInterfaceType,
  isObjectType,
  Kind,
  type SelectionSetNode,
  type ValidationContext,
  valueFromAST,
} from 'graphql';
import { DEFAULT_PAGE_SIZE } from '../connection.ts';
import { ApiErrorCode } from '../errors.ts';

/**
 * Refuses operations whose estimated cost exceeds `maxCost`. Cost of a selection: each field
 * costs 1 plus the cost of its sub-selection, times the number of items it may return — the
 * `first` argument of a connection (its literal, its variable's value, or the default page
 * size). So `riskLeaderboard(first: 100) { edges { node { sessions(first: 50) { … } } } }`
 * costs about 100 × 50 × the session fields: what the server would really do.
 *
 * `__typename` costs 1 like any field (2,000 aliases of it are 2,000 fields to answer);
 * `__schema` and `__type` are free, as the standard introspection query is large but cheap.
 *
 * The cost of a fragment does not depend on where it is spread (its type condition fixes the
 * type it selects on, and the variables are fixed for the operation), so each fragment is
 * costed once per document and remembered: the walk is linear in the document's size, while a
 * fragment spread twice per level still multiplies into the estimate (2^40 for 40 levels).
 *
 * A validation rule factory rather than a static rule because it needs the operation's
 * variable values, which static validation does not see: it is run once variables are known
 * (Apollo's didResolveOperation; graphql-ws's onSubscribe).
 */
export interface CostLimitOptions {
  maxCost: number;
  variables: Readonly<Record<string, unknown>> | undefined;
}

export function costLimitRule(options: CostLimitOptions) {
  return function CostLimit(context: ValidationContext): ASTVisitor {
    const memo = new Map<string, number>();
    return {
      OperationDefinition(node) {
        const schema = context.getSchema();
        const root =
          node.operation === 'query' ? schema.getQueryType() : node.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
        if (!root) return;
        const cost = costOf(node.selectionSet, root, context, schema, options.variables ?? {}, { memo, visiting: new Set() });
        if (cost > options.maxCost) {
          context.reportError(
            new GraphQLError(`query cost limit exceeded: estimated cost ${cost} is over the limit of ${options.maxCost}; ask for smaller pages (first) or fewer nested lists`, {
              nodes: [node],
              extensions: { code: ApiErrorCode.QUERY_TOO_COSTLY, cost, limit: options.maxCost },
            }),
          );
        }
      },
    };
  };
}

function costOf(
  selectionSet: SelectionSetNode,
  parent: GraphQLNamedType,
  context: ValidationContext,
  schema: GraphQLSchema,
  variables: Readonly<Record<string, unknown>>,
  walk: { memo: Map<string, number>; visiting: Set<string> },
): number {
  let total = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value === '__typename') {
        total += 1;
        continue;
      }
      if (selection.name.value.startsWith('__')) continue;
      const field = fieldOf(parent, selection.name.value);
      if (field === undefined) continue; // unknown fields are reported by graphql's own rules
      const below = selection.selectionSet
        ? costOf(selection.selectionSet, getNamedType(field.type), context, schema, variables, walk)
        : 0;
      const search = SEARCH_COSTS[`${parent.name}.${selection.name.value}`];
      if (search !== undefined) {
        const { base, items } = search((name) => argumentValue(selection, field, name, variables));
        total += 1 + base + items * below;
        continue;
      }
      total += 1 + multiplier(selection, field, variables) * below;
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const on = selection.typeCondition ? (schema.getType(selection.typeCondition.name.value) ?? parent) : parent;
      total += costOf(selection.selectionSet, on, context, schema, variables, walk);
    } else {
      const name = selection.name.value;
      const known = walk.memo.get(name);
      if (known !== undefined) {
        total += known;
        continue;
      }
      const fragment = context.getFragment(name);
      if (!fragment || walk.visiting.has(name)) continue;
      walk.visiting.add(name);
      const on = schema.getType(fragment.typeCondition.name.value) ?? parent;
      const cost = costOf(fragment.selectionSet, on, context, schema, variables, walk);
      walk.visiting.delete(name);
      walk.memo.set(name, cost);
      total += cost;
    }
  }
  return total;
}

function fieldOf(type: GraphQLNamedType, name: string): GraphQLField<unknown, unknown> | undefined {
  return isObjectType(type) || isInterfaceType(type) ? type.getFields()[name] : undefined;
}

/**
 * Fields whose work is a graph search rather than a page: `base` is the search's own cost (in
 * units of one field: roughly what it reads, as the other fields' costs are), `items` how many
 * times their sub-selection may be answered.
 * - attackPaths: up to `first` paths of up to `maxHops` hops, each with maxHops + 1 nodes and
 *   maxHops hops (so the sub-selection counts first × (maxHops + 1) times), and a search whose
 *   reads grow with every hop (250 per hop: 1,000 at the default 4 hops).
 */
const SEARCH_COSTS: Readonly<Record<string, (arg: (name: string) => unknown) => { base: number; items: number }>> = Object.freeze({
  'Query.attackPaths': (arg) => {
    const first = positive(arg('first'), 5);
    const maxHops = positive(arg('maxHops'), 4);
    return { base: 250 * maxHops, items: first * (maxHops + 1) };
  },
});

function positive(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fallback;
}

/** An argument's value: its literal, its variable's value, or its default. */
function argumentValue(node: FieldNode, field: GraphQLField<unknown, unknown>, name: string, variables: Readonly<Record<string, unknown>>): unknown {
  const definition = field.args.find((arg) => arg.name === name);
  if (definition === undefined) return undefined;
  const argument = node.arguments?.find((arg) => arg.name.value === name);
  return argument ? valueFromAST(argument.value, definition.type, variables as Record<string, unknown>) : definition.defaultValue;
}

/** Items a field may return: `first` when it takes one, else 1. */
function multiplier(node: FieldNode, field: GraphQLField<unknown, unknown>, variables: Readonly<Record<string, unknown>>): number {
  const definition = field.args.find((arg) => arg.name === 'first');
  if (definition === undefined) return 1;
  const argument = node.arguments?.find((arg) => arg.name.value === 'first');
  const value = argument ? valueFromAST(argument.value, definition.type, variables as Record<string, unknown>) : definition.defaultValue;
  return typeof value === 'number' && value > 0 ? value : DEFAULT_PAGE_SIZE;
}
