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

/** Forks whose transactions must end by a deadline (see capStatementTimeout). */
const deadlines = new WeakMap<EntityManager, { remainingMs(): number }>();

/**
 * Caps the statement timeout of `em`'s transaction at what is left of `deadline` when it begins, so a
 * statement started then (a slow query, a wait for a lock) is cancelled by PostgreSQL near the deadline.
 */
export function capStatementTimeout(em: EntityManager, deadline: { remainingMs(): number }): void {
  deadlines.set(em, deadline);
}

/**
 * Second wall under every tenant table: sets `app.tenant_id` for the transaction (is_local = true,
 * never a session SET that would leak to the next user of the pooled connection), together with the
 * statement timeout (capped by the fork's deadline, if any), in one statement. An unbound fork sets no
 * tenant, and the row-level security policy then matches no row.
 */
export class RowLevelSecurityBinder implements EventSubscriber {
  constructor(private readonly statementTimeoutMs: number) {}

  async afterTransactionStart({ em, transaction }: TransactionEventArgs): Promise<void> {
    const tenantId = boundTenantId(em as EntityManager) ?? '';
    const left = deadlines.get(em as EntityManager)?.remainingMs() ?? Infinity;
    const limit = Math.min(this.statementTimeoutMs || Infinity, left); // a configured 0 means none
    const timeoutMs = limit === Infinity ? 0 : Math.max(1, Math.ceil(limit)); // 0 ms would mean no timeout at all
    await em
      .getConnection()
      .execute("select set_config('app.tenant_id', ?, true), set_config('statement_timeout', ?, true)", [tenantId, String(timeoutMs)], 'run', transaction);
  }
}
