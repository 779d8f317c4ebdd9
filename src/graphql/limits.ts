import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { GraphQLError, Kind, valueFromASTUntyped, visit, type ArgumentNode, type DocumentNode, type GraphQLSchema } from 'graphql';
import { LRUCache } from 'lru-cache';
import { getComplexity, simpleEstimator, type ComplexityEstimator } from 'graphql-query-complexity';
import { BadInputError } from '../errors';
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

/** At most this many variable combinations are remembered per document (each is one number). */
const COSTS_PER_DOCUMENT = 64;

interface DocumentCosts {
  /** The variables the cost depends on: those given to `first` and to `@skip`/`@include`. */
  inputs: string[];
  /** Cost by operation name and the values of `inputs`. */
  costs: LRUCache<string, number>;
}

function costInputs(document: DocumentNode): string[] {
  const names = new Set<string>();
  const noteVariable = (argument: ArgumentNode) => {
    if (argument.value.kind === Kind.VARIABLE) names.add(argument.value.name.value);
  };
  visit(document, {
    Field: (field) => field.arguments?.filter((a) => a.name.value === 'first').forEach(noteVariable),
    Directive: (directive) => {
      if (directive.name.value === 'skip' || directive.name.value === 'include') directive.arguments?.forEach(noteVariable);
    },
  });
  return [...names].sort();
}

/**
 * Refuses an operation whose estimated cost, with its variables applied, is over `maxCost`. The
 * estimate walks the whole document, so it is kept per document (Apollo hands the same parsed
 * document to every request with the same text) and per value of the variables it depends on:
 * a booking's or a lookup's other variables do not make it walk the document again.
 */
export function costLimit(schema: GraphQLSchema, maxCost: number): ApolloServerPlugin {
  const byDocument = new WeakMap<DocumentNode, DocumentCosts>();
  const estimate = (document: DocumentNode, operationName: string | undefined, variables: Record<string, unknown>): number => {
    let known = byDocument.get(document);
    if (!known) byDocument.set(document, (known = { inputs: costInputs(document), costs: new LRUCache({ max: COSTS_PER_DOCUMENT }) }));
    // A variable left out (its default applies) and one sent as null are different inputs: [] and [null].
    const key = JSON.stringify([operationName ?? null, ...known.inputs.map((name) => (Object.hasOwn(variables, name) ? [variables[name]] : []))]);
    let cost = known.costs.get(key);
    if (cost === undefined) {
      cost = getComplexity({ schema, query: document, operationName, variables, estimators: [pageSizeEstimator, simpleEstimator({ defaultComplexity: 1 })] });
      known.costs.set(key, cost);
    }
    return cost;
  };
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, operationName }) {
          let cost: number;
          try {
            cost = estimate(document, operationName ?? undefined, request.variables ?? {});
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

const NUL = '\u0000';
/** Half of a UTF-16 surrogate pair with no other half (with the `u` flag, a whole pair is one character and does not match). */
const LONE_SURROGATE = /\p{Surrogate}/u;

/** Why PostgreSQL could not keep `text` as sent, or null. */
function unstorableText(text: string): string | null {
  if (text.includes(NUL)) return 'must not contain a NUL character';
  if (LONE_SURROGATE.test(text)) return 'must not contain a lone surrogate (half of a UTF-16 pair)';
  return null;
}

/**
 * Adds to `found` the path of every text in `value` PostgreSQL could not keep, with why (an object's
 * fields as `at.field`). Recursive: variables nest at most MAX_VARIABLE_DEPTH levels by the time it
 * runs (src/http/variables.ts), and a literal no deeper than the token limit lets a document be.
 */
function unstorablePaths(value: unknown, at: string, found: [string, string][]): void {
  if (typeof value === 'string') {
    const problem = unstorableText(value);
    if (problem) found.push([at, problem]);
  } else if (Array.isArray(value)) {
    for (const item of value) unstorablePaths(item, at, found);
  } else if (value && typeof value === 'object') {
    for (const [name, field] of Object.entries(value)) unstorablePaths(field, `${at}.${name}`, found);
  }
}

/** The arguments (by name) and variable defaults (as `$name`) of a document whose literal text PostgreSQL could not keep. */
function documentUnstorablePaths(document: DocumentNode): [string, string][] {
  const found: [string, string][] = [];
  visit(document, {
    Argument: (argument) => unstorablePaths(valueFromASTUntyped(argument.value), argument.name.value, found),
    VariableDefinition: (definition) => {
      if (definition.defaultValue) unstorablePaths(valueFromASTUntyped(definition.defaultValue), `$${definition.variable.name.value}`, found);
    },
  });
  return found;
}

/**
 * Refuses text PostgreSQL could not keep as sent, in a variable or in the document, with BAD_USER_INPUT
 * (400) before anything executes: a NUL character (U+0000), which it cannot store and at which the
 * driver would cut a statement short, and a lone UTF-16 surrogate (JSON's "\ud800" without its other
 * half), which the driver would silently store as U+FFFD. (graphql-js already refuses a lone surrogate
 * in the document's own text.) The document's literals are looked at once per parsed document.
 */
export function refuseUnstorableText(): ApolloServerPlugin {
  const byDocument = new WeakMap<DocumentNode, [string, string][]>();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          let literals = byDocument.get(document);
          if (!literals) byDocument.set(document, (literals = documentUnstorablePaths(document)));
          const found = [...literals];
          for (const [name, value] of Object.entries(request.variables ?? {})) unstorablePaths(value, `$${name}`, found);
          if (found.length === 0) return;
          const error = BadInputError.forFields(Object.fromEntries(found));
          throw new GraphQLError(error.message, { originalError: error, extensions: { code: error.code, http: { status: 400 } } });
        },
      };
    },
  };
}

/**
 * Refuses a subscription with BAD_USER_INPUT (400) before anything runs: the gateway serves queries
 * and mutations over HTTP only, and graphql-js would otherwise start one and fail it as an internal error.
 */
export function refuseSubscriptions(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation }) {
          if (operation?.operation !== 'subscription') return;
          throw new GraphQLError('Subscriptions are not supported', { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });
        },
      };
    },
  };
}
