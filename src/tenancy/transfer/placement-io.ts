import type { MikroORM } from '@mikro-orm/core';
import { quoteIdent, type Placement } from '../placement';
import { bucketExpression, CANONICAL_ROW, digestSql, keyExpression, qualified, toDigest, type Digest } from './digest';
import { OwnerTx } from './owner-tx';
import { listTenantTables, type TenantTable } from './tables';

const BATCH = 500;

const asJsonArray = (items: string[]) => `[${items.join(',')}]`;

/**
 * One hospital's rows in one placement, through one owner transaction: read (streamed, by key, as
 * digests), insert, update and delete. Rows travel as JSON text produced and consumed by PostgreSQL
 * itself (`to_jsonb` / `jsonb_populate_recordset`), so no value is ever re-parsed in between: numbers,
 * timestamps, arrays and JSON columns arrive exactly as they left. Inserted rows get this placement's
 * tenant id. The transaction binds the hospital for row-level security like a request does.
 */
export class PlacementIo {
  private cursors = 0;

  private constructor(
    readonly tx: OwnerTx,
    readonly schema: string,
    readonly tenantId: string,
  ) {}

  /** Begins a transaction of its own (`snapshot`: one consistent read-only view of a live hospital). */
  static async open(orm: MikroORM, placement: Pick<Placement, 'schema'>, tenantId: string, options: { snapshot?: boolean } = {}): Promise<PlacementIo> {
    const tx = await OwnerTx.begin(orm, options);
    try {
      return await PlacementIo.attach(tx, placement, tenantId, { writes: !options.snapshot });
    } catch (error) {
      await tx.rollback();
      throw error;
    }
  }

  /**
   * Works inside a transaction the caller owns (e.g. the one holding a move's exclusive hold). Rows it
   * writes are the hospital's existing records, not new care: `sovereign.copying_tenant` lets an
   * archived patient's appointments, encounters, lab orders, prescriptions and vitals in (see
   * Migration0009ArchivedPatients and Migration0010ArchivedPatientPrescriptionsVitals).
   */
  static async attach(tx: OwnerTx, placement: Pick<Placement, 'schema'>, tenantId: string, options: { writes: boolean }): Promise<PlacementIo> {
    await tx.all(
      `select set_config('app.tenant_id', ?, true), set_config('sovereign.copying_tenant', ?, true), set_config('timezone', 'UTC', true),
              set_config('intervalstyle', 'postgres', true), set_config('extra_float_digits', '1', true)`,
      [tenantId, tenantId],
    );
    if (options.writes) await tx.run('set constraints all deferred');
    return new PlacementIo(tx, placement.schema, tenantId);
  }

  tables(): Promise<TenantTable[]> {
    return listTenantTables(this.tx, this.schema);
  }

  async digest(table: TenantTable): Promise<Digest> {
    return toDigest(await this.tx.all(digestSql(this.schema, table), [this.tenantId]));
  }

  /** Every row of the hospital in `table`, in key order, in batches of JSON texts. */
  async *rows(table: TenantTable): AsyncGenerator<string[]> {
    const cursor = `transfer_rows_${(this.cursors += 1)}`;
    const order = table.primaryKey.length ? ` order by ${table.primaryKey.map((c) => `t.${quoteIdent(c)}`).join(', ')}` : '';
    await this.tx.run(`declare ${cursor} no scroll cursor for select to_jsonb(t)::text as j from ${qualified(this.schema, table)} t where t.tenant_id = ?${order}`, [this.tenantId]);
    try {
      for (;;) {
        const batch = await this.tx.all<{ j: string }>(`fetch forward ${BATCH} from ${cursor}`);
        if (batch.length === 0) return;
        yield batch.map((r) => r.j);
      }
    } finally {
      await this.tx.run(`close ${cursor}`).catch(() => undefined);
    }
  }

  /** Key → row hash for the rows in `buckets`. */
  async keyHashes(table: TenantTable, buckets: number[]): Promise<Map<string, string>> {
    const rows = await this.tx.all<{ k: string; h: string }>(
      `select ${keyExpression(table)} as k, md5(${CANONICAL_ROW}) as h from ${qualified(this.schema, table)} t
        where t.tenant_id = ? and ${bucketExpression(table)} in (select jsonb_array_elements_text(?::jsonb)::int)`,
      [this.tenantId, JSON.stringify(buckets)],
    );
    return new Map(rows.map((r) => [r.k, r.h]));
  }

