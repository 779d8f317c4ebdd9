import type { EntityManager } from '@mikro-orm/postgresql';
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

/**
 * One unit of work inside one tenant: an EntityManager fork bound to the tenant's placement (schema)
 * and filter parameters, inside one transaction (so row-level security sees the tenant on every
 * statement). The transaction begins on first use and ends with `end()`. This is the only place that
 * decides where a tenant's data is, and the only place that binds a transaction to a tenant: right
 * after BEGIN, one statement sets the tenant and the statement timeout, takes the hospital's shared
 * hold and checks the placement fence (see placement-hold.ts); a session that finds its hospital
 * moved re-opens where it lives now.
 */
export class TenantSession {
  private lease?: PoolLease;
  private opened?: Promise<EntityManager>;
  private current: TenantRecord;
  private signedIn?: SignedIn;
  private entered?: RequestEntry;

  constructor(
    tenant: TenantRecord,
    private readonly pools: PoolRegistry,
    private readonly relocate?: Relocate,
    private readonly onEnter?: OnEnter,
  ) {
    this.current = tenant;
  }

  /** The tenant as last read from the catalog (its placement changes if the session was re-routed). */
  get tenant(): TenantRecord {
    return this.current;
  }

  /** The bound EntityManager; the first call opens the transaction. */
  em(): Promise<EntityManager> {
    this.opened ??= this.open();
    return this.opened;
  }

  /**
   * Opens the transaction for a signed-in user: the statement that opens it also reads the user,
   * the session and the hospital's settings (see enterPlacement). Must be the session's first use.
   */
  async enterAs(signedIn: SignedIn): Promise<{ em: EntityManager; entry: RequestEntry }> {
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
    return this.opened !== undefined;
  }

  /** Commits (or rolls back) and returns the connection; safe to call more than once. */
  async end(commit: boolean): Promise<void> {
    const opened = this.opened;
    if (!opened) return;
    this.opened = Promise.reject(new Error('tenant session has ended'));
    this.opened.catch(() => undefined);
    try {
      const em = await opened;
      if (commit) await em.commit();
      else await em.rollback();
    } finally {
      this.lease?.release();
      this.lease = undefined;
    }
  }

  private async open(): Promise<EntityManager> {
    try {
      return await this.openAt(this.current);
    } catch (error) {
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
      this.lease.release();
      this.lease = undefined;
      throw error;
    }
    try {
      this.entered = await enterPlacement(em, tenant, this.pools.statementTimeoutMs, this.signedIn);
      this.onEnter?.(em, this.entered);
    } catch (error) {
      await em.rollback().catch(() => undefined);
      this.lease.release();
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
    await session.end(false).catch(() => undefined);
    throw error;
  }
}
