import { MikroORM } from '@mikro-orm/core';
import type { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { LRUCache } from 'lru-cache';
import { tenantOrmOptions } from './orm-options';
import type { Placement } from './placement';
import type { ServerRegistry } from './servers';

type EntityClass = abstract new (...args: never[]) => object;

interface PoolEntry {
  orm: Promise<MikroORM<PostgreSqlDriver>>;
  inUse: number;
  evicted: boolean;
}

/** A lease on the runtime pool of one database; `release` when the request is done with it. */
export interface PoolLease {
  orm: MikroORM<PostgreSqlDriver>;
  release(): void;
}

/**
 * Runtime connection pools, one per (server, database), as the runtime role. At most `maxOpen` pools
 * of `size` connections each are kept, so open connections stay under maxOpen × size however many
 * DATABASE tenants exist; the least recently used pool is closed once no request holds it.
 */
export class PoolRegistry {
  private readonly cache: LRUCache<string, PoolEntry>;
  private readonly closing = new Set<Promise<void>>();

  constructor(
    private readonly servers: ServerRegistry,
    private readonly entities: EntityClass[],
    private readonly limits: { maxOpen: number; size: number; statementTimeoutMs: number },
  ) {
    this.cache = new LRUCache<string, PoolEntry>({
      max: Math.max(1, limits.maxOpen),
      dispose: (entry) => {
        entry.evicted = true;
        if (entry.inUse === 0) this.close(entry);
      },
    });
  }

  async acquire(placement: Pick<Placement, 'server' | 'database'>): Promise<PoolLease> {
    const key = `${placement.server}/${placement.database}`;
    let entry = this.cache.get(key);
    if (!entry) {
      const url = this.servers.runtimeUrl(placement.server, placement.database);
      entry = { orm: MikroORM.init(tenantOrmOptions(url, this.entities, this.limits)), inUse: 0, evicted: false };
      this.cache.set(key, entry);
      entry.orm.catch(() => this.cache.delete(key));
    }
    entry.inUse += 1;
    const held = entry;
    try {
      const orm = await held.orm;
      let released = false;
      return {
        orm,
        release: () => {
          if (released) return;
          released = true;
          held.inUse -= 1;
          if (held.evicted && held.inUse === 0) this.close(held);
        },
      };
    } catch (error) {
      held.inUse -= 1;
      throw error;
    }
  }

  /** Closes the pool of one database now (before it is dropped). */
  async evict(placement: Pick<Placement, 'server' | 'database'>): Promise<void> {
    this.cache.delete(`${placement.server}/${placement.database}`);
    await Promise.all(this.closing);
  }

  /** The statement timeout every request transaction sets for itself. */
  get statementTimeoutMs(): number {
    return this.limits.statementTimeoutMs;
  }

  get openPools(): number {
    return this.cache.size;
  }

  /** Leases currently held by requests, over all pools. */
  get leasesInUse(): number {
    let total = 0;
    for (const entry of this.cache.values()) total += entry.inUse;
    return total;
  }

  /** The configured bounds: pools kept open, connections per pool. */
  get bounds(): { maxOpen: number; size: number } {
    return { ...this.limits };
  }

  async closeAll(): Promise<void> {
    this.cache.clear();
    await Promise.all(this.closing);
  }

  private close(entry: PoolEntry): void {
    const done = entry.orm.then((orm) => orm.close(true)).catch(() => undefined);
    this.closing.add(done);
    void done.finally(() => this.closing.delete(done));
  }
}
