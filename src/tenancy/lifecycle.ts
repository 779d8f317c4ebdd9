import type { MikroORM } from '@mikro-orm/core';
import { BadInputError, ConflictError, NotFoundError } from '../errors';
import { charCount } from '../text-rules';
import { Isolation, Tenant, TenantStatus } from './catalog';
import type { IsolationStrategy } from './isolation/strategy';
import type { PoolRegistry } from './pools';
import type { CachedTenantStore } from './resolution/tenant-store';
import { toTenantDetails, type TenantDetails } from './tenant-record';
import { SERVING } from './transfer/deps';

const DAY_MS = 86_400_000;
/** A legal hold's reason: a case number or request, as long as the catalog's other free text (an address). */
const MAX_REASON = 500;

/**
 * The end of a hospital's life: soft delete (it stops resolving at once; its data is kept for the
 * retention period), a legal hold that keeps the data however long, and purge (the placement through
 * its isolation strategy's `destroy`, then the catalog entry). Purge refuses an active hospital, one
 * under legal hold, and, unless forced, one still inside its retention period.
 */
export class TenantLifecycle {
  constructor(
    private readonly deps: {
      central: MikroORM;
      pools: PoolRegistry;
      store: CachedTenantStore;
      strategies: Record<Isolation, IsolationStrategy>;
      retentionDays: number;
    },
  ) {}

  /**
   * Marks the hospital DELETED with `purgeAfter` = now + the retention period. The write is conditional
   * on the hospital still serving: of concurrent deletions one marks it, the others are NOT_FOUND.
   */
  async softDelete(slug: string): Promise<TenantDetails> {
    const em = this.deps.central.em.fork();
    const tenant = await em.findOne(Tenant, { slug, status: { $in: SERVING } }, { populate: ['domains'] });
    if (!tenant) throw NotFoundError.forEntity('Hospital', slug);
    const now = new Date();
    const deleted = { status: TenantStatus.DELETED, deletedAt: now, purgeAfter: new Date(now.getTime() + this.deps.retentionDays * DAY_MS) };
    if ((await em.nativeUpdate(Tenant, { id: tenant.id, status: { $in: SERVING } }, deleted)) !== 1) throw NotFoundError.forEntity('Hospital', slug);
    Object.assign(tenant, deleted);
    this.deps.store.invalidate(tenant.id);
    return toTenantDetails(tenant);
  }

  /** Sets or releases a legal hold (any status but PROVISIONING); the reason holds at most 500 characters. */
  async setLegalHold(slug: string, hold: boolean, reason?: string): Promise<TenantDetails> {
    if (reason !== undefined && charCount(reason.trim()) > MAX_REASON) throw BadInputError.forFields({ reason: `must be at most ${MAX_REASON} characters` });
    const em = this.deps.central.em.fork();
    const tenant = await em.findOne(Tenant, { slug, status: { $ne: TenantStatus.PROVISIONING } }, { populate: ['domains'] });
    if (!tenant) throw NotFoundError.forEntity('Hospital', slug);
    Object.assign(tenant, { legalHold: hold, legalHoldReason: hold ? (reason?.trim() || null) : null });
    await em.flush();
    return toTenantDetails(tenant);
  }

  /**
   * Destroys a deleted hospital's placement, then its catalog entry. Refused (CONFLICT) under legal
   * hold, for a hospital that is not deleted, and inside the retention period unless `force`.
   */
  async purge(slug: string, options: { force?: boolean } = {}): Promise<TenantDetails> {
    const em = this.deps.central.em.fork();
    const tenant = await em.findOne(Tenant, { slug, status: { $ne: TenantStatus.PROVISIONING } }, { populate: ['domains'] });
    if (!tenant) throw NotFoundError.forEntity('Hospital', slug);
    if (tenant.status !== TenantStatus.DELETED) throw ConflictError.because(`Hospital "${slug}" is not deleted; delete it first`);
    if (tenant.legalHold) throw ConflictError.because(`Hospital "${slug}" is under legal hold${tenant.legalHoldReason ? ` (${tenant.legalHoldReason})` : ''}; release the hold before purging`);
    if (!options.force && tenant.purgeAfter && tenant.purgeAfter.getTime() > Date.now()) {
      throw ConflictError.because(`Hospital "${slug}" is kept until ${tenant.purgeAfter.toISOString()} (retention period)`);
    }
    const details = toTenantDetails(tenant);
    const placement = { server: tenant.serverName, database: tenant.databaseName, schema: tenant.schemaName };
    await this.deps.strategies[tenant.isolation].destroy(placement, tenant.id);
    await em.nativeDelete(Tenant, { id: tenant.id });
    this.deps.store.invalidate(tenant.id);
    return details;
  }

  /** Deleted hospitals past their retention period and not under legal hold. */
  async expired(): Promise<string[]> {
    const rows = await this.deps.central.em.fork().find(
      Tenant,
      { status: TenantStatus.DELETED, legalHold: false, purgeAfter: { $lte: new Date() } },
      { orderBy: { slug: 'asc' }, fields: ['slug'] },
    );
    return rows.map((t) => t.slug);
  }
}
