import type { MikroORM } from '@mikro-orm/core';
import { BadInputError, ConflictError } from '../../errors';
import { Isolation, SERVING, type Tenant } from '../catalog';
import { derivePlacement, MAIN_SERVER } from '../placement';
import type { TenantRecord } from '../tenant-record';
import { TransferClaims, type ModePlacement } from './claims';
import { findEntry, placementOf, sqlState, withOwners, type TransferDeps, type TransferProgress } from './deps';
import type { TableSummary } from './digest';
import { cleanUpSource, prepareTarget, undoTarget } from './housekeeping';
import { OwnerTx } from './owner-tx';
import { PlacementIo } from './placement-io';
import { MoveSettlement, moveUnderWay } from './settlement';
import { holdAndSwitch, MoveInterruptedError, type MoveStep } from './switch';
import { syncPlacements } from './sync';
import { shapeMismatch, type TenantTable } from './tables';

/** How to move a hospital. */
export interface MoveOptions {
  /** DATABASE only: the named server (default: main). */
  server?: string;
  /** Longest wait for the hospital's requests in flight before the final switch (default 10 s). */
  holdTimeoutMs?: number;
  onProgress?: (p: TransferProgress) => void;
  /**
   * What may end the move before its switch: the deadline of the request that asked for it
   * (moveTenant), or the operator stopping the command (move-tenant). Once `check` throws, the move
   * gives up at its next table or step and is undone, so that nothing it did is kept; it switches the
   * catalog only if `finish` still allows it then (from there nothing stops it).
   */
  stop?: MoveStop;
  /** Test seam: called after each step. */
  afterStep?: (step: MoveStep) => void | Promise<void>;
}

/** See MoveOptions.stop; a request's Deadline is one. */
export interface MoveStop {
  /** Throws once the move is to end. */
  check(): void;
  /** The move is about to switch: true if it still may (and from then on it is not stopped). */
  finish(): boolean;
}

/** A completed move. */
export interface MoveResult {
  tenant: TenantRecord;
  from: ModePlacement;
  to: ModePlacement;
  tables: TableSummary[];
  /** How long the hospital's requests were held for the final switch. */
  heldMs: number;
  /** Null when the old placement was cleaned up; else why not (the move itself succeeded). */
  cleanupError: string | null;
}

/** PostgreSQL's largest lock_timeout, in milliseconds. */
const MAX_HOLD_TIMEOUT_MS = 2_147_483_647;

/** The hold timeout is a whole number of milliseconds, at least 1 (PostgreSQL reads 0 as "wait forever"); checked before any work. */
function checkHoldTimeout(ms: number | undefined): void {
  if (ms === undefined) return;
  if (!Number.isInteger(ms) || ms < 1 || ms > MAX_HOLD_TIMEOUT_MS) {
    throw BadInputError.forFields({ holdTimeoutMs: `must be a whole number of milliseconds from 1 to ${MAX_HOLD_TIMEOUT_MS}` });
  }
}

/**
 * Row ids are kept, so in the shared pool they collide with those of a hospital this one was imported
 * from, or that was imported from it (unique_violation: the target's rows are another hospital's).
 */
const idsTaken = (slug: string) =>
  ConflictError.because(`Rows with the ids of "${slug}" already exist in the shared pool (it is a copy of a hospital there, or the original of one); move it into a SCHEMA or DATABASE placement instead`);

/** PostgreSQL's unique_violation. */
const UNIQUE_VIOLATION = '23505';

/**
 * Moves a live hospital to another isolation mode or server: create the target placement, copy while
 * the hospital serves (a snapshot pass, then a catch-up pass), then hold its requests only for the
 * final delta, verification and catalog switch (switch.ts), then clean up the old placement. It keeps
 * its tenant id. On any failure before the switch the target is dropped and the hospital stays where
 * it was, intact. The hospital's move lock is held throughout (see TransferClaims), so that no other
 * move or purge takes the move for dead while it runs.
 */
export class TenantMover {
  private readonly claims: TransferClaims;

  constructor(private readonly deps: TransferDeps, private readonly settlement: MoveSettlement) {
    this.claims = new TransferClaims(deps);
  }

  async move(slug: string, to: Isolation, options: MoveOptions = {}): Promise<MoveResult> {
    checkHoldTimeout(options.holdTimeoutMs);
    const { id } = await findEntry(this.deps, slug, SERVING);
    const lock = await this.claims.lock(id);
    if (!lock) throw moveUnderWay(slug);
    try {
      await this.settlement.settleLocked(id);
      return await this.moveLocked(await findEntry(this.deps, slug, SERVING), to, options);
    } finally {
      await lock.release();
    }
  }

