import type { EntityManager } from '@mikro-orm/postgresql';
import { databaseFault, poolTimedOut, ServerNotAnsweringError } from '../db/faults';
import type { Deadline } from '../deadline';
import { enterPlacement, type RequestEntry, type SignedIn } from './placement-hold';
import type { PoolLease, PoolRegistry } from './pools';
import { TENANT_FILTER } from './tenant-scoped';
import type { TenantRecord } from './tenant-record';

/**
 * Finds where a hospital lives now when its session could not open at the placement it was resolved
 * to (it was moved, or that placement is gone): the fresh catalog entry, or null when the placement
 * has not changed (the original error then stands).
 */
export type Relocate = (stale: TenantRecord) => Promise<TenantRecord | null>;

/** Called once the session's transaction is open, with what its first statement read. */
export type OnEnter = (em: EntityManager, entry: RequestEntry) => void;

export interface SessionOptions {
  /** Sees what the opening statement read (settings, signed-in user). */
  onEnter?: OnEnter;
  /** The session does not open once it has passed, and caps its statement timeout at the time left. */
  deadline?: Deadline;
}

/** Raised by a session used after it ended (it was committed or rolled back, as when its client left). */
export class TenantSessionEndedError extends Error {
  constructor() {
    super('tenant session has ended');
    this.name = 'TenantSessionEndedError';
  }
}

/**
 * One unit of work inside one tenant: an EntityManager fork bound to the tenant's placement (schema)
 * and filter parameters, inside one transaction (so row-level security sees the tenant on every
 * statement). The transaction begins on first use and ends with `end()`. This is the only place that
 * decides where a tenant's data is, and the only place that binds a transaction to a tenant: right
 * after BEGIN, one statement sets the tenant and the statement timeout, takes the hospital's shared
 * hold and checks the placement fence (see placement-hold.ts); a session that finds its hospital
 * moved re-opens where it lives now. With a deadline, the session does not open once it has passed,
 * and the transaction's statement timeout is capped at the time left when it begins.
 */
export class TenantSession {
  private lease?: PoolLease;
  private opened?: Promise<EntityManager>;
  private ending?: Promise<void>;
  private current: TenantRecord;
  private signedIn?: SignedIn;
  private entered?: RequestEntry;
  private bound?: EntityManager;

  constructor(
    tenant: TenantRecord,
    private readonly pools: PoolRegistry,
    private readonly relocate?: Relocate,
    private readonly options: SessionOptions = {},
  ) {
    this.current = tenant;
  }

  /** The tenant as last read from the catalog (its placement changes if the session was re-routed). */
  get tenant(): TenantRecord {
    return this.current;
  }

  /** The bound EntityManager; the first call opens the transaction. Rejects with TenantSessionEndedError once ended. */
  em(): Promise<EntityManager> {
    if (!this.opened) this.options.deadline?.check();
    this.opened ??= this.open();
    return this.opened;
  }

  /**
   * Opens the transaction for a signed-in user: the statement that opens it also reads the user,
   * the session and the hospital's settings (see enterPlacement). Must be the session's first use;
   * throws TenantSessionEndedError once the session has ended.
   */
  async enterAs(signedIn: SignedIn): Promise<{ em: EntityManager; entry: RequestEntry }> {
    if (this.ending) throw new TenantSessionEndedError();
    if (this.opened) throw new Error('tenant session is already open');
    this.signedIn = signedIn;
    const em = await this.em();
    return { em, entry: this.entered! };
  }

  /** What the opening statement read (settings, and the signed-in user when entered with one). */
  get entry(): RequestEntry | undefined {
    return this.entered;
  }

  get started(): boolean {
    return this.opened !== undefined && this.ending === undefined;
  }

  /**
   * Drops what the session has read from its identity map. For a read-only unit of work once its
   * results are built: whatever is flushed afterwards (the audit entry, the commit) then compares only
   * what it adds, not every entity the request read, and nothing read can be written by accident.
   */
  forgetReads(): void {
    this.bound?.clear();
  }

  /**
   * Commits (or rolls back) and returns the connection. The first call decides: later calls get its
   * outcome, and the session cannot be used afterwards.
   */
  end(commit: boolean): Promise<void> {
    this.ending ??= this.close(commit);
    return this.ending;
  }

