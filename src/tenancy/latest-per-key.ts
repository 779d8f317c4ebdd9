import type { EntityName } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { PlacementSql, type SqlFragment } from './placement-sql';

export interface LatestPerKeyQuery<T> {
  /** Property holding the grouping key (a uuid column), e.g. `patientId`. */
  key: keyof T & string;
  /** Property ordered by, newest first (ties broken by id, newest first). */
  newestBy: keyof T & string;
  /** Rows per key. */
  first: number;
}

/**
 * The newest `first` rows of `entity` whose `key` equals `keyColumn` (a column of the enclosing
 * statement), newest first: a subquery for a lateral join or a `json_agg`, reading only those rows
 * through the (tenant_id, key, …) index, with the placement's tenant named explicitly.
 */
export function latestRowsSql<T extends object>(sql: PlacementSql, entity: EntityName<T>, keyColumn: string, query: LatestPerKeyQuery<T>): SqlFragment {
  return {
    text:
      `select * from ${sql.table(entity)} t where t.tenant_id = ? and t.${sql.column(entity, query.key)} = ${keyColumn} ` +
      `order by ${newestFirst(sql, entity, query, 't')} limit ?`,
    params: [sql.tenantId, query.first],
  };
}

/** The order of `latestRowsSql`, on the rows aliased `alias`. */
export function newestFirst<T extends object>(sql: PlacementSql, entity: EntityName<T>, query: Pick<LatestPerKeyQuery<T>, 'newestBy'>, alias: string): string {
  return `${alias}.${sql.column(entity, query.newestBy)} desc, ${alias}.id desc`;
}

/**
 * The newest `first` rows of `entity` for each of `keys`, in one statement (a lateral join over
 * `latestRowsSql`), detached (see `detach`). The query names the fork's tenant explicitly, and
 * row-level security applies as to every statement.
 */
export async function latestPerKey<T extends object>(em: EntityManager, entity: EntityName<T>, keys: readonly string[], query: LatestPerKeyQuery<T>): Promise<T[]> {
  const sql = new PlacementSql(em);
  const latest = latestRowsSql(sql, entity, 'k.id', query);
  const statement =
    `select t.* from unnest(array[?]::uuid[]) with ordinality as k(id, n) cross join lateral (${latest.text}) t ` +
    `order by k.n, ${newestFirst(sql, entity, query, 't')}`;
  const rows = await sql.rows(statement, [[...keys], ...latest.params]);
  return rows.map((row) => sql.detach(entity, row));
}
