import type { GraphQLRequestContext } from '@apollo/server';
import { getOperationAST, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import type { RequestContext } from '../context';
import { AuditActorKind, AuditOutcome } from '../modules/audit/audit-entry.entity';
import { recordPlatformAudit, recordTenantAudit, type TenantAuditRecord } from '../modules/audit/audit.service';
import { rootFields } from './root-fields';

/** Entries one refused request may leave at most (one per root field name): a document refused by the limits could name thousands. */
const MOST_ENTRIES = 10;
/** The operation recorded for a document whose operation could not be read (it did not parse, or has none of the requested name). */
const UNREAD = '(unparsed)';

/**
 * Writes entries to the request's hospital in a transaction of their own, after ending the request's
 * (rolled back, unless it has already ended), so writing apart never needs a second connection while
 * holding one (with a busy or one-connection pool that would wait for itself).
 */
export async function recordApart(ctx: RequestContext, records: TenantAuditRecord[]): Promise<void> {
  await ctx.session?.abandon();
  await ctx.services.tenancy.run(ctx.tenant!, (em) => recordTenantAudit(em, records));
}

/**
 * Records a platform admin's request that was refused before anything ran (a document that does not
 * parse or validate, an operation refused as a whole, such as a mutation on the platform host with
 * two fields), where the request would have been recorded had it run: inside a hospital always, on
 * the platform host unless it is known to be a query. One FAILURE entry per root field name (at most
 * MOST_ENTRIES; `(unparsed)` when the operation cannot be read), with the first error's code and the
 * detail `refused before it ran`. Nobody else's refusals are recorded: anyone could fill the trail
 * with malformed requests. Neither is a refusal by the rate limits: recording each would do the very
 * work the limit spares.
 */
export async function recordRefusal(requestContext: GraphQLRequestContext<RequestContext>): Promise<void> {
  const ctx = requestContext.contextValue;
  const principal = ctx.principal;
  const body = requestContext.response.body;
  const errors = body?.kind === 'single' ? (body.singleResult.errors ?? []) : [];
  if (principal?.kind !== 'platform' || errors.length === 0) return;
  const errorCode = String(errors[0]!.extensions?.code ?? 'INTERNAL_SERVER_ERROR');
  if (errorCode === 'RATE_LIMITED') return;
  const operation = operationOf(requestContext);
  if (!ctx.tenant && operation?.operation === 'query') return;
  const names = operation ? fieldNames(operation, requestContext.document!) : [UNREAD];
  const refused = { actorId: principal.id, recordIds: [], outcome: AuditOutcome.FAILURE, errorCode, clientAddress: ctx.clientAddress, requestId: ctx.requestId, detail: 'refused before it ran' };
  if (!ctx.tenant) {
    await recordPlatformAudit(ctx.services.tenancy.central, names.map((name) => ({ ...refused, actorEmail: principal.email, operation: name, source: 'API' })));
    return;
  }
  const operationType = operation?.operation === 'mutation' ? 'mutation' : 'query';
  await recordApart(ctx, names.map((name) => ({ ...refused, actorKind: AuditActorKind.platform, actorRole: principal.roles.join(','), operation: name, operationType })));
}

/** The operation the request named: resolved by Apollo, or read from a document that failed validation. */
function operationOf(requestContext: GraphQLRequestContext<RequestContext>): OperationDefinitionNode | undefined {
  const { operation, document, request } = requestContext;
  return operation ?? (document ? (getOperationAST(document, request.operationName) ?? undefined) : undefined);
}

/** Each root field name once (cut to 100 characters), at most MOST_ENTRIES. */
function fieldNames(operation: OperationDefinitionNode, document: DocumentNode): string[] {
  const names = [...new Set(rootFields(operation, document).map((f) => f.name.value.slice(0, 100)))];
  return names.length === 0 ? [UNREAD] : names.slice(0, MOST_ENTRIES);
}
