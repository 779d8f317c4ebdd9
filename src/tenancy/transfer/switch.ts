import { raw, type MikroORM } from '@mikro-orm/core';
import { ConflictError, DomainError, NotFoundError } from '../../errors';
import { SERVING, Tenant } from '../catalog';
import { HOLD_KEY_SQL } from '../placement-hold';
import { writeEntryIf } from '../serving-change';
import { TRANSFERS_TABLE, type ModePlacement } from './claims';
import { placementOf, samePlacement, type TransferDeps, type TransferProgress } from './deps';
import { summarise, type TableSummary } from './digest';
import { clearFence, clearFenceIn, setFence } from './fences';
import { OwnerTx } from './owner-tx';
import { PlacementIo } from './placement-io';
import { assertSameSummaries, summariseAll, syncPlacements, type SyncResult } from './sync';
import type { TenantTable } from './tables';

/** Steps of a move after which tests inject failures. */
export type MoveStep = 'placement' | 'copy' | 'catch-up' | 'synced' | 'verified' | 'fenced';

/** The move stopped where its outcome must be settled by the next attempt: keep its record. */
export class MoveInterruptedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MoveInterruptedError';
  }
}

/** Everything the final phase of a move works with. */
export interface SwitchContext {
  deps: TransferDeps;
  source: ModePlacement;
  target: ModePlacement;
  sourceOrm: MikroORM;
  targetOrm: MikroORM;
  tenantId: string;
  /** The move's record (TransferClaims): the switch happens only while it is still this move's. */
  owner: string;
  tables: TenantTable[];
  holdTimeoutMs: number;
  afterStep: (step: MoveStep) => Promise<void>;
  onProgress: (p: TransferProgress) => void;
}

/**
 * The final phase of a move, under the hospital's exclusive hold in the source database (requests of
 * the hospital wait; those in flight finish first, or the move gives up after `holdTimeoutMs`):
 * copy what changed since the last pass, verify counts and checksums on both sides, fence the source,
 * switch the catalog entry (compare-and-set on the old placement), release. Before the switch any
 * failure lifts the fence and leaves the hospital where it was.
 */
export async function holdAndSwitch(ctx: SwitchContext): Promise<{ heldMs: number; tables: TableSummary[] }> {
  const { source, target, tenantId, tables } = ctx;
  const hold = await OwnerTx.begin(ctx.sourceOrm);
  let fenced = false;
  try {
    await hold.all("select set_config('lock_timeout', ?, true)", [`${ctx.holdTimeoutMs}ms`]);
    await hold.all(`select pg_advisory_xact_lock(${HOLD_KEY_SQL})`, [tenantId]);
    const heldSince = Date.now();
    const from = await PlacementIo.attach(hold, source, tenantId, { writes: false });
    const to = await PlacementIo.open(ctx.targetOrm, target, tenantId);
    let synced: SyncResult;
    try {
      synced = await syncPlacements(from, to, tables, (table, s) => ctx.onProgress({ phase: 'hold', table, rows: s.inserted + s.updated + s.deleted, tables: tables.length }));
      await clearFenceIn(to.tx, target, tenantId);
      await to.commit();
    } catch (error) {
      await to.rollback();
      throw error;
    }
    await ctx.afterStep('synced');
    // The source cannot change while held, so the digests the sync read are its final state; the
    // target is read again in full.
    const summaries = tables.map((t) => summarise(t.name, synced.sourceDigests.get(t.name)!));
    const check = await PlacementIo.open(ctx.targetOrm, target, tenantId, { snapshot: true });
    try {
      assertSameSummaries(summaries, await summariseAll(check, tables));
    } finally {
      await check.rollback();
    }
    await ctx.afterStep('verified');
    await setFence(ctx.sourceOrm, source, tenantId);
    fenced = true;
    await ctx.afterStep('fenced');
    await switchCatalog(ctx);
    const heldMs = Date.now() - heldSince;
    await hold.commit().catch(() => undefined); // releases the hold; the switch has happened either way
    return { heldMs, tables: summaries };
  } catch (error) {
    if (fenced && !(error instanceof MoveInterruptedError)) {
      await clearFence(ctx.sourceOrm, source, tenantId).catch((cause: unknown) => {
        throw new MoveInterruptedError(`The move failed (${String(error)}) and the source fence could not be lifted (${String(cause)}); run the move again to settle it`);
      });
    }
    throw error;
  } finally {
    await hold.rollback();
  }
}

/**
 * Points the catalog entry at the target, only if it still names the source, the hospital still
 * serves, and the move's record is still its own: one deleted while it was copied stays deleted where
 * it was (NOT_FOUND, as a move after the deletion is), and a move that lost its lock and was settled
 * by another never switches the hospital to a target the other may be filling or undoing.
 */
async function switchCatalog(ctx: SwitchContext): Promise<void> {
  const { source, target, tenantId, deps } = ctx;
  const em = deps.central.em.fork();
  const ownRecord = raw(`exists (select 1 from ${TRANSFERS_TABLE} where tenant_id = ? and owner = ?)`, [tenantId, ctx.owner]);
  try {
    const written = await writeEntryIf(
      em,
      tenantId,
      { status: { $in: SERVING }, serverName: source.server, databaseName: source.database, schemaName: source.schema, [ownRecord]: true },
      { isolation: target.isolation, serverName: target.server, databaseName: target.database, schemaName: target.schema, migrationVersion: deps.migrator.latest },
    );
    if (written) return;
    const now = await em.fork().findOne(Tenant, { id: tenantId });
    if (!now || !SERVING.includes(now.status)) throw NotFoundError.forEntity('Hospital', now?.slug ?? tenantId);
    throw ConflictError.because('The hospital changed while it was being moved; nothing was switched');
  } catch (error) {
    if (error instanceof DomainError) throw error;
    // The update may have committed even though we saw an error: ask the catalog before undoing anything.
    const now = await deps.central.em.fork().findOne(Tenant, { id: tenantId }).catch(() => undefined);
    if (now && samePlacement(placementOf(now), target)) return;
    if (now === undefined) throw new MoveInterruptedError(`Could not tell whether the catalog switched (${String(error)}); run the move again to settle it`);
    throw error;
  }
}
