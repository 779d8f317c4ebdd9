import type { MikroORM } from '@mikro-orm/core';
import { LRUCache } from 'lru-cache';
import { Tenant, TenantDomain } from '../catalog';
import { slugProblem } from '../slug';
import { toTenantRecord, type TenantRecord } from '../tenant-record';
import { localBus, type InvalidationBus } from './invalidation';

/** Looks hospitals up in the catalog by each identifier a request can carry. */
export interface TenantStore {
  bySlug(slug: string): Promise<TenantRecord | null>;
  byId(id: string): Promise<TenantRecord | null>;
  byDomain(hostname: string): Promise<TenantRecord | null>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Reads the catalog through the central ORM. */
export class CatalogTenantStore implements TenantStore {
  constructor(private readonly central: MikroORM) {}

  /** A slug no hospital could have (see slugProblem: a NUL, a quote, upper case…) is not looked up. */
  async bySlug(slug: string): Promise<TenantRecord | null> {
    return slugProblem(slug) ? null : this.load({ slug });
  }

  async byId(id: string): Promise<TenantRecord | null> {
    return UUID.test(id) ? this.load({ id }) : null;
  }

  async byDomain(hostname: string): Promise<TenantRecord | null> {
    const em = this.central.em.fork();
    const domain = await em.findOne(TenantDomain, { hostname }, { populate: ['tenant', 'tenant.domains'] });
    return domain ? toTenantRecord(domain.tenant) : null;
  }

  private async load(where: { slug: string } | { id: string }): Promise<TenantRecord | null> {
    const tenant = await this.central.em.fork().findOne(Tenant, where, { populate: ['domains'] });
    return tenant ? toTenantRecord(tenant) : null;
  }
}

/**
 * Caches lookups (positive results only, so a new hospital is found at once) for `ttlMs`.
 * `invalidate(id)` drops every identifier of one hospital at once and tells the other replicas through
 * the invalidation bus; call it on any catalog change. A lookup still reading the catalog when its
 * hospital is dropped returns what it read but does not cache it (it may predate the change).
 */
export class CachedTenantStore implements TenantStore {
  private readonly cache: LRUCache<string, TenantRecord>;
  private bus: InvalidationBus = localBus;
  /** Counts drops; a lookup notes it when it starts, to tell whether a drop happened while it ran. */
  private drops = 0;
  /** While lookups run: the drop count at each hospital's last drop, and at the last `clear`. */
  private readonly droppedAt = new Map<string, number>();
  private clearedAt = 0;
  private running = 0;

  constructor(private readonly inner: TenantStore, options: { max?: number; ttlMs?: number } = {}) {
    this.cache = new LRUCache({ max: options.max ?? 10_000, ttl: options.ttlMs ?? 60_000 });
  }

  /** Shares invalidations with other replicas from now on. */
  useBus(bus: InvalidationBus): void {
    this.bus = bus;
  }

  bySlug(slug: string): Promise<TenantRecord | null> {
    return this.through(`slug:${slug}`, () => this.inner.bySlug(slug));
  }

  byId(id: string): Promise<TenantRecord | null> {
    return this.through(`id:${id}`, () => this.inner.byId(id));
  }

  byDomain(hostname: string): Promise<TenantRecord | null> {
    return this.through(`domain:${hostname}`, () => this.inner.byDomain(hostname));
  }

  invalidate(tenantId: string): void {
    this.dropLocal(tenantId);
    void this.bus.publish(tenantId);
  }

  /** Drops one hospital's cached identifiers on this replica only (a message from another replica). */
  dropLocal(tenantId: string): void {
    this.drops++;
    if (this.running > 0) this.droppedAt.set(tenantId, this.drops);
    for (const [key, record] of this.cache.entries()) {
      if (record.id === tenantId) this.cache.delete(key);
    }
  }

  clear(): void {
    this.clearedAt = ++this.drops;
    this.cache.clear();
  }

  private async through(key: string, load: () => Promise<TenantRecord | null>): Promise<TenantRecord | null> {
    const hit = this.cache.get(key);
    if (hit) return hit;
    const startedAt = this.drops;
    this.running++;
    try {
      const record = await load();
      if (record && !this.droppedSince(record.id, startedAt)) this.cache.set(key, record);
      return record;
    } finally {
      if (--this.running === 0) this.droppedAt.clear();
    }
  }

  private droppedSince(tenantId: string, drops: number): boolean {
    return this.clearedAt > drops || (this.droppedAt.get(tenantId) ?? 0) > drops;
  }
}
