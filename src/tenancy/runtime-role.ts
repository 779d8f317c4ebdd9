import type { MikroORM } from '@mikro-orm/core';
import { backOff } from 'exponential-backoff';
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
  // Replicas starting together race here; PostgreSQL refuses the loser of two concurrent changes to
  // one role ("tuple concurrently updated"), and trying again is all it takes.
  const retried = (sql: string) =>
    backOff(() => conn.execute(sql), { numOfAttempts: 10, startingDelay: 10, maxDelay: 500, jitter: 'full', retry: (error) => /tuple concurrently updated/.test(String(error)) });
  try {
    await retried(`do $$ begin
        create role ${r} login;
      exception when duplicate_object or unique_violation then null;
      end $$`);
    await retried(`alter role ${r} login nosuperuser nocreatedb nocreaterole nobypassrls password ${literal(role.password)}`);
  } catch (error) {
    // The driver's message starts with the statement, password included: keep only PostgreSQL's reason.
    const reason = String((error as Error).message ?? error).split(' - ').pop();
    throw new Error(`Could not set up the runtime role ${role.name}: ${reason}`);
  }
}

/** Tenant tables the runtime role may only add to and read (the audit trail): no UPDATE or DELETE. */
export const APPEND_ONLY_TABLES = ['audit_log'];
/** Tenant tables the runtime role may only read (placement fences: only moves write them). */
export const READ_ONLY_TABLES = [FENCES_TABLE];

/** Privileges the runtime role should hold on one table of a placement schema. */
export function expectedRuntimePrivileges(table: string): string[] {
  if (table === MIGRATIONS_TABLE) return [];
  if (READ_ONLY_TABLES.includes(table)) return ['SELECT'];
  return APPEND_ONLY_TABLES.includes(table) ? ['INSERT', 'SELECT'] : ['DELETE', 'INSERT', 'SELECT', 'UPDATE'];
}

/**
 * Lets the runtime role read and write the tenant tables of `schema`, and nothing else there:
 * append-only tables get INSERT and SELECT only, read-only tables SELECT only, the migrations table
 * nothing.
 */
export async function grantRuntimeAccess(owner: MikroORM, schema: string, roleName: string): Promise<void> {
  const s = quoteIdent(schema);
  const r = quoteIdent(roleName);
  const conn = owner.em.fork().getConnection();
  await conn.execute(`grant usage on schema ${s} to ${r}`);
  await conn.execute(`grant select, insert, update, delete on all tables in schema ${s} to ${r}`);
  await conn.execute(`revoke all on ${s}.${MIGRATIONS_TABLE} from ${r}`);
  const restricted = [...APPEND_ONLY_TABLES, ...READ_ONLY_TABLES];
  const tables = (await conn.execute(
    `select table_name from information_schema.tables where table_schema = ? and table_name in (${restricted.map(() => '?').join(', ')})`,
    [schema, ...restricted],
  )) as { table_name: string }[];
  for (const { table_name } of tables) {
    const extra = READ_ONLY_TABLES.includes(table_name) ? 'insert, ' : '';
    await conn.execute(`revoke ${extra}update, delete, truncate, references, trigger on ${s}.${quoteIdent(table_name)} from ${r}`);
  }
}
