import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestContext } from '../context';
import type { Logger } from '../logger';

/** A mutation request that reports any error is rolled back whole; everything else commits. */
export function rollsBack(operation: string | undefined, errors: number): boolean {
  return operation === 'mutation' && errors > 0;
}

/**
 * After a query operation has executed, forgets what it read (see TenantSession.forgetReads): a read
 * writes nothing of what it loaded, and the audit entry and the commit flush only what they add.
 * Ends the request's tenant transaction before the response leaves. A mutation request that reports
 * any error is rolled back whole (its data is null, so nothing it did may stay); everything else is
 * committed, and if the commit fails the client gets an error instead of a false success.
 */
export function tenantSessionPlugin(logger: Logger): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async executionDidStart({ operation, contextValue }) {
          if (operation.operation !== 'query') return;
          return {
            // Runs before the audit plugin's (listed after this one) writes the entry.
            async executionDidEnd() {
              contextValue.session?.forgetReads();
            },
          };
        },
        async willSendResponse({ contextValue, response, operation }) {
          const session = contextValue.session;
          if (!session?.started) return;
          const errors = response.body.kind === 'single' ? (response.body.singleResult.errors?.length ?? 0) : 0;
          try {
            await session.end(!rollsBack(operation?.operation, errors));
          } catch (error) {
            logger.error({ err: error, requestId: contextValue.requestId }, 'commit failed');
            if (response.body.kind === 'single') {
              response.body.singleResult = {
                errors: [{ message: `Internal server error (reference ${contextValue.requestId})`, extensions: { code: 'INTERNAL_SERVER_ERROR' } }],
              };
            }
          }
        },
      };
    },
  };
}
