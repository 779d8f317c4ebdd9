import type { Isolation, Tenant } from '../catalog';
import type { TenantRecord } from '../tenant-record';
import type { ArchiveManifest } from './manifest';
import type { TransferDeps, TransferProgress } from './deps';
import { exportTenant } from './exporter';
import { importTenant, type ImportOptions } from './importer';
import { TenantMover, type MoveOptions, type MoveResult } from './mover';
import { MoveSettlement } from './settlement';

/**
 * Moving hospitals' data: one mechanism ("copy the rows from placement P1 to P2, verify, switch the
 * catalog entry") behind export to a portable archive, import of an archive as a new hospital, and
 * moving a live hospital between isolation modes or servers. No HTTP or GraphQL here.
 */
export class TenantTransfer {
  private readonly mover: TenantMover;
  private readonly settlement: MoveSettlement;

  constructor(private readonly deps: TransferDeps) {
    this.settlement = new MoveSettlement(deps);
    this.mover = new TenantMover(deps, this.settlement);
  }

  /** Writes hospital `slug` to `file` (which must not exist yet); returns the manifest. */
  export(slug: string, file: string, onProgress?: (p: TransferProgress) => void): Promise<ArchiveManifest> {
    return exportTenant(this.deps, slug, file, onProgress);
  }

  /** Restores `file` as a new hospital, all or nothing. */
  import(file: string, options: ImportOptions): Promise<TenantRecord> {
    return importTenant(this.deps, file, options);
  }

  /**
   * Refuses (CONFLICT) while a move of the hospital of `entry` is under way, and settles one whose
   * process died (its copy removed, or its old placement if the catalog had switched); true when one
   * was settled. A purge calls it first, so no copy of a hospital outlives it.
   */
  settleMove(entry: Tenant): Promise<boolean> {
    return this.settlement.settle(entry);
  }

  /** Moves live hospital `slug` to isolation `to` (and server, for DATABASE). */
  move(slug: string, to: Isolation, options?: MoveOptions): Promise<MoveResult> {
    return this.mover.move(slug, to, options);
  }
}

export type { ArchiveManifest } from './manifest';
export type { TransferProgress } from './deps';
export type { TableSummary } from './digest';
export type { ImportOptions } from './importer';
export type { MoveOptions, MoveResult, MoveStop } from './mover';
export type { MoveStep } from './switch';
