import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { RequestContext } from '../context';
import { OWN_ACCOUNT_MUTATIONS } from '../modules/session/account-context';
import { rootFields } from './root-fields';

/**
 * A mutation whose work commits apart from a request transaction runs exactly one root field, counted
 * by response key (an alias is a field of its own; `__typename` runs nothing); one with more is
 * refused with BAD_USER_INPUT (400) before anything runs. Inside a hospital, a mutation request that
 * reports an error is rolled back whole (src/http/session-plugin.ts); platform operations commit work
 * of their own (a hospital's schema or database, its catalog entry, a move, a rotated refresh token),
 * and so does a platform admin's change of their own account inside a hospital (it lives in the
 * catalog): no transaction could undo them when a sibling field fails, so one request is one
 * operation there.
 */
export function platformMutationPlugin(): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue: ctx, operation, document }) {
          if (!operation || operation.operation !== 'mutation') return;
          const fields = rootFields(operation, document).filter((f) => f.name.value !== '__typename');
          const ownAccount = ctx.principal?.kind === 'platform' && fields.some((f) => OWN_ACCOUNT_MUTATIONS.has(f.name.value));
          if (ctx.tenant && !ownAccount) return;
          const keys = new Set(fields.map((f) => (f.alias ?? f.name).value));
          if (keys.size <= 1) return;
          const why = ctx.tenant ? "A platform admin's own account is changed apart from the hospital's work, so this mutation" : 'A mutation on the platform host';
          throw new GraphQLError(`${why} runs exactly one field; this one has ${[...keys].join(', ')}: send each in a request of its own`, {
            extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } },
          });
        },
      };
    },
  };
}
