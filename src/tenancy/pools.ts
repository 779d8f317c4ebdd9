import { MikroORM } from '@mikro-orm/core';
import type { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { LRUCache } from 'lru-cache';
import { noAnswer, refusedByServer } from '../db/faults';
import { TrackedSockets } from '../db/tracked-sockets';
import { tenantOrmOptions } from './orm-options';
import type { Placement } from './placement';
import { ServerOutages } from './server-outages';
import type { ServerRegistry } from './servers';

type EntityClass = abstract new (...args: never[]) => object;

interface PoolEntry {
  server: string;
  orm: Promise<MikroORM<PostgreSqlDriver>>;
  sockets: TrackedSockets;
  inUse: number;
  evicted: boolean;
  /** Set once the pool is closing: settles when it has closed. */
  closed?: Promise<void>;
}

/**
 * A lease on the runtime pool of one database; `release` when the request is done with it, with the
 * error that ended its work if one did (a server that left it unanswered is then marked, see
 * ServerOutages).
 */
export interface PoolLease {
  orm: MikroORM<PostgreSqlDriver>;
  release(error?: unknown): void;
}

export interface PoolLimits {
  /** Pools kept open at most (one per database). */
  maxOpen: number;
  /** Connections per pool at most. */
  size: number;
  /** Runtime connections open at once at most, over all pools of this process. */
  budget: number;
  statementTimeoutMs: number;
  /**
   * How long a new connection may go unanswered; also how long a pool may take to close before its
   * connections are cut, and what a statement may take beyond its timeout before it is given up.
   */
  connectTimeoutMs: number;
}

/**
 * Runtime connection pools, one per (server, database), as the runtime role. Open connections never
 * exceed the budget, however many DATABASE tenants exist and however busy they are: a pool holds at
 * most `size` connections, and a pool counts against the budget from the moment it is created until
 * it has finished closing, so at most min(maxOpen, ⌊budget / size⌋) pools exist at once. A request
 * for a database without a pool when none is free closes the least recently used idle pool, or waits
 * until a request somewhere releases its pool. A pool is never closed while a request holds it.
 *
 * A server that stops answering holds none of it for long: a new pool checks its first connection,
 * which gives up after `connectTimeoutMs`; a pool that does not finish closing within that time has its
 * connections cut; and once a connection or a statement of a server goes unanswered, the server's
 * pools are closed and its requests refused at once until it is tried again (ServerOutages).
 */
export class PoolRegistry {
  private readonly cache: LRUCache<string, PoolEntry>;
  private readonly closing = new Set<Promise<void>>();
  private readonly outages = new ServerOutages();
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

  /**
   * A lease on the pool of `placement`'s database, opening it if need be; refused at once
   * (ServerNotAnsweringError) while its server is marked as not answering.
   */
  async acquire(placement: Pick<Placement, 'server' | 'database'>): Promise<PoolLease> {
    const trying = this.outages.enter(placement.server);
    try {
      return await this.lease(placement);
    } catch (error) {
      this.report(placement.server, error);
      throw error;
    } finally {
      if (trying) this.outages.untried(placement.server);
    }
  }

  private async lease(placement: Pick<Placement, 'server' | 'database'>): Promise<PoolLease> {
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
        release: (error?: unknown) => {
          if (released) return;
          released = true;
          this.report(held.server, error);
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
    const key = `${placement.server}/${placement.database}`;
    const entry = this.cache.peek(key);
    this.cache.delete(key);
    await entry?.closed;
  }

  /** The servers whose connections or statements went unanswered, until one of them is answered again. */
  get unavailableServers(): string[] {
    return this.outages.servers;
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
    const sockets = new TrackedSockets();
    const entry: PoolEntry = { server: placement.server, orm: this.connect(placement.server, url, sockets), sockets, inUse: 0, evicted: false };
    this.alive += 1;
    this.cache.set(key, entry);
    entry.orm.catch(() => {
      if (this.cache.peek(key) === entry) this.cache.delete(key);
    });
    return entry;
  }

  /**
   * A pool of `url`, once its first connection is answered; else the connection's error, the pool
   * closed. (MikroORM would open the pool anyway and leave the error to its first request.)
   */
  private async connect(server: string, url: string, sockets: TrackedSockets): Promise<MikroORM<PostgreSqlDriver>> {
    const orm = await MikroORM.init({ ...tenantOrmOptions(url, this.entities, { ...this.limits, stream: sockets.create }), connect: false });
    // Every statement's failure, as the driver met it: a rollback that finds the connection silent is
    // not reported to the request (knex swallows it), so a lease's release alone would miss the hang.
    orm.em.getConnection().getKnex().on('query-error', (error: unknown) => this.report(server, error));
    const check = await orm.checkConnection();
    if (check.ok) {
      this.outages.answered(server);
      return orm;
    }
    await this.shut(orm, sockets);
    throw check.error ?? new Error(check.reason);
  }

  /**
   * Notes what a request met on `server`: a refused connection (the server answered, with a refusal:
   * it is down, not hung, and no longer marked as silent), or no answer at all (the server is marked
   * and its pools are closed, as their connections wait on it). A lease released without an error says
   * nothing either way: its statements may have gone unanswered and its rollback been swallowed, so
   * only a connection that is answered (`connect`) clears a mark.
   */
  private report(server: string, error: unknown): void {
    if (refusedByServer(error)) return this.outages.answered(server);
    if (!noAnswer(error)) return;
    this.outages.notAnswering(server);
    for (const [key, entry] of this.cache.entries()) if (entry.server === server) this.cache.delete(key);
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
    if (entry.closed) return;
    const done = entry.orm.then((orm) => this.shut(orm, entry.sockets)).catch(() => undefined);
    entry.closed = done;
    this.closing.add(done);
    void done.finally(() => {
      this.closing.delete(done);
      this.alive -= 1;
      this.wake();
    });
  }

  /**
   * Closes `orm`'s pool; if that has not finished within `connectTimeoutMs` (a server that does not
   * answer the goodbye of an idle connection), cuts its connections, which ends it.
   */
  private async shut(orm: MikroORM<PostgreSqlDriver>, sockets: TrackedSockets): Promise<void> {
    const cut = setTimeout(() => sockets.destroyAll(), this.limits.connectTimeoutMs);
    try {
      await orm.close(true);
    } finally {
      clearTimeout(cut);
    }
  }

  /** Lets every waiting acquire look again (a pool closed, or one became idle). */
  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }
}
