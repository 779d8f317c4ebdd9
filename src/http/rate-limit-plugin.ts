import type { ApolloServerPlugin } from '@apollo/server';
import { Kind, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import type { RequestContext } from '../context';
import { asRequestError } from './request-error';

/**
 * The root field names an operation runs, once per occurrence (aliases and fragments included;
 * `@skip`/`@include` are ignored, so a field is never missed).
 */
export function rootFieldNames(operation: OperationDefinitionNode, document: DocumentNode): string[] {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  const names: string[] = [];
  // Runs after validation, which refuses unknown fragments and fragment cycles.
  const walk = (selectionSet: SelectionSetNode) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) names.push(selection.name.value);
      else if (selection.kind === Kind.INLINE_FRAGMENT) walk(selection.selectionSet);
      else walk(fragments.get(selection.name.value)!.selectionSet);
    }
  };
  walk(operation.selectionSet);
  return names;
}

/**
 * Enforces the request rate limits once per request, after the operation is known and before
 * anything executes: RATE_LIMITED with `extensions.retryAfterSeconds`, HTTP 429 and `Retry-After`.
 */
export function rateLimitPlugin(): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue: ctx, operation, document }) {
          if (!operation) return; // nothing will execute
          try {
            await ctx.services.rateLimits.enforce({
              tenant: ctx.tenant,
              principal: ctx.principal,
              clientAddress: ctx.clientAddress,
              rootFields: rootFieldNames(operation, document),
            });
          } catch (error) {
            throw asRequestError(error);
          }
        },
      };
    },
  };
}
