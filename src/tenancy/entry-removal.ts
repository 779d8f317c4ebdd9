import type { MikroORM } from '@mikro-orm/core';
import { Client } from 'pg';
import { Tenant, TenantStatus } from './catalog';
import { quoteIdent } from './placement';
import { columnOf } from './placement-sql';
import { TRANSFERS_TABLE } from './transfer/claims';

/**
 * A purge's removal of a hospital's catalog entry, conditional on the entry being as the purge found
 * it (DELETED, not under legal hold, past its retention period unless forced, no move of it recorded:
 * removing the entry would drop the move's record with it), and kept uncommitted
 * while the placement is destroyed: the entry's row stays locked meanwhile, so a legal hold or another
 * purge of the hospital waits, then finds no hospital; a failed destroy rolls it back and the entry
 * stays. On a connection of its own, outside the central pool: destroying a placement in the main
 * database uses that pool, and a pool of one would wait for itself.
 */
export class EntryRemoval {
  private constructor(private readonly client: Client) {}

  /** Deletes the entry of `tenantId` if it is still purgeable; null (nothing held) when it is not. */
  static async begin(central: MikroORM, catalogUrl: string, tenantId: string, force: boolean): Promise<EntryRemoval | null> {
    const meta = central.getMetadata().get(Tenant.name);
    const column = (property: string) => columnOf(meta, property);
    const client = new Client({ connectionString: catalogUrl, application_name: 'sovereign purge' });
    client.on('error', () => undefined); // a lost connection is noticed by the statements that need it
    await client.connect();
    try {
      await client.query('begin');
      const table = `${quoteIdent(meta.schema!)}.${quoteIdent(meta.tableName)}`;
      const { rowCount: found } = await client.query(
        `select 1 from ${table}
          where ${column('id')} = $1 and ${column('status')} = $2 and not ${column('legalHold')}
            and ($3 or ${column('purgeAfter')} is null or ${column('purgeAfter')} <= now())
          for update`,
        [tenantId, TenantStatus.DELETED, force],
      );
      // With the row locked no move can record itself (its insert checks the row); one recorded before is seen here.
      const { rowCount } = found === 1
        ? await client.query(`delete from ${table} where ${column('id')} = $1 and not exists (select 1 from ${TRANSFERS_TABLE} where tenant_id = $1)`, [tenantId])
        : { rowCount: 0 };
      if (rowCount === 1) return new EntryRemoval(client);
      await client.query('rollback');
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    await client.end().catch(() => undefined);
    return null;
  }

  async commit(): Promise<void> {
    try {
      await this.client.query('commit');
    } finally {
      await this.client.end().catch(() => undefined);
    }
  }

  /** Keeps the entry; never throws (ending the connection rolls back all the same). */
  async rollback(): Promise<void> {
    await this.client.query('rollback').catch(() => undefined);
    await this.client.end().catch(() => undefined);
  }
}
