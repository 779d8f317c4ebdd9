import type { MikroORM } from '@mikro-orm/core';
import { MIGRATIONS_TABLE } from '../migrations/runner';
import { quoteIdent } from '../placement';

export interface ColumnShape {
  type: string;
  notNull: boolean;
  default: string | null;
}

export interface PolicyShape {
  cmd: string;
  permissive: string;
  roles: string;
  qual: string | null;
  withCheck: string | null;
}

export interface TableShape {
  rls: boolean;
  forced: boolean;
  columns: Record<string, ColumnShape>;
  /** name → [contype, definition] */
  constraints: Record<string, { type: string; def: string }>;
  indexes: Record<string, string>;
  policies: Record<string, PolicyShape>;
  triggers: Record<string, { def: string; enabled: boolean }>;
  /** Privileges the runtime role holds (SELECT, INSERT, UPDATE, DELETE, TRUNCATE). */
  grants: string[];
}

/** The shape of one placement schema as the catalog of PostgreSQL shows it, names unqualified. */
export interface SchemaShape {
  exists: boolean;
  roleHasUsage: boolean;
  applied: string[];
  functions: Record<string, string>;
  tables: Record<string, TableShape>;
}

const PRIVILEGES = ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE'];

/**
 * Removes the schema qualification PostgreSQL prints, and a function's search path fixed to its own
 * schema (printed back as created: FROM CURRENT, which the repair runs under that schema's search path),
 * so two placements compare equal.
 */
export function unqualify(text: string, schema: string): string {
  return text
    .replace(new RegExp(`(?<![A-Za-z0-9_"])"?${schema}"?\\.`, 'g'), '')
    .replace(new RegExp(`SET search_path TO '"?${schema}"?'`, 'g'), 'SET search_path FROM CURRENT');
}

/** Reads the shape of `schema` through an owner connection (read-only). */
export async function snapshot(owner: MikroORM, schema: string, runtimeRole: string): Promise<SchemaShape> {
  const conn = owner.em.fork().getConnection();
  const q = async <T>(sql: string, params: unknown[] = []) => (await conn.execute(sql, params)) as T[];
  const [ns] = await q<{ usage: boolean }>(
    `select has_schema_privilege(?, n.oid, 'USAGE') as usage from pg_namespace n where n.nspname = ?`, [runtimeRole, schema],
  );
  const shape: SchemaShape = { exists: Boolean(ns), roleHasUsage: Boolean(ns?.usage), applied: [], functions: {}, tables: {} };
  if (!ns) return shape;
  const u = (text: string | null) => (text === null ? null : unqualify(text, schema));

  const applied = await q<{ name: string }>(`select name from ${quoteIdent(schema)}.${MIGRATIONS_TABLE} order by name`).catch(() => []);
  shape.applied = applied.map((r) => r.name);
  for (const f of await q<{ name: string; def: string }>(
    `select p.proname as name, pg_get_functiondef(p.oid) as def from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = ?`, [schema],
  )) shape.functions[f.name] = u(f.def)!;

  const tables = await q<{ name: string; rls: boolean; forced: boolean; grants: string[] }>(
    `select c.relname as name, c.relrowsecurity as rls, c.relforcerowsecurity as forced,
            array(select p from unnest(?::text[]) p where has_table_privilege(?, c.oid, p)) as grants
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = ? and c.relkind in ('r', 'p') and c.relname <> ?`,
    [`{${PRIVILEGES.join(',')}}`, runtimeRole, schema, MIGRATIONS_TABLE],
  );
  for (const t of tables) {
    shape.tables[t.name] = { rls: t.rls, forced: t.forced, columns: {}, constraints: {}, indexes: {}, policies: {}, triggers: {}, grants: [...t.grants].sort() };
  }
  const table = (name: string) => shape.tables[name];
  for (const c of await q<{ tbl: string; name: string; type: string; not_null: boolean; def: string | null }>(
    `select c.relname as tbl, a.attname as name, format_type(a.atttypid, a.atttypmod) as type, a.attnotnull as not_null, pg_get_expr(d.adbin, d.adrelid) as def
       from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
       left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
      where n.nspname = ? and c.relkind = 'r' and a.attnum > 0 and not a.attisdropped order by a.attnum`, [schema],
  )) {
    const t = table(c.tbl);
    if (t) t.columns[c.name] = { type: c.type, notNull: c.not_null, default: u(c.def) };
  }
  for (const c of await q<{ tbl: string; name: string; type: string; def: string }>(
    `select c.relname as tbl, con.conname as name, con.contype::text as type, pg_get_constraintdef(con.oid) as def
       from pg_constraint con join pg_class c on c.oid = con.conrelid join pg_namespace n on n.oid = c.relnamespace where n.nspname = ?`, [schema],
  )) {
    const t = table(c.tbl);
    if (t) t.constraints[c.name] = { type: c.type, def: u(c.def)! };
  }
  for (const i of await q<{ tbl: string; name: string; def: string }>(
    `select c.relname as tbl, i.relname as name, pg_get_indexdef(i.oid) as def
       from pg_index x join pg_class i on i.oid = x.indexrelid join pg_class c on c.oid = x.indrelid join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = ? and not exists (select 1 from pg_constraint con where con.conindid = i.oid and con.conrelid = c.oid)`, [schema],
  )) {
    const t = table(i.tbl);
    if (t) t.indexes[i.name] = u(i.def)!;
  }
  for (const p of await q<{ tbl: string; name: string; cmd: string; permissive: string; roles: string; qual: string | null; with_check: string | null }>(
    `select tablename as tbl, policyname as name, cmd, permissive, roles::text as roles, qual, with_check from pg_policies where schemaname = ?`, [schema],
  )) {
    const t = table(p.tbl);
    if (t) t.policies[p.name] = { cmd: p.cmd, permissive: p.permissive, roles: p.roles, qual: u(p.qual), withCheck: u(p.with_check) };
  }
  for (const g of await q<{ tbl: string; name: string; def: string; enabled: string }>(
    `select c.relname as tbl, t.tgname as name, pg_get_triggerdef(t.oid) as def, t.tgenabled::text as enabled
       from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace where n.nspname = ? and not t.tgisinternal`, [schema],
  )) {
    const t = table(g.tbl);
    if (t) t.triggers[g.name] = { def: u(g.def)!, enabled: g.enabled !== 'D' };
  }
  return shape;
}