  /** The move, the hospital's move lock held and no other move recorded. */
  private async moveLocked(entry: Tenant, to: Isolation, options: MoveOptions): Promise<MoveResult> {
    const source = placementOf(entry);
    const target = this.targetOf(entry, to, options.server);
    if (entry.migrationVersion !== this.deps.migrator.latest) throw ConflictError.because(`"${entry.slug}" is not at the latest migration; run migrate first`);
    const owner = await this.claims.claim(entry.id, source, target);
    if (owner === null) throw moveUnderWay(entry.slug);

    const reached = { made: false, switched: false };
    try {
      const { heldMs, tables } = await this.copyAndSwitch(entry.id, owner, source, target, options, reached).catch((error: unknown) => {
        // Stopped meanwhile (the failure a wait for the hold that timed out, say): the stop is why it ended.
        if (!reached.switched && !(error instanceof MoveInterruptedError)) options.stop?.check();
        throw target.isolation === Isolation.SHARED && sqlState(error) === UNIQUE_VIOLATION ? idsTaken(entry.slug) : error;
      });
      this.deps.store.invalidate(entry.id);
      const cleanupError = await cleanUpSource(this.deps, source, entry.id).then(() => null, (e: unknown) => String(e));
      // An old placement left behind keeps the record, so the next move or purge of the hospital removes it.
      if (cleanupError === null) await this.claims.release(entry.id, owner).catch(() => undefined);
      return { tenant: (await this.deps.store.byId(entry.id))!, from: source, to: target, tables, heldMs, cleanupError };
    } catch (error) {
      // An interrupted move keeps its record: the next move or purge of the hospital settles it.
      if (!reached.switched && !(error instanceof MoveInterruptedError)) await this.undo(entry.id, owner, target, reached.made);
      throw error;
    }
  }

  /**
   * Removes the target of a move that failed before its switch, and then its record; nothing if the
   * record is no longer its own (settled by another move or purge, which undid it already: the target
   * may be the hospital's live placement by now). A target that could not be removed keeps the record
   * once made (it may hold a copy), so the next move or purge of the hospital removes it; one that
   * failed to be made holds none of its rows.
   */
  private async undo(tenantId: string, owner: string, target: ModePlacement, made: boolean): Promise<void> {
    if (!(await this.claims.owns(tenantId, owner).catch(() => false))) return;
    const undone = await undoTarget(this.deps, target, tenantId).then(() => true, () => false);
    if (undone || !made) await this.claims.release(tenantId, owner).catch(() => undefined);
  }

  private targetOf(entry: Tenant, to: Isolation, server: string | undefined): ModePlacement {
    if (!Object.values(Isolation).includes(to)) throw BadInputError.forFields({ to: 'must be SHARED, SCHEMA or DATABASE' });
    if (server !== undefined && (to !== Isolation.DATABASE || !this.deps.servers.has(server))) {
      throw BadInputError.forFields({ server: to === Isolation.DATABASE ? 'is not a configured database server' : 'applies to DATABASE isolation only' });
    }
    const placement = derivePlacement(to, entry.id, this.deps.servers.mainDatabase, server ?? MAIN_SERVER);
    if (to === entry.isolation && placement.server === entry.serverName) throw BadInputError.forFields({ to: `the hospital is already ${to} there` });
    // Two server names may reach the same PostgreSQL: never reuse the source's database name.
    if (to === Isolation.DATABASE && placement.database === entry.databaseName) placement.database = `${placement.database}_b`;
    return { isolation: to, ...placement };
  }

  /** The copy and the switch; `reached` records how far it got (the target made, the catalog switched). */
  private async copyAndSwitch(tenantId: string, owner: string, source: ModePlacement, target: ModePlacement, options: MoveOptions, reached: { made: boolean; switched: boolean }) {
    const { stop } = options;
    const afterStep = async (step: MoveStep) => {
      await options.afterStep?.(step);
      // Next comes the switch: once `finish` allows it, nothing stops the move (false: it is to end, and `check` throws).
      if (step !== 'fenced' || stop?.finish() === false) stop?.check();
    };
    const onProgress = (p: TransferProgress) => {
      options.onProgress?.(p);
      stop?.check();
    };
    await prepareTarget(this.deps, target, tenantId);
    reached.made = true;
    await afterStep('placement');
    return withOwners(this.deps, source, target, async (sourceOrm, targetOrm) => {
      const tables = await this.tablesOf(sourceOrm, targetOrm, source, target, tenantId);
      for (const phase of ['copy', 'catch-up'] as const) {
        await this.pass(sourceOrm, targetOrm, source, target, tenantId, tables, (table, s) => onProgress({ phase, table, rows: s.inserted + s.updated + s.deleted, tables: tables.length }));
        await afterStep(phase);
      }
      const result = await holdAndSwitch({ deps: this.deps, source, target, sourceOrm, targetOrm, tenantId, owner, tables, holdTimeoutMs: options.holdTimeoutMs ?? 10_000, afterStep, onProgress });
      reached.switched = true;
      return result;
    });
  }

  /** Both placements must have the same tables and columns (both at the latest migration). */
  private async tablesOf(sourceOrm: MikroORM, targetOrm: MikroORM, source: ModePlacement, target: ModePlacement, tenantId: string): Promise<TenantTable[]> {
    const read = (orm: MikroORM, p: ModePlacement) => OwnerTx.run(orm, async (tx) => (await PlacementIo.attach(tx, p, tenantId, { writes: false })).tables());
    const [from, to] = [await read(sourceOrm, source), await read(targetOrm, target)];
    const mismatch = shapeMismatch(from, to);
    if (mismatch) throw ConflictError.because(`The placements differ (${mismatch}); run migrate first`);
    return from;
  }

  /** One copy pass while the hospital serves: a consistent snapshot of the source, applied as a delta. */
  private async pass(sourceOrm: MikroORM, targetOrm: MikroORM, source: ModePlacement, target: ModePlacement, tenantId: string, tables: TenantTable[], onTable: Parameters<typeof syncPlacements>[3]) {
    const from = await PlacementIo.open(sourceOrm, source, tenantId, { snapshot: true });
    try {
      const to = await PlacementIo.open(targetOrm, target, tenantId);
      try {
        await syncPlacements(from, to, tables, onTable);
        await to.commit();
      } catch (error) {
        await to.rollback();
        throw error;
      }
    } finally {
      await from.rollback();
    }
  }
}
