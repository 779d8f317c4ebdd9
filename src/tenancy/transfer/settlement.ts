import { ConflictError } from '../../errors';
import { Tenant } from '../catalog';
import { TransferClaims, type TransferClaim } from './claims';
import { placementOf, samePlacement, type TransferDeps } from './deps';
import { clearFence } from './fences';
import { cleanUpSource, undoTarget } from './housekeeping';

/** A move's record silent this long belongs to a move whose process died (a live move beats every 15 s). */
export const STALE_CLAIM_MS = 10 * 60_000;

/** CONFLICT: a move of `slug` is under way. */
export const moveUnderWay = (slug: string) => ConflictError.because(`A move of "${slug}" is under way; try again once it has ended`);

/**
 * Moves that did not end in their own process. Whatever next works on the hospital (a move, a purge)
 * settles a move whose process died, the record of which is stale or marked dead: the copy is removed
 * and the source's fence lifted, or, if the catalog had switched, the old placement is removed; then
 * the record goes. A move still under way refuses that work.
 */
export class MoveSettlement {
  private readonly claims: TransferClaims;

  constructor(private readonly deps: TransferDeps) {
    this.claims = new TransferClaims(deps.central);
  }

  /**
   * Before other work on the hospital of `entry`: CONFLICT while a move of it is under way; a move
   * that died is settled. True when one was settled (the caller reads the entry again).
   */
  async settle(entry: Tenant): Promise<boolean> {
    const claim = await this.claims.find(entry.id, STALE_CLAIM_MS);
    if (claim && !claim.stale) throw moveUnderWay(entry.slug);
    if (claim) await this.recover(claim, entry);
    return claim !== null;
  }

  /** Marks the recorded move of `slug` as dead (see TenantTransfer.abandonMove). */
  async abandon(slug: string): Promise<void> {
    const entry = await this.deps.central.em.fork().findOne(Tenant, { slug }, { fields: ['id'] });
    if (entry) await this.claims.abandon(entry.id);
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
    await this.claims.release(claim.tenantId);
  }
}
