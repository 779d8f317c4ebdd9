import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import type { RequestContext } from '../context';
import { databaseFault } from '../db/faults';
import { UnavailableError } from '../errors';
import type { Logger } from '../logger';

/** A mutation request that reports any error is rolled back whole; everything else commits. */
export function rollsBack(operation: string | undefined, errors: number): boolean {
  return operation === 'mutation' && errors > 0;
}

/** Codes that fail a whole request and the HTTP status they carry (load balancers and clients retry on them). */
const REQUEST_FAILURES: Record<string, number | undefined> = { SERVICE_UNAVAILABLE: 503, REQUEST_TIMEOUT: 504 };

function only(error: UnavailableError): GraphQLFormattedError[] {
  return [{ message: error.message, extensions: { code: error.code } }];
}

/**
 * After a query operation has executed, forgets what it read (see TenantSession.forgetReads): a read
 * writes nothing of what it loaded, and the audit entry and the commit flush only what they add.
 * Ends the request's tenant transaction before the response leaves. A mutation request that reports
 * any error is rolled back whole and answered with its errors and null data (nothing it did stays,
 * so no part of its answer may say otherwise); everything else is committed, and if the commit
 * fails the client gets an error instead of a false success. A request
 * past its deadline is rolled back and answered REQUEST_TIMEOUT (504); a database that cannot be
 * reached makes the answer SERVICE_UNAVAILABLE (503). It marks the request as in the pipeline when
 * it starts: a session whose request never gets there is ended by the request context instead. A
 * request whose pipeline fails (a hook throws) is rolled back, so no failure can keep its connection.
 */
export function tenantSessionPlugin(logger: Logger): ApolloServerPlugin<RequestContext> {
  return {
    async unexpectedErrorProcessingRequest({ requestContext }) {
      await requestContext.contextValue.session?.abandon();
    },
    async requestDidStart({ contextValue }) {
      contextValue.pipeline.started = true;
      return {
        // No operation when the document has none of the requested name (execution then refuses it).
        async executionDidStart({ operation, contextValue }) {
          if (operation?.operation !== 'query') return;
          return {
            // Runs before the audit plugin's (listed after this one) writes the entry.
            async executionDidEnd() {
              contextValue.session?.forgetReads();
            },
          };
        },
        async willSendResponse({ contextValue, response, operation }) {
          // Incremental delivery is not enabled (graphql 16), so the answer is one result.
          const single = response.body.kind === 'single' ? response.body : undefined;
          const onTime = contextValue.deadline.finish();
          // Errors that replace the whole answer (its data, if any, must not be taken as done).
          let failure = onTime ? undefined : only(UnavailableError.timedOut());
          const rolledBack = rollsBack(operation?.operation, single?.singleResult.errors?.length ?? 0);
          const session = contextValue.session;
          if (session?.started) {
            try {
              await session.end(onTime && !rolledBack);
            } catch (error) {
              const fault = databaseFault(error);
              logger.error({ err: error, requestId: contextValue.requestId }, 'commit failed');
              failure = fault ? only(fault) : [{ message: `Internal server error (reference ${contextValue.requestId})`, extensions: { code: 'INTERNAL_SERVER_ERROR' } }];
            }
          }
          if (!single) return;
          if (failure) single.singleResult = { errors: failure };
          // An error below a root field (a field the caller may not read) leaves the rest of the answer, a
          // new row's id included: none of it was kept, so none of it is answered. Only a hospital's
          // request is rolled back whole; a platform operation commits work of its own.
          else if (rolledBack && session) single.singleResult = { ...single.singleResult, data: null };
          const errors = single.singleResult.errors ?? [];
          const status = errors.map((e) => REQUEST_FAILURES[String(e.extensions?.code)]).find(Boolean);
          if (status) {
            single.singleResult = { errors };
            response.http.status = status;
          }
        },
      };
    },
  };
}
