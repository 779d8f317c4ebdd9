import type { ApolloServerPlugin } from '@apollo/server';
import type { DocumentNode, OperationDefinitionNode } from 'graphql';
import type { RequestContext } from '../context';
import { asRequestError } from './request-error';
import { rootFields } from './root-fields';

/** The root field names an operation runs, once per occurrence (see rootFields). */
export function rootFieldNames(operation: OperationDefinitionNode, document: DocumentNode): string[] {
  return rootFields(operation, document).map((field) => field.name.value);
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
