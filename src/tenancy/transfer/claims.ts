import type { Isolation } from '../catalog';
import { MAIN_SERVER, type Placement } from '../placement';
import { SessionLock } from '../session-lock';
import type { TransferDeps } from './deps';

/** A placement together with the isolation mode it belongs to. */
export type ModePlacement = Placement & { isolation: Isolation };

/** A move as recorded in the catalog. */
export interface TransferClaim {
  tenantId: string;
  /** The move that wrote the record (see TransferClaims.claim). */
  owner: string;
  source: ModePlacement;
  target: ModePlacement;
}

/** The catalog table of moves in progress (its rows go with their hospital's entry). */
export const TRANSFERS_TABLE = 'catalog.tenant_transfers';

/**
 * The catalog's record of moves (one per hospital at most), and the lock that shows a move of it
 * still runs. The record names both placements, so that a move whose process ended before the move
 * did can be finished or undone by the next attempt; the lock is held by the live move from before
 * it writes its record until it has ended, on a connection of its own, and is free once that process
 * is gone. A record whose lock is free is a dead move's.
 */
export class TransferClaims {
  constructor(private readonly deps: Pick<TransferDeps, 'central' | 'servers'>) {}

  /** The hospital's move lock, taken at once; null while another move (or the settling of a dead one) holds it. */
  lock(tenantId: string): Promise<SessionLock | null> {
    return SessionLock.take(this.deps.servers.ownerUrl(MAIN_SERVER), `sovereign-move:${tenantId}`, { purpose: 'move' });
  }

  /** Records the move (the lock held); returns its owner token, or null when a move of the hospital is already recorded. */
  async claim(tenantId: string, source: ModePlacement, target: ModePlacement): Promise<string | null> {
    const [row] = await this.execute(
      `insert into ${TRANSFERS_TABLE} (tenant_id, source_isolation, source_server, source_database, source_schema,
                             target_isolation, target_server, target_database, target_schema)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (tenant_id) do nothing returning owner`,
      [tenantId, source.isolation, source.server, source.database, source.schema, target.isolation, target.server, target.database, target.schema],
    );
    return row ? (row.owner as string) : null;
  }

  async find(tenantId: string): Promise<TransferClaim | null> {
    const [row] = await this.execute(`select * from ${TRANSFERS_TABLE} where tenant_id = ?`, [tenantId]);
    if (!row) return null;
    const side = (prefix: string): ModePlacement => ({
      isolation: row[`${prefix}_isolation`] as Isolation,
      server: row[`${prefix}_server`] as string,
      database: row[`${prefix}_database`] as string,
      schema: row[`${prefix}_schema`] as string,
    });
    return { tenantId, owner: row.owner as string, source: side('source'), target: side('target') };
  }

  /** True while the hospital's record is still the one `owner` wrote (nobody settled it meanwhile). */
  async owns(tenantId: string, owner: string): Promise<boolean> {
    return (await this.execute(`select 1 from ${TRANSFERS_TABLE} where tenant_id = ? and owner = ?`, [tenantId, owner])).length === 1;
  }

  /** Removes the record `owner` wrote; nothing if it is another's. */
  async release(tenantId: string, owner: string): Promise<void> {
    await this.execute(`delete from ${TRANSFERS_TABLE} where tenant_id = ? and owner = ?`, [tenantId, owner]);
  }

  private execute(sql: string, params: unknown[]): Promise<Record<string, unknown>[]> {
    return this.deps.central.em.fork().getConnection().execute<Record<string, unknown>[]>(sql, params, 'all');
  }
}
