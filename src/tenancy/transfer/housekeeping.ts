import { Isolation } from '../catalog';
import type { ModePlacement } from './claims';
import type { TransferDeps } from './deps';
import { setFence } from './fences';
import { PlacementIo } from './placement-io';

/*
 * The placements around a move. A placement a hospital does not live in is either gone (its own
 * schema or database) or holds none of its rows and a fence (the shared pool).
 */

/** An empty target: a fresh schema or database, or no rows of the hospital in the shared pool. */
export async function prepareTarget(deps: TransferDeps, target: ModePlacement, tenantId: string): Promise<void> {
  if (target.isolation === Isolation.SHARED) return clearRows(deps, target, tenantId, { fence: false });
  await deps.strategies[target.isolation].destroy(target, tenantId);
  await deps.strategies[target.isolation].create(target);
}

/** After a failed move: the target goes; in the shared pool, its rows go and the fence returns. */
export async function undoTarget(deps: TransferDeps, target: ModePlacement, tenantId: string): Promise<void> {
  if (target.isolation === Isolation.SHARED) return clearRows(deps, target, tenantId, { fence: true });
  await deps.strategies[target.isolation].destroy(target, tenantId);
}

/** After the switch: the old placement goes; in the shared pool, the rows go and the fence stays. */
export async function cleanUpSource(deps: TransferDeps, source: ModePlacement, tenantId: string): Promise<void> {
  if (source.isolation === Isolation.SHARED) return clearRows(deps, source, tenantId, { fence: true });
  await deps.strategies[source.isolation].destroy(source, tenantId);
}

async function clearRows(deps: TransferDeps, placement: ModePlacement, tenantId: string, options: { fence: boolean }): Promise<void> {
  await deps.owner.run(placement.server, placement.database, async (orm) => {
    const io = await PlacementIo.open(orm, placement, tenantId);
    try {
      await io.clear(await io.tables());
      await io.commit();
    } catch (error) {
      await io.rollback();
      throw error;
    }
    if (options.fence) await setFence(orm, placement, tenantId);
  });
}
