import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import { type ASTVisitor, GraphQLError, Lexer, Source, TokenKind, type ValidationContext, type ValidationRule } from 'graphql';
import { ApiErrorCode } from '../errors.ts';
import { costLimitRule } from './cost-limit.rule.ts';
import { depthLimitRule } from './depth-limit.rule.ts';

/**
 * Every limit a GraphQL document meets before and while it runs, in the order they bite:
 *
 * 1. size and tokens, before parsing (`preflightDocument`): a document is lexed at most up to
 *    `maxTokens`, so nothing after it (parsing, graphql's own validation, ours) can see more;
 * 2. aliases and directives (graphql-armor's rules, which count each fragment once), depth
 *    and cost (ours, also memoised per fragment): all linear in the document's size;
 * 3. a time budget for validation (`validationDeadlineRule`, checked between AST nodes) and
 *    one for execution (the HTTP handler answers QUERY_TIMEOUT when it runs out).
 *
 * Each refusal is a GraphQLError whose message names the limit and whose code says which one,
 * so a client can tell "ask for less" from "retry later".
 */
export interface QueryLimits {
  /** Characters of the query document (not the variables; those count in the body size). */
  maxDocumentChars: number;
  /** Lexical tokens of the document (graphql's own `maxTokens` parse option is set to it too). */
  maxTokens: number;
  /** Aliased fields, `__typename` included, fragments counted where spread. */
  maxAliases: number;
  /** Directives, fragments counted where spread. */
  maxDirectives: number;
  /** Nesting of fields. */
  maxDepth: number;
  /** Estimated cost (fields × page sizes; see cost-limit.rule.ts). */
  maxCost: number;
  /** Wall-clock budget for validating one document, ms. */
  validationBudgetMs: number;
  /** Wall-clock budget for executing one HTTP operation, ms (subscriptions run open-ended). */
  executionBudgetMs: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = Object.freeze({
  maxDocumentChars: 100_000,
  maxTokens: 10_000,
  maxAliases: 100,
  maxDirectives: 50,
  maxDepth: 12,
  maxCost: 25_000,
  validationBudgetMs: 1_000,
  executionBudgetMs: 30_000,
});

/** Codes of the limit errors (a subset of ApiErrorCode). */
export const LIMIT_CODES: ReadonlySet<string> = new Set([
  ApiErrorCode.QUERY_TOO_LARGE,
  ApiErrorCode.QUERY_TOO_MANY_ALIASES,
  ApiErrorCode.QUERY_TOO_MANY_DIRECTIVES,
  ApiErrorCode.QUERY_TOO_DEEP,
  ApiErrorCode.QUERY_TOO_COSTLY,
  ApiErrorCode.QUERY_TIMEOUT,
]);

function limitError(code: string, message: string, details: Record<string, unknown>, status = 400): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...details, http: { status } } });
}

/**
 * Throws QUERY_TOO_LARGE when the document is over the character or token limit. Lexing stops
 * at the first token past the limit; a syntax error is left for the parser to report.
 */
export function preflightDocument(query: string, limits: Pick<QueryLimits, 'maxDocumentChars' | 'maxTokens'>): void {
  if (query.length > limits.maxDocumentChars) {
    throw limitError(ApiErrorCode.QUERY_TOO_LARGE, `query document size limit exceeded: ${query.length} characters is over the limit of ${limits.maxDocumentChars}`, {
      limit: limits.maxDocumentChars,
    });
  }
  const lexer = new Lexer(new Source(query));
  let tokens = 0;
  try {
    while (lexer.advance().kind !== TokenKind.EOF) {
      tokens++;
      if (tokens > limits.maxTokens) {
        throw limitError(ApiErrorCode.QUERY_TOO_LARGE, `query token limit exceeded: more than ${limits.maxTokens} tokens`, { limit: limits.maxTokens });
      }
    }
  } catch (error) {
    if (error instanceof GraphQLError && error.extensions.code === ApiErrorCode.QUERY_TOO_LARGE) throw error;
    // A syntax error: graphql's parser reports it with its location.
  }
}

/**
 * A rule that throws QUERY_TIMEOUT once validation has run longer than `budgetMs`. It sees
 * every AST node (graphql runs all rules in one parallel walk), so it bounds the walk between
 * nodes; a single rule's work on one node is not interrupted, which is why the document's size
 * is bounded first. Throwing (rather than reporting) stops graphql's walk at once.
 */
export function validationDeadlineRule(budgetMs: number): ValidationRule {
  return function ValidationDeadline(_context: ValidationContext): ASTVisitor {
    const deadline = performance.now() + budgetMs;
    let nodes = 0;
    return {
      enter() {
        // performance.now() is cheap, but not free: look every 64 nodes.
        if ((++nodes & 63) === 0 && performance.now() > deadline) {
          throw limitError(ApiErrorCode.QUERY_TIMEOUT, `query time limit exceeded: validation took more than ${budgetMs} ms`, { limit: budgetMs });
        }
      },
    };
  };
}

/** Turns an armor rejection into our error: its message already names the limit and the count. */
function armorRejection(code: string, limit: number) {
  return (context: ValidationContext | null, error: GraphQLError) => {
    const message = `query ${error.message.replace(/^Syntax Error: /, '').replace(/^(\w)/, (c) => c.toLowerCase())}`;
    context?.reportError(new GraphQLError(message, { extensions: { code, limit } }));
  };
}

/** The limits that need the parsed document (and, for cost, the variables), as validation rules. */
export function queryLimitRules(limits: QueryLimits, variables: Readonly<Record<string, unknown>> | undefined): ValidationRule[] {
  return [
    validationDeadlineRule(limits.validationBudgetMs),
    maxAliasesRule({
      n: limits.maxAliases,
      allowList: [],
      propagateOnRejection: false,
      onReject: [armorRejection(ApiErrorCode.QUERY_TOO_MANY_ALIASES, limits.maxAliases)],
    }),
    maxDirectivesRule({
      n: limits.maxDirectives,
      propagateOnRejection: false,
      onReject: [armorRejection(ApiErrorCode.QUERY_TOO_MANY_DIRECTIVES, limits.maxDirectives)],
    }),
    depthLimitRule(limits.maxDepth),
    costLimitRule({ maxCost: limits.maxCost, variables }),
  ];
}

/** Rejects with QUERY_TIMEOUT if `work` has not settled within `budgetMs` (the work goes on). */
export async function withinExecutionBudget<T>(work: Promise<T>, budgetMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(limitError(ApiErrorCode.QUERY_TIMEOUT, `query time limit exceeded: the request took more than ${budgetMs} ms`, { limit: budgetMs }, 503)),
      budgetMs,
    );
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
