import type { MikroORM } from '@mikro-orm/core';
import { BadInputError, ConflictError, NotFoundError } from '../errors';
import { optionalLineProblem, optionalTextProblem } from '../text-rules';
import { Isolation, SERVING, Tenant, TenantStatus } from './catalog';
import { EntryRemoval } from './entry-removal';
import type { IsolationStrategy } from './isolation/strategy';
import type { PoolRegistry } from './pools';
import type { CachedTenantStore } from './resolution/tenant-store';
import { writeEntryIf } from './serving-change';
import { toTenantDetails, type TenantDetails } from './tenant-record';

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
      /** The catalog's database, where a purge removes the entry on a connection of its own. */
      catalogUrl: string;
      /** Moves of hospitals (TenantTransfer): a purge settles one that died and waits for none. */
      moves: { settleMove(entry: Tenant): Promise<boolean> };
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
    const written = await writeEntryIf(em, tenant.id, { status: { $in: SERVING } }, deleted);
    if (!written) throw NotFoundError.forEntity('Hospital', slug);
    Object.assign(tenant, written);
    this.deps.store.invalidate(tenant.id);
    return toTenantDetails(tenant);
  }

  /**
   * Sets or releases a legal hold (any status but PROVISIONING); the reason is one line of at most 500
   * characters (it is printed in tables and error messages), or none. The write is conditional on the hospital still existing: a hold waits for a purge
   * under way, and is NOT_FOUND once the hospital is purged.
   */
  async setLegalHold(slug: string, hold: boolean, reason?: string): Promise<TenantDetails> {
    const problem = optionalTextProblem(reason, (text) => optionalLineProblem(text, MAX_REASON));
    if (problem) throw BadInputError.forFields({ reason: problem });
    const em = this.deps.central.em.fork();
    const tenant = await this.entry(slug);
    const held = { legalHold: hold, legalHoldReason: hold ? (reason?.trim() || null) : null };
    const written = await writeEntryIf(em, tenant.id, { status: { $ne: TenantStatus.PROVISIONING } }, held);
    if (!written) throw NotFoundError.forEntity('Hospital', slug);
    Object.assign(tenant, written);
    return toTenantDetails(tenant);
  }

  /**
   * Destroys a deleted hospital's placement, then its catalog entry. Refused (CONFLICT) under legal
   * hold, for a hospital that is not deleted, inside the retention period unless `force`, and while a
   * move of it is under way; a move whose process died is settled first (its copy removed), so no
   * copy of the hospital outlives the purge. The entry's removal is conditional on what was checked
   * (no move recorded meanwhile either) and is held while the placement is destroyed (EntryRemoval),
   * so a legal hold, a move or a purge racing this one ends as if it came before or after it.
   */
  async purge(slug: string, options: { force?: boolean } = {}): Promise<TenantDetails> {
    let tenant = await this.entry(slug);
    refusePurge(tenant, options.force);
    if (await this.deps.moves.settleMove(tenant)) tenant = await this.entry(slug);
    const removal = await EntryRemoval.begin(this.deps.central, this.deps.catalogUrl, tenant.id, options.force ?? false);
    if (!removal) {
      // Changed since it was read: answer as a purge after that change would.
      const now = await this.entry(slug);
      refusePurge(now, options.force);
      await this.deps.moves.settleMove(now);
      throw ConflictError.because(`Hospital "${slug}" changed while it was being purged; try again`);
    }
    const placement = { server: tenant.serverName, database: tenant.databaseName, schema: tenant.schemaName };
    try {
      await this.deps.strategies[tenant.isolation].destroy(placement, tenant.id);
    } catch (error) {
      await removal.rollback();
      throw error;
    }
    await removal.commit();
    this.deps.store.invalidate(tenant.id);
    return toTenantDetails(tenant);
  }

  /** The catalog entry of `slug` (not one still being provisioned), or NOT_FOUND. */
  private async entry(slug: string): Promise<Tenant> {
    const tenant = await this.deps.central.em.fork().findOne(Tenant, { slug, status: { $ne: TenantStatus.PROVISIONING } }, { populate: ['domains'] });
    if (!tenant) throw NotFoundError.forEntity('Hospital', slug);
    return tenant;
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

/** Why `tenant` may not be purged now (CONFLICT), if anything. */
function refusePurge(tenant: Tenant, force = false): void {
  const { slug } = tenant;
  if (tenant.status !== TenantStatus.DELETED) throw ConflictError.because(`Hospital "${slug}" is not deleted; delete it first`);
  if (tenant.legalHold) throw ConflictError.because(`Hospital "${slug}" is under legal hold${tenant.legalHoldReason ? ` (${tenant.legalHoldReason})` : ''}; release the hold before purging`);
  if (!force && tenant.purgeAfter && tenant.purgeAfter.getTime() > Date.now()) {
    throw ConflictError.because(`Hospital "${slug}" is kept until ${tenant.purgeAfter.toISOString()} (retention period)`);
  }
}
