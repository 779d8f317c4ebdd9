import type { ApolloServerPlugin, GraphQLRequestContext } from '@apollo/server';
import { getNamedType, isObjectType, type GraphQLOutputType, type GraphQLResolveInfo } from 'graphql';
import type { RequestContext } from '../context';
import type { Logger } from '../logger';
import { AuditActorKind, AuditOutcome } from '../modules/audit/audit-entry.entity';
import { recordPlatformAudit, recordTenantAudit, type TenantAuditRecord } from '../modules/audit/audit.service';
import { isUuid } from '../modules/common/ids';
import { runInTenant } from '../tenancy';
import { rollsBack } from './session-plugin';

/**
 * Types whose every read is audited (a patient's record): as a root field's result, in a connection,
 * or nested anywhere in a result (modules that expose a patient under another type are covered).
 */
export const AUDITED_READ_TYPES = new Set(['Patient']);

interface RootField {
  key: string;
  name: string;
  recordIds: Set<string>;
  auditedRead: boolean;
  /** Platform actions: the hospital acted on, from the arguments or the result. */
  tenant: { id?: string; slug?: string };
}

function tenantOf(value: unknown): { id?: string; slug?: string } {
  if (!value || typeof value !== 'object') return {};
  const v = value as Record<string, unknown>;
  const inner = v.tenant && typeof v.tenant === 'object' ? (v.tenant as Record<string, unknown>) : v;
  if (typeof inner.slug !== 'string' || !('isolation' in inner)) return {};
  return { id: typeof inner.id === 'string' ? inner.id : undefined, slug: inner.slug };
}

function slugArg(args: Record<string, unknown>): string | undefined {
  const input = args.input as Record<string, unknown> | undefined;
  const slug = args.slug ?? input?.slug;
  return typeof slug === 'string' ? slug.slice(0, 100) : undefined;
}

/**
 * Record ids: from arguments, `id` and any `…Id` (e.g. patientId), also inside `input`; from results,
 * the `id` of the returned record(s), of connection nodes and of a payload's `user`.
 */
function collectIds(value: unknown, into: Set<string>, from: 'args' | 'result', depth = 0): void {
  if (!value || typeof value !== 'object' || depth > 3) return;
  if (Array.isArray(value)) return value.forEach((v) => collectIds(v, into, from, depth + 1));
  const record = value as Record<string, unknown>;
  for (const [key, v] of Object.entries(record)) {
    const named = key === 'id' || (from === 'args' && key.endsWith('Id') && key !== 'tenantId');
    if (named && typeof v === 'string' && isUuid(v)) into.add(v);
  }
  for (const key of from === 'args' ? ['input'] : ['edges', 'node', 'user']) if (key in record) collectIds(record[key], into, from, depth + 1);
}

function noteNestedRead(fields: RootField[], path: GraphQLResolveInfo['path'], source: unknown): void {
  let root = path;
  while (root.prev) root = root.prev;
  const field = fields.find((f) => f.key === String(root.key));
  const id = (source as { id?: unknown } | null)?.id;
  if (!field || typeof id !== 'string' || !isUuid(id)) return;
  field.auditedRead = true;
  field.recordIds.add(id);
}

/** The node type of a connection (`edges { node }`), or the type itself. */
function readType(type: GraphQLOutputType): string {
  const named = getNamedType(type);
  if (!isObjectType(named)) return named.name;
  const edges = named.getFields().edges;
  const edge = edges ? getNamedType(edges.type) : null;
  const node = edge && isObjectType(edge) ? edge.getFields().node : undefined;
  return node ? getNamedType(node.type).name : named.name;
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

/**
 * The audit trail, recorded per operation (one entry per root field). Inside a hospital: every
 * mutation, every read of a patient's record, and every request a platform admin makes. On the
 * platform host: every mutation, in the central trail. Entries go into the request's own transaction;
 * when a mutation request is rolled back, its entries (FAILURE, or ROLLED_BACK for the parts that
 * had worked) are written in a transaction of their own, so a failed attempt is never lost.
 */
export function auditPlugin(logger: Logger): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async executionDidStart(requestContext) {
          const fields: RootField[] = [];
          return {
            willResolveField({ info, args, source }) {
              if (info.path.prev !== undefined) {
                // A patient's record read anywhere in the result (e.g. an appointment's patient)
                // counts as a read by the root field that led to it.
                if (AUDITED_READ_TYPES.has(info.parentType.name)) noteNestedRead(fields, info.path, source);
                return;
              }
              if (info.fieldName.startsWith('__')) return;
              const field: RootField = {
                key: String(info.path.key),
                name: info.fieldName,
                recordIds: new Set(),
                auditedRead: AUDITED_READ_TYPES.has(readType(info.returnType)),
                tenant: { slug: slugArg(args) },
              };
              collectIds(args, field.recordIds, 'args');
              fields.push(field);
              return (error, result) => {
                if (error) return;
                collectIds(result, field.recordIds, 'result');
                const tenant = tenantOf(result);
                if (tenant.slug) field.tenant = tenant;
              };
            },
            async executionDidEnd() {
              try {
                await writeEntries(requestContext, fields);
              } catch (error) {
                logger.error({ err: error, requestId: requestContext.contextValue.requestId }, 'audit write failed');
                // No unaudited success: the request reports an error (and a mutation is rolled back).
                requestContext.response.body = {
                  kind: 'single',
                  singleResult: { errors: [{ message: `Internal server error (reference ${requestContext.contextValue.requestId})`, extensions: { code: 'INTERNAL_SERVER_ERROR' } }] },
                };
              }
            },
          };
        },
      };
    },
  };
}

async function writeEntries(requestContext: GraphQLRequestContext<RequestContext>, fields: RootField[]): Promise<void> {
  const ctx = requestContext.contextValue;
  const type = requestContext.operation?.operation === 'mutation' ? 'mutation' : 'query';
  const { byKey: errors, total } = errorsByKey(requestContext);
  const rolledBack = rollsBack(type, total);
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
  }));
  const apart = (entries: TenantAuditRecord[]) => runInTenant(ctx.services.tenancy.pools, ctx.tenant!, (em) => recordTenantAudit(em, entries));
  if (rolledBack || !ctx.session) return apart(records);
  try {
    await recordTenantAudit(await ctx.session.em(), records);
  } catch (error) {
    // The request's transaction is unusable: it will not commit, so record the attempt as failed.
    await apart(records.map((r) => ({ ...r, outcome: AuditOutcome.FAILURE, errorCode: r.errorCode ?? 'INTERNAL_SERVER_ERROR' })));
    throw error;
  }
}
