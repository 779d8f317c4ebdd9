import type { ApolloServerPlugin, GraphQLRequestContext } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import type { RequestContext } from '../context';
import { databaseFault, fromDatabase } from '../db/faults';
import type { Logger } from '../logger';
import { AuditActorKind, AuditOutcome } from '../modules/audit/audit-entry.entity';
import { recordPlatformAudit, recordTenantAudit, type TenantAuditRecord } from '../modules/audit/audit.service';
import { introspectionRootFields, type RootField } from '../graphql/audit-fields';
import { recordApart, recordRefusal } from './refused-audit';
import { rollsBack } from './session-plugin';

/**
 * The audit trail, recorded per operation (one entry per root field, as gathered by the schema's audit
 * middleware while the operation executed, and one per introspection field at the root, which
 * graphql-js answers past the middleware). Inside a hospital: every
 * mutation, every read of a patient's record, and every request a platform admin makes. On the
 * platform host: every mutation, in the central trail. Entries go into the request's own transaction;
 * when a mutation request is rolled back, its entries (FAILURE, or ROLLED_BACK for the parts that
 * had worked) are written in a transaction of their own, so a failed attempt is never lost. A request
 * past its deadline is rolled back like a failed mutation, and recorded the same way; so is a request
 * whose transaction a failed statement has aborted (a read cancelled by its statement timeout), which
 * keeps its own errors. Only entries that cannot be written at all replace the answer. A platform
 * admin's request refused before it ran is recorded too (see recordRefusal); should that fail, the
 * refusal is answered all the same and the failure logged.
 */
export function auditPlugin(logger: Logger): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      let ran = false;
      return {
        async willSendResponse(requestContext) {
          if (ran) return;
          await recordRefusal(requestContext).catch((error: unknown) => {
            logger.error({ err: error, requestId: requestContext.contextValue.requestId }, 'audit write failed');
          });
        },
        async executionDidStart(requestContext) {
          ran = true;
          return {
            async executionDidEnd() {
              try {
                await writeEntries(requestContext);
              } catch (error) {
                logger.error({ err: error, requestId: requestContext.contextValue.requestId }, 'audit write failed');
                // No unaudited success: the request reports an error (and a mutation is rolled back).
                const fault = databaseFault(error);
                const reported = fault
                  ? { message: fault.message, extensions: { code: fault.code } }
                  : { message: `Internal server error (reference ${requestContext.contextValue.requestId})`, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
                requestContext.response.body = { kind: 'single', singleResult: { errors: [reported] } };
              }
            },
          };
        },
      };
    },
  };
}

async function writeEntries(requestContext: GraphQLRequestContext<RequestContext>): Promise<void> {
  const ctx = requestContext.contextValue;
  const fields = [...ctx.audit, ...introspectionRootFields(requestContext.schema, requestContext.document!, requestContext.operation!, requestContext.request.variables)];
  const type = requestContext.operation?.operation === 'mutation' ? 'mutation' : 'query';
  const { byKey: errors, total } = errorsByKey(requestContext);
  // From here the request finishes: on time it may commit, past its deadline it is rolled back.
  const rolledBack = !ctx.deadline.finish() || rollsBack(type, total);
  // A statement the database refused has aborted the request's transaction: nothing more goes into it.
  const aborted = (requestContext.errors ?? []).some((e) => fromDatabase(unwrapResolverError(e)));
  const principal = ctx.principal;
  const outcome = (f: RootField) => (errors.has(f.key) ? AuditOutcome.FAILURE : rolledBack ? AuditOutcome.ROLLED_BACK : AuditOutcome.SUCCESS);

  if (!ctx.tenant) {
    const audited = type === 'mutation' ? fields : [];
    if (audited.length === 0) return;
    await recordPlatformAudit(ctx.services.tenancy.central, audited.map((f) => ({
      actorId: principal?.id ?? null,
      actorEmail: principal?.kind === 'platform' ? principal.email : null,
      operation: f.name,
      tenantId: f.tenant.id ?? null,
      tenantSlug: f.tenant.slug ?? null,
      recordIds: [...f.recordIds],
      outcome: errors.has(f.key) ? AuditOutcome.FAILURE : AuditOutcome.SUCCESS,
      errorCode: errors.get(f.key) ?? null,
      clientAddress: ctx.clientAddress,
      requestId: ctx.requestId,
      source: 'API',
      detail: f.detail ?? null,
    })));
    return;
  }

  const everything = type === 'mutation' || principal?.kind === 'platform';
  const audited = everything ? fields : fields.filter((f) => f.auditedRead);
  if (audited.length === 0) return;
  const records: TenantAuditRecord[] = audited.map((f) => ({
    actorId: principal?.id ?? null,
    actorKind: principal ? (principal.kind as AuditActorKind) : AuditActorKind.anonymous,
    actorRole: principal ? principal.roles.join(',') : null,
    operation: f.name,
    operationType: type,
    recordIds: [...f.recordIds],
    outcome: outcome(f),
    errorCode: errors.get(f.key) ?? null,
    clientAddress: ctx.clientAddress,
    requestId: ctx.requestId,
    detail: f.detail ?? null,
  }));
  if (rolledBack || aborted || !ctx.session) return recordApart(ctx, records);
  try {
    await recordTenantAudit(await ctx.session.em(), records);
  } catch (error) {
    // The request's transaction is unusable: it will not commit, so record the attempt as failed.
    await recordApart(ctx, records.map((r) => ({ ...r, outcome: AuditOutcome.FAILURE, errorCode: r.errorCode ?? 'INTERNAL_SERVER_ERROR' })));
    throw error;
  }
}

/** The first error code per root field (response key), and how many errors there are in all. */
function errorsByKey(ctx: GraphQLRequestContext<RequestContext>): { byKey: Map<string, string>; total: number } {
  const body = ctx.response.body;
  const errors = body?.kind === 'single' ? (body.singleResult.errors ?? []) : [];
  const byKey = new Map<string, string>();
  for (const e of errors) {
    const key = e.path?.[0];
    if (typeof key === 'string' && !byKey.has(key)) byKey.set(key, String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR'));
  }
  return { byKey, total: errors.length };
}
