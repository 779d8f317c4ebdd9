import type { EntityManager, MikroORM, QueryResult } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import type { PlacementMigrator } from '../isolation/strategy';
import { quoteIdent } from '../placement';
import { nameLiteral, renameSql } from './rename';

/** A spare still building after this long was left by a process that died mid-way. */
const STALE_BUILD_MINUTES = 10;
/** Serializes decisions about the stock's size between processes (replicas) sharing the catalog. */
const STOCK_LOCK = 'sovereign-spare-schemas';

/**
 * Spare SCHEMA placements in the main database, migrated ahead of time by the same migrator as any
 * placement (so each is exactly what a fresh one would be), recorded in `catalog.spare_schemas` and
 * never in the tenant catalog: no listing, migration run, doctor or export sees them as hospitals.
 * Only spares at this process's latest tenant migration are claimed; spares behind it are dropped
 * (and rebuilt), spares ahead of it (made by a newer release during a rollout) are left alone.
 */
export class SpareSchemas {
  /** Called after a spare was claimed (a keeper tops the stock up then). */
  onClaimed: () => void = () => undefined;
  /** Called with the error when a claim failed and provisioning fell back to migrating. */
  onClaimFailed: (error: unknown) => void = () => undefined;

  constructor(
    private readonly central: MikroORM,
    private readonly migrator: PlacementMigrator,
  ) {}

  /** Migrations before the latest, as a PostgreSQL array: a spare recorded at one of them is behind. */
  private get behind(): string {
    return `{${this.migrator.names.slice(0, -1).join(',')}}`;
  }

  /**
   * Turns a ready spare at the latest tenant migration into the placement schema `schema`, in one
   * transaction: the spare's row is locked (SKIP LOCKED, so concurrent provisionings never get the
   * same spare) and deleted, and the schema renamed (see renameSql). False when no spare is ready, or
   * when the claim failed (reported through onClaimFailed): the caller then migrates as usual.
   */
  async claim(schema: string): Promise<boolean> {
    try {
      const claimed = await this.central.em.fork().transactional(async (em) => {
        const [spare] = await run<{ schema_name: string }>(em,
          `select s.schema_name from catalog.spare_schemas s join pg_namespace n on n.nspname = s.schema_name
            where s.ready_at is not null and s.migration_version = ?
            order by s.ready_at limit 1 for update of s skip locked`, [this.migrator.latest]);
        if (!spare) return false;
        // One round trip: the rename and the row's removal (the names are checked identifiers).
        await run(em, `${renameSql(spare.schema_name, schema)};
          delete from catalog.spare_schemas where schema_name = ${nameLiteral(spare.schema_name)}`);
        return true;
      });
      if (claimed) this.onClaimed();
      return claimed;
    } catch (error) {
      this.onClaimFailed(error);
      return false;
    }
  }

  /**
   * Brings the stock to `target` ready spares at the latest migration: drops spares behind it, spares
   * whose builder died, spares whose schema has gone and spares beyond `target`, then builds new ones
   * one at a time until the stock (counting those other processes are building) is full, or `stop`
   * says so. Returns how many it built.
   */
  async fill(target: number, stop: () => boolean = () => false): Promise<number> {
    await this.prune(target);
    let built = 0;
    while (!stop()) {
      const name = await this.reserve(target);
      if (!name) break;
      await this.build(name);
      built += 1;
    }
    return built;
  }

  /** Names of the spares ready to be claimed now. */
  async ready(): Promise<string[]> {
    const rows = (await this.central.em.fork().getConnection().execute(
      'select schema_name from catalog.spare_schemas where ready_at is not null and migration_version = ? order by ready_at',
      [this.migrator.latest],
    )) as { schema_name: string }[];
    return rows.map((r) => r.schema_name);
  }

  private async prune(target: number): Promise<void> {
    await this.central.em.fork().transactional(async (em) => {
      await run(em, 'select pg_advisory_xact_lock(hashtext(?))', [STOCK_LOCK]);
      const unusable = await run<{ schema_name: string }>(em,
        `delete from catalog.spare_schemas where schema_name in (
           select s.schema_name from catalog.spare_schemas s
            where (s.ready_at is null and s.created_at < now() - make_interval(mins => ?))
               or (s.ready_at is not null and s.migration_version = any(?::text[]))
               or (s.ready_at is not null and not exists (select 1 from pg_namespace n where n.nspname = s.schema_name))
              for update of s skip locked)
         returning schema_name`, [STALE_BUILD_MINUTES, this.behind]);
      const excess = await run<{ schema_name: string }>(em,
        `delete from catalog.spare_schemas where schema_name in (
           select schema_name from catalog.spare_schemas where ready_at is not null and migration_version = ?
            order by ready_at desc offset ? for update skip locked)
         returning schema_name`, [this.migrator.latest, target]);
      for (const { schema_name } of [...unusable, ...excess]) await run(em, `drop schema if exists ${quoteIdent(schema_name)} cascade`);
    });
  }

  /** Records a new spare as building when the stock is short of `target`; null when it is full. */
  private reserve(target: number): Promise<string | null> {
    return this.central.em.fork().transactional(async (em) => {
      await run(em, 'select pg_advisory_xact_lock(hashtext(?))', [STOCK_LOCK]);
      const [stock] = await run<{ n: number }>(em,
        'select count(*)::int as n from catalog.spare_schemas where not (migration_version = any(?::text[]))', [this.behind]);
      if (stock!.n >= target) return null;
      const name = `spare_${randomUUID().replace(/-/g, '')}`;
      await run(em, 'insert into catalog.spare_schemas (schema_name, migration_version) values (?, ?)', [name, this.migrator.latest]);
      return name;
    });
  }

  /** Migrates the reserved spare, then marks it ready; on failure nothing of it is left. */
  private async build(name: string): Promise<void> {
    try {
      await this.migrator.migrate(this.central, name);
      const marked = await this.central.em.fork().getConnection().execute<QueryResult>(
        'update catalog.spare_schemas set ready_at = now() where schema_name = ? and ready_at is null', [name], 'run');
      // Pruned meanwhile as a dead builder's (a build that took over STALE_BUILD_MINUTES): not a spare.
      if (marked.affectedRows === 0) await this.discard(name);
    } catch (error) {
      await this.discard(name).catch(() => undefined);
      throw error;
    }
  }

  private async discard(name: string): Promise<void> {
    await this.central.em.fork().transactional(async (em) => {
      await run(em, 'delete from catalog.spare_schemas where schema_name = ?', [name]);
      await run(em, `drop schema if exists ${quoteIdent(name)} cascade`);
    });
  }
}

function run<T = unknown>(em: EntityManager, sql: string, params: unknown[] = []): Promise<T[]> {
  return em.getConnection().execute(sql, params, 'all', em.getTransactionContext()) as Promise<T[]>;
}
