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

/** SQL for the advisory-lock key of one hospital (one `?`: the hospital id); `enter_request` uses the same key. */
export const HOLD_KEY_SQL = "hashtextextended('sovereign-hold:' || ?, 0)";

/** Raised when a request reaches a placement its hospital has left. */
export class PlacementRetiredError extends Error {
  constructor(tenantId: string) {
    super(`Hospital ${tenantId} has moved away from this placement`);
    this.name = 'PlacementRetiredError';
  }
}

/** Who the request says it is, checked by the same statement that opens the request transaction. */
export interface SignedIn {
  userId: string;
  sessionId: string;
}

/** What `enter_request` read once the hold was held (see Migration0006RequestEntry). */
// The driver hands timestamps back as text (MikroORM's type parsers); they are made Dates here.
export interface RequestEntry {
  /** The signed-in user and session as stored now; null when not given or not found. */
  user: { email: string; roles: string[]; active: boolean } | null;
  session: { mfa: boolean; expiresAt: Date; revokedAt: Date | null } | null;
  /** The hospital's settings row (column names), or null when never changed. */
  settings: Record<string, unknown> | null;
}

interface EntryRow {
  fenced: boolean;
  user_email: string | null;
  user_roles: string[] | null;
  user_active: boolean | null;
  session_mfa: boolean | null;
  session_expires_at: Date | string | null;
  session_revoked_at: Date | string | null;
  settings: Record<string, unknown> | null;
}

/**
 * First statement of a request transaction (`enter_request` in the placement): binds the transaction
 * to the hospital with its statement timeout, takes the hospital's shared hold (waits while a move
 * switches it), then, in fresh snapshots, checks the fence and reads the signed-in user, session and
 * settings. Throws PlacementRetiredError when the hospital has left this placement.
 */
export async function enterPlacement(em: EntityManager, tenant: TenantRecord, statementTimeoutMs: number, signedIn?: SignedIn): Promise<RequestEntry> {
  const fn = `${quoteIdent(tenant.placement.schema)}.enter_request`;
  const params = [tenant.id, String(statementTimeoutMs), signedIn?.userId ?? null, signedIn?.sessionId ?? null];
  const rows = await em.getConnection().execute<EntryRow[]>(`select * from ${fn}(?, ?, ?, ?)`, params, 'all', em.getTransactionContext());
  const row = rows[0]!;
  if (row.fenced) throw new PlacementRetiredError(tenant.id);
  return {
    user: row.user_email === null ? null : { email: row.user_email, roles: row.user_roles ?? [], active: row.user_active === true },
    session: row.session_expires_at === null ? null : { mfa: row.session_mfa === true, expiresAt: new Date(row.session_expires_at), revokedAt: row.session_revoked_at === null ? null : new Date(row.session_revoked_at) },
    settings: row.settings,
  };
}
