import { Isolation } from '../catalog';
import type { Placement } from '../placement';
import type { OwnerAccess } from '../owner-access';
import { clearFenceIn } from '../transfer/fences';
import { OwnerTx } from '../transfer/owner-tx';
import { PlacementIo } from '../transfer/placement-io';
import type { IsolationStrategy } from './strategy';

/** SHARED: rows in the shared schema, walled by tenant_id, the ORM filter and row-level security. */
export class SharedIsolation implements IsolationStrategy {
  readonly mode = Isolation.SHARED;

  constructor(private readonly owner: OwnerAccess) {}

  async create(): Promise<void> {
    // The shared schema is migrated with the catalog; a new tenant needs no DDL.
  }

  /**
   * Deletes the hospital's rows from every table of the shared schema, its audit trail and any fence
   * included, in one transaction. Tables go children first, in the foreign-key order read from the
   * database's own catalog (as a move clears a placement), so a foreign key that is not deferrable,
   * today's or a later migration's, never refuses the delete of a parent before its children.
   */
  async destroy(placement: Placement, tenantId: string): Promise<void> {
    await this.owner.run(placement.server, placement.database, (orm) =>
      OwnerTx.run(orm, async (tx) => {
        const io = await PlacementIo.attach(tx, placement, tenantId, { writes: true });
        await io.clear(await io.tables());
        await clearFenceIn(tx, placement, tenantId);
      }),
    );
  }
}