  /** The rows with the given keys (JSON texts from keyHashes). */
  async rowsByKeys(table: TenantTable, keys: string[]): Promise<string[]> {
    const found: string[] = [];
    for (let i = 0; i < keys.length; i += BATCH) {
      const rows = await this.tx.all<{ j: string }>(
        `select to_jsonb(t)::text as j from ${qualified(this.schema, table)} t
           join jsonb_populate_recordset(null::${qualified(this.schema, table)}, ?::jsonb) k on ${this.keyMatch(table, 'k')}
          where t.tenant_id = ?`,
        [asJsonArray(keys.slice(i, i + BATCH)), this.tenantId],
      );
      found.push(...rows.map((r) => r.j));
    }
    return found;
  }

  async insert(table: TenantTable, rows: string[]): Promise<void> {
    const columns = table.writable.map(quoteIdent);
    const values = table.writable.map((c) => (c === 'tenant_id' ? '?::uuid' : `r.${quoteIdent(c)}`));
    const overriding = table.identityAlways ? ' overriding system value' : '';
    for (let i = 0; i < rows.length; i += BATCH) {
      await this.tx.run(
        `insert into ${qualified(this.schema, table)} (${columns.join(', ')})${overriding}
         select ${values.join(', ')} from jsonb_populate_recordset(null::${qualified(this.schema, table)}, ?::jsonb) r`,
        [this.tenantId, asJsonArray(rows.slice(i, i + BATCH))],
      );
    }
  }

  async update(table: TenantTable, rows: string[]): Promise<void> {
    const set = table.writable.filter((c) => c !== 'tenant_id' && !table.primaryKey.includes(c)).map((c) => `${quoteIdent(c)} = r.${quoteIdent(c)}`);
    if (set.length === 0) return;
    for (let i = 0; i < rows.length; i += BATCH) {
      await this.tx.run(
        `update ${qualified(this.schema, table)} as t set ${set.join(', ')}
           from jsonb_populate_recordset(null::${qualified(this.schema, table)}, ?::jsonb) r
          where ${this.keyMatch(table, 'r')} and t.tenant_id = ?`,
        [asJsonArray(rows.slice(i, i + BATCH)), this.tenantId],
      );
    }
  }

  async delete(table: TenantTable, keys: string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += BATCH) {
      await this.tx.run(
        `delete from ${qualified(this.schema, table)} as t using jsonb_populate_recordset(null::${qualified(this.schema, table)}, ?::jsonb) k
          where ${this.keyMatch(table, 'k')} and t.tenant_id = ?`,
        [asJsonArray(keys.slice(i, i + BATCH)), this.tenantId],
      );
    }
  }

  /** Moves sequences past the values loaded into their columns, so the next insert does not collide. */
  async advanceSequences(tables: TenantTable[]): Promise<void> {
    for (const table of tables) {
      for (const column of table.sequences) {
        await this.tx.all(
          `select setval(x.seq, greatest(x.m, coalesce(pg_sequence_last_value(x.seq), 0)), true)
             from (select pg_get_serial_sequence(?, ?)::regclass as seq,
                          (select max(t.${quoteIdent(column)}) from ${qualified(this.schema, table)} t) as m) x
            where x.m is not null`,
          [qualified(this.schema, table), column],
        );
      }
    }
  }

  /** Marks every row of `table` not yet revoked as revoked now (its `revoked_at`); returns how many. */
  revokeAll(table: TenantTable): Promise<number> {
    return this.tx.run(`update ${qualified(this.schema, table)} set revoked_at = now() where tenant_id = ? and revoked_at is null`, [this.tenantId]);
  }

  /** Deletes every row of the hospital from `tables` (children first), its audit trail included. */
  async clear(tables: TenantTable[]): Promise<void> {
    // The audit trail refuses deletes except of the hospital named here, in this transaction only.
    await this.tx.run("select set_config('sovereign.purging_tenant', ?, true)", [this.tenantId]);
    for (const table of [...tables].reverse()) {
      await this.tx.run(`delete from ${qualified(this.schema, table)} where tenant_id = ?`, [this.tenantId]);
    }
  }

  commit(): Promise<void> {
    return this.tx.commit();
  }

  rollback(): Promise<void> {
    return this.tx.rollback();
  }

  private keyMatch(table: TenantTable, alias: string): string {
    if (table.primaryKey.length === 0) throw new Error(`Table ${table.name} has no primary key`);
    return table.primaryKey.map((c) => `t.${quoteIdent(c)} = ${alias}.${quoteIdent(c)}`).join(' and ');
  }
}
