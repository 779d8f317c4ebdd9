import type { EntityManager } from '@mikro-orm/postgresql';
import { quoteIdent } from './placement';
import type { TenantRecord } from './tenant-record';

/**
 * The hold and the fence: how a move switches a live hospital without a request ever being served
 * by the placement it left.
 *
 * - Every request transaction of a hospital takes a shared advisory lock keyed by the hospital's id
 *   in the database of its placement (`enterPlacement`); a move takes the same key exclusively in the
 *   source placement's database for its final delta, verification and catalog switch. The lock lives
 *   where the requests run, so DATABASE hospitals (which never touch the main database) honour it too.
 * - Before releasing the hold, the move writes a fence row into the source placement. A request that
 *   reaches the old placement afterwards (a stale cache, another replica) sees the fence right after
 *   taking the shared lock and is re-routed from the catalog instead of being served there.
 */

/** Table in every placement listing hospitals that were moved away from it. */
export const FENCES_TABLE = 'placement_fences';

/** SQL for the advisory-lock key of one hospital (one `?`: the hospital id). */
export const HOLD_KEY_SQL = "hashtextextended('sovereign-hold:' || ?, 0)";

/** Raised when a request reaches a placement its hospital has left. */
export class PlacementRetiredError extends Error {
  constructor(tenantId: string) {
    super(`Hospital ${tenantId} has moved away from this placement`);
    this.name = 'PlacementRetiredError';
  }
}

/**
 * Inside a request transaction: takes the hospital's shared hold (waits while a move switches it),
 * then checks the fence in a new statement (so it sees a fence committed while it waited).
 * Throws PlacementRetiredError when the hospital has left this placement.
 */
export async function enterPlacement(em: EntityManager, tenant: TenantRecord): Promise<void> {
  const conn = em.getConnection();
  const trx = em.getTransactionContext();
  await conn.execute(`select pg_advisory_xact_lock_shared(${HOLD_KEY_SQL})`, [tenant.id], 'run', trx);
  const fence = `${quoteIdent(tenant.placement.schema)}.${FENCES_TABLE}`;
  const rows = await conn.execute<{ fenced: boolean }[]>(`select exists(select 1 from ${fence} where tenant_id = ?) as fenced`, [tenant.id], 'all', trx);
  if (rows[0]?.fenced) throw new PlacementRetiredError(tenant.id);
}
