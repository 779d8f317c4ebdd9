import type { MikroORM } from '@mikro-orm/core';
import { MIGRATIONS_TABLE } from './migrations/runner';
import { quoteIdent } from './placement';
import { FENCES_TABLE } from './placement-hold';

function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * Ensures the runtime role exists on a server: it can log in, owns nothing, and can neither bypass
 * row-level security nor create roles or databases. Safe to run concurrently and repeatedly.
 */
export async function ensureRuntimeRole(owner: MikroORM, role: { name: string; password: string }): Promise<void> {
  const r = quoteIdent(role.name);
  const conn = owner.em.fork().getConnection();
  await conn.execute(`do $$ begin
      create role ${r} login;
    exception when duplicate_object or unique_violation then null;
    end $$`);
  await conn.execute(`alter role ${r} login nosuperuser nocreatedb nocreaterole nobypassrls password ${literal(role.password)}`);
}

/**
 * Lets the runtime role read and write the tenant tables of `schema`, and nothing else there: not the
 * migrations table, and the placement fences only for reading (only moves write them).
 */
export async function grantRuntimeAccess(owner: MikroORM, schema: string, roleName: string): Promise<void> {
  const s = quoteIdent(schema);
  const r = quoteIdent(roleName);
  const conn = owner.em.fork().getConnection();
  await conn.execute(`grant usage on schema ${s} to ${r}`);
  await conn.execute(`grant select, insert, update, delete on all tables in schema ${s} to ${r}`);
  await conn.execute(`revoke all on ${s}.${MIGRATIONS_TABLE} from ${r}`);
  const [fences] = await conn.execute<{ present: boolean }[]>('select to_regclass(?) is not null as present', [`${s}.${FENCES_TABLE}`]);
  if (fences?.present) await conn.execute(`revoke insert, update, delete, truncate on ${s}.${FENCES_TABLE} from ${r}`);
}
