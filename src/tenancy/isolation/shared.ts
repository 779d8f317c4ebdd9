import { Isolation } from '../catalog';
import { MIGRATIONS_TABLE } from '../migrations/runner';
import { quoteIdent, type Placement } from '../placement';
import type { OwnerAccess } from '../owner-access';
import type { IsolationStrategy } from './strategy';

/** SHARED: rows in the shared schema, walled by tenant_id, the ORM filter and row-level security. */
export class SharedIsolation implements IsolationStrategy {
  readonly mode = Isolation.SHARED;

  constructor(private readonly owner: OwnerAccess) {}

  async create(): Promise<void> {
    // The shared schema is migrated with the catalog; a new tenant needs no DDL.
  }

  async destroy(placement: Placement, tenantId: string): Promise<void> {
    await this.owner.run(placement.server, placement.database, async (orm) => {
      await orm.em.fork().transactional(async (em) => {
        const conn = em.getConnection();
        const trx = em.getTransactionContext();
        const tables = (await conn.execute(
          `select table_name from information_schema.tables where table_schema = ? and table_type = 'BASE TABLE' and table_name <> ?`,
          [placement.schema, MIGRATIONS_TABLE], 'all', trx,
        )) as { table_name: string }[];
        await conn.execute('set constraints all deferred', [], 'run', trx);
        // The audit trail refuses deletes except of the hospital being purged, in this transaction only.
        await conn.execute("select set_config('sovereign.purging_tenant', ?, true)", [tenantId], 'run', trx);
        for (const { table_name } of tables) {
          await conn.execute(`delete from ${quoteIdent(placement.schema)}.${quoteIdent(table_name)} where tenant_id = ?`, [tenantId], 'run', trx);
        }
      });
    });
  }
}
