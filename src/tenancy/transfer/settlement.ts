import { ConflictError } from '../../errors';
import { Tenant } from '../catalog';
import { TransferClaims, type TransferClaim } from './claims';
import { placementOf, samePlacement, type TransferDeps } from './deps';
import { clearFence } from './fences';
import { cleanUpSource, undoTarget } from './housekeeping';

/** CONFLICT: a move of `slug` is under way. */
export const moveUnderWay = (slug: string) => ConflictError.because(`A move of "${slug}" is under way; try again once it has ended`);

/**
 * Moves that did not end in their own process. Whatever next works on the hospital (a move, a purge)
 * settles a move whose process is gone (its record kept, its lock free): the copy is removed and the
 * source's fence lifted, or, if the catalog had switched, the old placement is removed; then the
 * record goes. A move still under way (its lock held) refuses that work.
 */
export class MoveSettlement {
  private readonly claims: TransferClaims;

  constructor(private readonly deps: TransferDeps) {
    this.claims = new TransferClaims(deps);
  }

  /**
   * Before other work on the hospital of `entry`: CONFLICT while a move of it is under way; a move
   * that died is settled. True when one was settled (the caller reads the entry again).
   */
  async settle(entry: Tenant): Promise<boolean> {
    const lock = await this.claims.lock(entry.id);
    if (!lock) throw moveUnderWay(entry.slug);
    try {
      return await this.settleLocked(entry.id);
    } finally {
      await lock.release();
    }
  }

  /**
   * As `settle`, the hospital's move lock already held by the caller: any move still recorded is dead.
   * The catalog entry is read afresh under the lock (a move may have switched it since the caller read it).
   */
  async settleLocked(tenantId: string): Promise<boolean> {
    const claim = await this.claims.find(tenantId);
    if (!claim) return false;
    const entry = await this.deps.central.em.fork().findOne(Tenant, { id: tenantId });
    if (entry) await this.recover(claim, entry);
    return true;
  }

  /** Finishes a move that died if the catalog had switched, otherwise undoes it. */
  private async recover(claim: TransferClaim, entry: Tenant): Promise<void> {
    const now = placementOf(entry);
    if (samePlacement(now, claim.target)) {
      await cleanUpSource(this.deps, claim.source, claim.tenantId);
    } else if (samePlacement(now, claim.source)) {
      await this.deps.owner.run(claim.source.server, claim.source.database, (orm) => clearFence(orm, claim.source, claim.tenantId));
      await undoTarget(this.deps, claim.target, claim.tenantId);
    }
    this.deps.store.invalidate(claim.tenantId);
    await this.claims.release(claim.tenantId, claim.owner);
  }
}
