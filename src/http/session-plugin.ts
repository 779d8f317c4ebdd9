import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestContext } from '../context';
import type { Logger } from '../logger';

/**
 * Ends the request's tenant transaction before the response leaves: commit, and if the commit
 * fails the client gets an error instead of a success for a write that did not happen.
 */
export function tenantSessionPlugin(logger: Logger): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response }) {
          const session = contextValue.session;
          if (!session?.started) return;
          try {
            await session.end(true);
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
