import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import { getComplexity, simpleEstimator, type ComplexityEstimator } from 'graphql-query-complexity';
import { MAX_PAGE_SIZE } from '../modules/common/connection';

export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
  maxDirectives: number;
  maxTokens: number;
  maxCost: number;
  /** Hide "did you mean …" suggestions (production). */
  hideSuggestions: boolean;
}

/**
 * Depth, aliases, directives and suggestions, checked before execution (GraphQL Armor). The token limit
 * is graphql-js's own parse option (`parseOptions.maxTokens`): Armor's Apollo plugin for it turns syntax
 * errors into 500s.
 */
export function armor(limits: QueryLimits) {
  return new ApolloArmor({
    maxDepth: { n: limits.maxDepth },
    maxAliases: { n: limits.maxAliases },
    maxDirectives: { n: limits.maxDirectives },
    maxTokens: { enabled: false },
    costLimit: { enabled: false }, // replaced by the page-size-aware estimate below
    blockFieldSuggestion: { enabled: limits.hideSuggestions },
  }).protect();
}

/** A list field costs its page size (`first`, capped, from literals or variables) times its selection. */
const pageSizeEstimator: ComplexityEstimator = ({ args, childComplexity }) => {
  const first = args?.first;
  if (typeof first !== 'number') return undefined;
  return Math.max(1, Math.min(first, MAX_PAGE_SIZE)) * (childComplexity + 1);
};

/** Refuses an operation whose estimated cost, with its variables applied, is over `maxCost`. */
export function costLimit(schema: GraphQLSchema, maxCost: number): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, operationName }) {
          let cost: number;
          try {
            cost = getComplexity({
              schema,
              query: document,
              operationName: operationName ?? undefined,
              variables: request.variables ?? {},
              estimators: [pageSizeEstimator, simpleEstimator({ defaultComplexity: 1 })],
            });
          } catch (error) {
            // Variables that do not fit their types: the client's mistake, reported as such.
            throw new GraphQLError(error instanceof Error ? error.message : 'Invalid variables', { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });
          }
          if (cost > maxCost) {
            throw new GraphQLError(`Query is too expensive: estimated cost ${cost}, limit ${maxCost}`, {
              extensions: { code: 'BAD_USER_INPUT', cost, maxCost, http: { status: 400 } },
            });
          }
        },
      };
    },
  };
}
