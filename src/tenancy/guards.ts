import {
  ChangeSetType,
  type EntityManager,
  type EventArgs,
  type EventSubscriber,
  type FlushEventArgs,
  type TransactionEventArgs,
} from '@mikro-orm/core';
import { TENANT_FILTER, TenantScoped } from './tenant-scoped';

/** Thrown when a write would put or move a row into another tenant. Never shown to clients as such. */
export class TenantWriteViolation extends Error {
  constructor(message: string) {
    super(`Tenant write guard: ${message}`);
    this.name = 'TenantWriteViolation';
  }
}

/** The tenant a fork is bound to, or undefined for an unbound fork. */
export function boundTenantId(em: EntityManager): string | undefined {
  const params = em.getFilterParams<{ id?: string }>(TENANT_FILTER);
  return params?.id;
}

/**
 * The tenant and placement schema of a fork, for statements that bypass the ORM's tenant filter or
 * its write guard (detached reads, newest-per-key reads, audit inserts): they must name both
 * themselves, so a fork bound to no tenant, or to no placement schema (a wildcard entity would fall
 * back to another schema), is refused.
 */
export function boundPlacement(em: EntityManager, what: string): { tenantId: string; schema: string } {
  const tenantId = boundTenantId(em);
  const schema = em.schema;
  if (!tenantId || !schema) throw new TenantWriteViolation(`${what} needs a fork bound to a tenant and its placement`);
  return { tenantId, schema };
}

/**
 * Filters guard reads only. This subscriber guards writes: it stamps the fork's tenant on every insert,
 * rejects an insert, update or delete that names another tenant, and refuses `em.upsert` on tenant
 * entities outright (an upsert by primary key can overwrite a row the filter cannot see).
 */
export class TenantWriteGuard implements EventSubscriber {
  onFlush({ em, uow }: FlushEventArgs): void {
    const changeSets = uow.getChangeSets().filter((cs) => cs.entity instanceof TenantScoped);
    if (changeSets.length === 0) return;
    const tenantId = boundTenantId(em);
    if (!tenantId) throw new TenantWriteViolation('flush of tenant data without a bound tenant');
    for (const cs of changeSets) {
      const entity = cs.entity as TenantScoped;
      if (cs.type === ChangeSetType.CREATE) {
        if (entity.tenantId === undefined || entity.tenantId === null) {
          entity.tenantId = tenantId;
          uow.recomputeSingleChangeSet(entity);
        } else if (entity.tenantId !== tenantId) {
          throw new TenantWriteViolation(`insert of ${cs.name} for another tenant`);
        }
      } else if (cs.type === ChangeSetType.UPDATE && 'tenantId' in cs.payload) {
        throw new TenantWriteViolation(`${cs.name}.tenantId cannot change`);
      } else if (entity.tenantId !== tenantId) {
        throw new TenantWriteViolation(`${cs.type} of ${cs.name} of another tenant`);
      }
    }
  }

  beforeUpsert(args: EventArgs<unknown>): void {
    if (args.entity instanceof TenantScoped || args.meta?.className && isTenantMeta(args)) {
      throw new TenantWriteViolation('upsert is not allowed on tenant data; load and change the row instead');
    }
  }
}

function isTenantMeta(args: EventArgs<unknown>): boolean {
  return Boolean(args.meta?.properties && 'tenantId' in args.meta.properties);
}

/**
 * Second wall under every tenant table. A transaction of a fork bound to a tenant is bound by the
 * tenant session's first statement (`enter_request`: tenant, statement timeout and hold, see
 * tenant-session.ts). Every other transaction gets the statement timeout and an empty tenant here, so
 * row-level security matches no tenant row in it. Both are transaction-local (is_local = true), never a
 * session SET that would leak to the next user of the pooled connection. A bound fork whose
 * transaction was begun anywhere else has no tenant set, and so sees and writes nothing: it fails
 * closed.
 */
export class RowLevelSecurityBinder implements EventSubscriber {
  constructor(private readonly statementTimeoutMs: number) {}

  async afterTransactionStart({ em, transaction }: TransactionEventArgs): Promise<void> {
    if (boundTenantId(em as EntityManager)) return;
    await em
      .getConnection()
      .execute("select set_config('app.tenant_id', '', true), set_config('statement_timeout', ?, true)", [String(this.statementTimeoutMs)], 'run', transaction);
  }
}
