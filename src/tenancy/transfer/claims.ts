import type { MikroORM } from '@mikro-orm/core';
import type { Isolation } from '../catalog';
import type { Placement } from '../placement';

/** A placement together with the isolation mode it belongs to. */
export type ModePlacement = Placement & { isolation: Isolation };

/** A move in progress, as recorded in the catalog. */
export interface TransferClaim {
  tenantId: string;
  source: ModePlacement;
  target: ModePlacement;
  /** No heartbeat for longer than the staleness limit given to `find` (by the database's clock). */
  stale: boolean;
}

/** The catalog table of moves in progress (its rows go with their hospital's entry). */
export const TRANSFERS_TABLE = 'catalog.tenant_transfers';

/**
 * The catalog's record of moves in progress (one per hospital at most). It names both placements, so
 * a move interrupted by a crash can be finished or undone by the next attempt.
 */
export class TransferClaims {
  constructor(private readonly central: MikroORM) {}

  /** Records the move; false when another move of the hospital is already recorded. */
  async claim(tenantId: string, source: ModePlacement, target: ModePlacement): Promise<boolean> {
    const rows = await this.execute(
      `insert into ${TRANSFERS_TABLE} (tenant_id, source_isolation, source_server, source_database, source_schema,
                             target_isolation, target_server, target_database, target_schema)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (tenant_id) do nothing returning tenant_id`,
      [tenantId, source.isolation, source.server, source.database, source.schema, target.isolation, target.server, target.database, target.schema],
    );
    return rows.length === 1;
  }

  async find(tenantId: string, staleAfterMs: number): Promise<TransferClaim | null> {
    const [row] = await this.execute(
      `select *, heartbeat_at < now() - make_interval(secs => ?) as stale from ${TRANSFERS_TABLE} where tenant_id = ?`,
      [staleAfterMs / 1000, tenantId],
    );
    if (!row) return null;
    const side = (prefix: string): ModePlacement => ({
      isolation: row[`${prefix}_isolation`] as Isolation,
      server: row[`${prefix}_server`] as string,
      database: row[`${prefix}_database`] as string,
      schema: row[`${prefix}_schema`] as string,
    });
    return { tenantId, source: side('source'), target: side('target'), stale: row.stale === true };
  }

  /** The move is alive; not once it was marked dead (a beat sent while it was being marked must not revive it). */
  async heartbeat(tenantId: string): Promise<void> {
    await this.execute(`update ${TRANSFERS_TABLE} set heartbeat_at = now() where tenant_id = ? and heartbeat_at > '-infinity'`, [tenantId]);
  }

  /** Marks a move as dead, so that the next attempt settles it at once. */
  async abandon(tenantId: string): Promise<void> {
    await this.execute(`update ${TRANSFERS_TABLE} set heartbeat_at = '-infinity' where tenant_id = ?`, [tenantId]);
  }

  async release(tenantId: string): Promise<void> {
    await this.execute(`delete from ${TRANSFERS_TABLE} where tenant_id = ?`, [tenantId]);
  }

  private execute(sql: string, params: unknown[]): Promise<Record<string, unknown>[]> {
    return this.central.em.fork().getConnection().execute<Record<string, unknown>[]>(sql, params, 'all');
  }
}
