import { MIGRATIONS_TABLE } from '../migrations/runner';
import { FENCES_TABLE } from '../placement-hold';
import type { OwnerTx } from './owner-tx';

/** A tenant table as found in a placement: what a generic copy needs to know about it. */
export interface TenantTable {
  name: string;
  /** Every column, in table order, with its SQL type. */
  columns: { name: string; type: string }[];
  /** Columns a copy writes (not generated ones). */
  writable: string[];
  primaryKey: string[];
  /** Columns filled by `generated always as identity` (need `overriding system value`). */
  identityAlways: boolean;
  /** Columns fed by a sequence (serial or identity). */
  sequences: string[];
}

/** Tables of a placement that are bookkeeping of the placement itself, never hospital data. */
export const INFRASTRUCTURE_TABLES = [MIGRATIONS_TABLE, FENCES_TABLE];

/**
 * Lists the tenant tables of `schema` from the database catalog, parents before children (foreign-key
 * order), so rows can be loaded in this order and deleted in the reverse one.
 */
export async function listTenantTables(tx: OwnerTx, schema: string): Promise<TenantTable[]> {
  const columns = await tx.all<{ table: string; column: string; type: string; generated: string; identity: string; pk: boolean; sequence: boolean }>(
    `select c.relname as "table", a.attname as "column", format_type(a.atttypid, a.atttypmod) as type,
            a.attgenerated as generated, a.attidentity as identity,
            pg_get_serial_sequence(format('%I.%I', n.nspname, c.relname), a.attname) is not null as sequence,
            coalesce(a.attnum = any(i.indkey), false) as pk
       from pg_class c
       join pg_namespace n on n.oid = c.relnamespace
       join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
       left join pg_index i on i.indrelid = c.oid and i.indisprimary
      where n.nspname = ? and c.relkind in ('r', 'p') and not c.relispartition and c.relname not in (${INFRASTRUCTURE_TABLES.map(() => '?').join(', ')})
      order by c.relname, a.attnum`,
    [schema, ...INFRASTRUCTURE_TABLES],
  );
  const tables = new Map<string, TenantTable>();
  for (const col of columns) {
    const table = tables.get(col.table) ?? { name: col.table, columns: [], writable: [], primaryKey: [], identityAlways: false, sequences: [] };
    tables.set(col.table, table);
    table.columns.push({ name: col.column, type: col.type });
    if (col.generated === '') table.writable.push(col.column);
    if (col.pk) table.primaryKey.push(col.column);
    if (col.identity === 'a') table.identityAlways = true;
    if (col.sequence) table.sequences.push(col.column);
  }
  for (const table of tables.values()) {
    if (!table.columns.some((c) => c.name === 'tenant_id')) throw new Error(`Table ${schema}.${table.name} has no tenant_id column`);
  }
  const edges = await tx.all<{ child: string; parent: string }>(
    `select c.relname as child, p.relname as parent
       from pg_constraint k
       join pg_class c on c.oid = k.conrelid
       join pg_class p on p.oid = k.confrelid
       join pg_namespace n on n.oid = c.relnamespace
      where k.contype = 'f' and n.nspname = ? and k.conrelid <> k.confrelid`,
    [schema],
  );
  return foreignKeyOrder([...tables.values()], edges);
}

/** Parents first; ties by name so the order is stable. A cycle keeps its tables in name order. */
function foreignKeyOrder(tables: TenantTable[], edges: { child: string; parent: string }[]): TenantTable[] {
  const byName = new Map(tables.map((t) => [t.name, t]));
  const ordered: TenantTable[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string): void => {
    if (state.has(name) || !byName.has(name)) return;
    state.set(name, 'visiting');
    for (const e of edges) if (e.child === name) visit(e.parent);
    state.set(name, 'done');
    ordered.push(byName.get(name)!);
  };
  for (const t of [...tables].sort((a, b) => a.name.localeCompare(b.name))) visit(t.name);
  return ordered;
}

/** Why two placements cannot exchange rows (different tables or columns), or null when they match. */
export function shapeMismatch(a: Pick<TenantTable, 'name' | 'columns'>[], b: Pick<TenantTable, 'name' | 'columns'>[]): string | null {
  const describe = (tables: Pick<TenantTable, 'name' | 'columns'>[]) =>
    new Map(tables.map((t) => [t.name, t.columns.map((c) => `${c.name} ${c.type}`).join(', ')]));
  const left = describe(a);
  const right = describe(b);
  for (const name of new Set([...left.keys(), ...right.keys()])) {
    if (left.get(name) !== right.get(name)) return `table ${name} differs (${left.get(name) ?? 'missing'} / ${right.get(name) ?? 'missing'})`;
  }
  return null;
}
