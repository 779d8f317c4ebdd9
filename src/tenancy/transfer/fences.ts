import type { MikroORM } from '@mikro-orm/core';
import { FENCES_TABLE } from '../placement-hold';
import { quoteIdent, type Placement } from '../placement';
import { OwnerTx } from './owner-tx';

const fenceTable = (placement: Pick<Placement, 'schema'>) => `${quoteIdent(placement.schema)}.${FENCES_TABLE}`;

/** Inside `tx` (bound to the hospital): the hospital lives here again, so drop its fence. */
export async function clearFenceIn(tx: OwnerTx, placement: Pick<Placement, 'schema'>, tenantId: string): Promise<void> {
  await tx.run(`delete from ${fenceTable(placement)} where tenant_id = ?`, [tenantId]);
}

async function bound<T>(orm: MikroORM, tenantId: string, fn: (tx: OwnerTx) => Promise<T>): Promise<T> {
  return OwnerTx.run(orm, async (tx) => {
    await tx.all("select set_config('app.tenant_id', ?, true)", [tenantId]);
    return fn(tx);
  });
}

/** Marks `placement` as left by the hospital: requests reaching it from now on are re-routed. */
export async function setFence(orm: MikroORM, placement: Pick<Placement, 'schema'>, tenantId: string): Promise<void> {
  await bound(orm, tenantId, (tx) => tx.run(`insert into ${fenceTable(placement)} (tenant_id) values (?) on conflict (tenant_id) do nothing`, [tenantId]));
}

/** Lifts the fence of `placement` (a move that did not switch). */
export async function clearFence(orm: MikroORM, placement: Pick<Placement, 'schema'>, tenantId: string): Promise<void> {
  await bound(orm, tenantId, (tx) => clearFenceIn(tx, placement, tenantId));
}
