import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { RequestContext } from '../context';
import { rootFields } from './root-fields';

/**
 * A mutation on the platform host (no hospital) runs exactly one root field, counted by response key
 * (an alias is a field of its own; `__typename` runs nothing); one with more is refused with
 * BAD_USER_INPUT (400) before anything runs. Inside a hospital, a mutation request that reports an
 * error is rolled back whole; platform operations commit work of their own (a hospital's schema or
 * database, its catalog entry, a move, a rotated refresh token), which no transaction could undo when
 * a sibling field fails, so one request is one operation there.
 */
export function platformMutationPlugin(): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue: ctx, operation, document }) {
          if (!operation || operation.operation !== 'mutation' || ctx.tenant) return;
          const keys = new Set(rootFields(operation, document).filter((f) => f.name.value !== '__typename').map((f) => (f.alias ?? f.name).value));
          if (keys.size <= 1) return;
          throw new GraphQLError(`A mutation on the platform host runs exactly one field; this one has ${[...keys].join(', ')}: send each in a request of its own`, {
            extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } },
          });
        },
      };
    },
  };
}
