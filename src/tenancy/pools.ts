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

export interface PoolLimits {
  /** Pools kept open at most (one per database). */
  maxOpen: number;
  /** Connections per pool at most. */
  size: number;
  /** Runtime connections open at once at most, over all pools of this process. */
  budget: number;
  statementTimeoutMs: number;
}

/**
 * Runtime connection pools, one per (server, database), as the runtime role. Open connections never
 * exceed the budget, however many DATABASE tenants exist and however busy they are: a pool holds at
 * most `size` connections, and a pool counts against the budget from the moment it is created until
 * it has finished closing, so at most min(maxOpen, ⌊budget / size⌋) pools exist at once. A request
 * for a database without a pool when none is free closes the least recently used idle pool, or waits
 * until a request somewhere releases its pool. A pool is never closed while a request holds it.
 */
export class PoolRegistry {
  private readonly cache: LRUCache<string, PoolEntry>;
  private readonly closing = new Set<Promise<void>>();
  private readonly maxPools: number;
  /** Pools created and not yet fully closed (in the cache, or evicted and still held or closing). */
  private alive = 0;
  private waiters: (() => void)[] = [];

  constructor(
    private readonly servers: ServerRegistry,
    private readonly entities: EntityClass[],
    private readonly limits: PoolLimits,
  ) {
    this.maxPools = Math.max(1, Math.min(limits.maxOpen, Math.floor(limits.budget / Math.max(1, limits.size))));
    this.cache = new LRUCache<string, PoolEntry>({
      max: this.maxPools,
      dispose: (entry) => {
        entry.evicted = true;
        if (entry.inUse === 0) this.close(entry);
      },
    });
  }

  async acquire(placement: Pick<Placement, 'server' | 'database'>): Promise<PoolLease> {
    const key = `${placement.server}/${placement.database}`;
    let entry = this.cache.get(key);
    while (!entry) {
      if (this.alive < this.maxPools) {
        entry = this.open(key, placement);
        break;
      }
      this.closeIdlest();
      await new Promise<void>((resolve) => this.waiters.push(resolve));
      entry = this.cache.get(key);
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
          else if (held.inUse === 0) this.wake();
        },
      };
    } catch (error) {
      held.inUse -= 1;
      if (held.evicted && held.inUse === 0) this.close(held);
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

  /** The configured bounds: pools kept open, connections per pool, connections over all pools. */
  get bounds(): { maxOpen: number; size: number; budget: number } {
    return { maxOpen: this.maxPools, size: this.limits.size, budget: this.limits.budget };
  }

  async closeAll(): Promise<void> {
    this.cache.clear();
    await Promise.all(this.closing);
  }

  private open(key: string, placement: Pick<Placement, 'server' | 'database'>): PoolEntry {
    const url = this.servers.runtimeUrl(placement.server, placement.database);
    const entry: PoolEntry = { orm: MikroORM.init(tenantOrmOptions(url, this.entities, this.limits)), inUse: 0, evicted: false };
    this.alive += 1;
    this.cache.set(key, entry);
    entry.orm.catch(() => {
      if (this.cache.peek(key) === entry) this.cache.delete(key);
    });
    return entry;
  }

  /** Closes the least recently used pool that no request holds, if there is one. */
  private closeIdlest(): void {
    for (const key of this.cache.rkeys()) {
      if (this.cache.peek(key)?.inUse === 0) {
        this.cache.delete(key);
        return;
      }
    }
  }

  private close(entry: PoolEntry): void {
    const done = entry.orm.then((orm) => orm.close(true)).catch(() => undefined);
    this.closing.add(done);
    void done.finally(() => {
      this.closing.delete(done);
      this.alive -= 1;
      this.wake();
    });
  }

  /** Lets every waiting acquire look again (a pool closed, or one became idle). */
  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }
}
