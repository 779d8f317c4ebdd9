import type { MikroORM } from '@mikro-orm/core';
import type { Migration } from '@mikro-orm/migrations';
import type { AbstractSqlDriver } from '@mikro-orm/knex';
import { quoteIdent } from '../placement';

/** A migration class: MikroORM's Migration, authored with `addSql`. */
export type MigrationClass = new (...args: ConstructorParameters<typeof Migration>) => Migration;

export const MIGRATIONS_TABLE = 'sovereign_migrations';

/** Name recorded for a migration class. */
export function migrationName(m: MigrationClass): string {
  return m.name;
}

/**
 * Serialises changes to one schema (its migrations, its grants) across processes until the calling
 * transaction ends: concurrent runners then apply each migration once, and concurrent GRANTs on the
 * same tables, which PostgreSQL refuses ("tuple concurrently updated"), wait for each other.
 */
export async function lockSchemaChanges(run: (sql: string, params: unknown[]) => Promise<unknown>, schema: string): Promise<void> {
  await run('select pg_advisory_xact_lock(hashtext(?))', [`sovereign-migrate:${schema}`]);
}

/**
 * Applies `migrations` to one schema through an owner connection: each migration in its own
 * transaction under `SET LOCAL search_path` (never a session-level SET on a pooled connection), under
 * lockSchemaChanges so that concurrent runners apply each migration once, recorded in the schema's own
 * migrations table. MikroORM 6's migrator ignores wildcard-schema entities, hence this runner; the
 * catalog uses the same one so there is one way to migrate. A migration's statements are sent in one
 * round trip. Returns the names it applied.
 */
export async function applyMigrations(orm: MikroORM, schema: string, migrations: MigrationClass[]): Promise<string[]> {
  const s = quoteIdent(schema);
  const em = orm.em.fork();
  const conn = em.getConnection();
  await conn.execute(`create schema if not exists ${s}`);
  await conn.execute(`create table if not exists ${s}.${MIGRATIONS_TABLE} (name text primary key, applied_at timestamptz not null default now())`);
  const applied: string[] = [];
  for (const M of migrations) {
    const name = migrationName(M);
    const done = await em.transactional(async (tem) => {
      const trx = tem.getTransactionContext();
      const run = (sql: string, params: unknown[] = []) => tem.getConnection().execute(sql, params, 'all', trx);
      await lockSchemaChanges(run, schema);
      const rows = await run(`select 1 from ${s}.${MIGRATIONS_TABLE} where name = ?`, [name]);
      if (rows.length > 0) return false;
      await run(`set local search_path to ${s}`);
      const migration = new M(orm.em.getDriver() as unknown as AbstractSqlDriver, orm.config);
      migration.setTransactionContext(trx!);
      await migration.up();
      // One round trip for the whole migration (the simple-query protocol takes several statements).
      const statements = migration.getQueries().map((query) => query.toString());
      if (statements.length > 0) await run(statements.join(';\n'));
      await run(`insert into ${s}.${MIGRATIONS_TABLE} (name) values (?)`, [name]);
      return true;
    });
    if (done) applied.push(name);
  }
  return applied;
}

/** Names already applied to `schema` (empty when the schema or table does not exist yet). */
export async function appliedMigrations(orm: MikroORM, schema: string): Promise<string[]> {
  const rows = await orm.em.fork().getConnection().execute(
    `select name from ${quoteIdent(schema)}.${MIGRATIONS_TABLE} order by name`,
  ).catch(() => []);
  return (rows as { name: string }[]).map((r) => r.name);
}