  /**
   * Rolls back and returns the connection, for work that failed, before something is written apart;
   * resolves even when the rollback fails: that means the connection is lost, and its transaction
   * with it, so nothing of the session's work can stay and nothing waits on its locks.
   */
  async abandon(): Promise<void> {
    await this.end(false).catch(() => undefined);
  }

  private async close(commit: boolean): Promise<void> {
    const opened = this.opened;
    this.opened = Promise.reject(new TenantSessionEndedError());
    this.opened.catch(() => undefined);
    if (!opened) return;
    let failure: unknown;
    try {
      const em = await opened;
      if (commit) await em.commit();
      else await em.rollback();
    } catch (error) {
      failure = error;
      throw error;
    } finally {
      this.lease?.release(failure);
      this.lease = undefined;
      this.bound = undefined;
    }
  }

  /** The configured statement timeout, capped at what is left of the deadline (0 = none configured). */
  private statementTimeoutMs(): number {
    const configured = this.pools.statementTimeoutMs || Infinity;
    const limit = Math.min(configured, this.options.deadline?.remainingMs() ?? Infinity);
    return limit === Infinity ? 0 : Math.max(1, Math.ceil(limit)); // 0 ms would mean no timeout at all
  }

  private async open(): Promise<EntityManager> {
    try {
      return await this.openAt(this.current);
    } catch (error) {
      // Refused at once while the server is marked silent: no sign of a move, and asking the catalog
      // (and dropping the hospital from every replica's cache) for each such request is the load a mark spares.
      if (error instanceof ServerNotAnsweringError) throw error;
      const moved = this.relocate ? await this.relocate(this.current) : null;
      if (!moved) throw error;
      this.current = moved;
      return this.openAt(moved);
    }
  }

  private async openAt(tenant: TenantRecord): Promise<EntityManager> {
    this.lease = await this.pools.acquire(tenant.placement);
    const em = this.lease.orm.em.fork({ schema: tenant.placement.schema, clear: true }) as EntityManager;
    em.setFilterParams(TENANT_FILTER, { id: tenant.id });
    try {
      await em.begin();
    } catch (error) {
      this.lease.release(error);
      this.lease = undefined;
      throw error;
    }
    try {
      this.entered = await enterPlacement(em, tenant, this.statementTimeoutMs(), this.signedIn);
      this.options.onEnter?.(em, this.entered);
      this.bound = em;
    } catch (error) {
      await em.rollback().catch(() => undefined);
      this.lease.release(error);
      this.lease = undefined;
      throw error;
    }
    return em;
  }
}

/**
 * Runs `fn` inside `tenant` as one transaction: commits when it resolves, rolls back when it throws.
 * The explicit, greppable way for central code (provisioning, operators, tests) to touch tenant data.
 */
export async function runInTenant<T>(pools: PoolRegistry, tenant: TenantRecord, fn: (em: EntityManager) => Promise<T>, relocate?: Relocate): Promise<T> {
  const session = new TenantSession(tenant, pools, relocate);
  try {
    const result = await fn(await session.em());
    await session.end(true);
    return result;
  } catch (error) {
    await session.abandon();
    throw error;
  }
}

/**
 * runInTenant for work apart from a request's own transaction, just after that transaction ended
 * (a revocation, the audit entries of a rolled-back attempt). When that transaction's connection was
 * lost, the pool may still hand the same connection out (a terminated backend says so before its
 * socket closes, and the pool drops it only then): a transaction that could not even open on it ran
 * nothing, so it is opened once more, on another connection. (Not after the pool timed out waiting
 * for a connection: that would only wait as long again.)
 */
export async function runApart<T>(pools: PoolRegistry, tenant: TenantRecord, fn: (em: EntityManager) => Promise<T>, relocate?: Relocate): Promise<T> {
  let ran = false;
  const attempt = () =>
    runInTenant(pools, tenant, (em) => {
      ran = true;
      return fn(em);
    }, relocate);
  try {
    return await attempt();
  } catch (error) {
    if (ran || databaseFault(error)?.code !== 'SERVICE_UNAVAILABLE' || poolTimedOut(error)) throw error;
    return attempt();
  }
}
