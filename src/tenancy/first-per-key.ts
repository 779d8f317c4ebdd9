import type { EntityName } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { PlacementSql, type SqlFragment } from './placement-sql';

export interface FirstPerKeyQuery<T> {
  /** Property holding the grouping key (a uuid column), e.g. `patientId`. */
  key: keyof T & string;
  /** The order of each key's rows, property by property, e.g. `{ startsAt: 'asc', id: 'asc' }`. */
  orderBy: Partial<Record<keyof T & string, 'asc' | 'desc'>>;
  /** Rows per key. */
  first: number;
  /**
   * Further conditions on the rows, aliased `alias`, written on `sql`'s columns. Called each time a
   * statement is built, so a condition on the time (`now`) is as of that statement.
   */
  where?: (sql: PlacementSql, alias: string) => SqlFragment;
}

export interface LatestPerKeyQuery<T> {
  /** Property holding the grouping key (a uuid column), e.g. `patientId`. */
  key: keyof T & string;
  /** Property ordered by, newest first (ties broken by id, newest first). */
  newestBy: keyof T & string;
  /** Rows per key. */
  first: number;
}

/** The newest rows as first rows: ordered by `newestBy`, then id, both descending. */
export function newestRows<T>(query: Omit<LatestPerKeyQuery<T>, 'first'>): Omit<FirstPerKeyQuery<T>, 'first'> {
  return { key: query.key, orderBy: { [query.newestBy]: 'desc', id: 'desc' } as FirstPerKeyQuery<T>['orderBy'] };
}

/** `orderBy` as an ORDER BY list on the rows aliased `alias`. */
export function orderSql<T extends object>(sql: PlacementSql, entity: EntityName<T>, orderBy: FirstPerKeyQuery<T>['orderBy'], alias: string): string {
  return Object.entries(orderBy)
    .map(([property, direction]) => `${alias}.${sql.column(entity, property as keyof T & string)} ${direction === 'desc' ? 'desc' : 'asc'}`)
    .join(', ');
}

/**
 * The first `first` rows of `entity` (in `orderBy`, meeting `where`) whose `key` equals `keyColumn`
 * (a column of the enclosing statement): a subquery for a lateral join or a `json_agg`, reading only
 * those rows through the (tenant_id, key, …) index, with the placement's tenant named explicitly.
 */
export function firstRowsSql<T extends object>(sql: PlacementSql, entity: EntityName<T>, keyColumn: string, query: FirstPerKeyQuery<T>): SqlFragment {
  const where = query.where?.(sql, 't');
  return {
    text:
      `select * from ${sql.table(entity)} t where t.tenant_id = ? and t.${sql.column(entity, query.key)} = ${keyColumn}` +
      `${where ? ` and (${where.text})` : ''} order by ${orderSql(sql, entity, query.orderBy, 't')} limit ?`,
    params: [sql.tenantId, ...(where?.params ?? []), query.first],
  };
}

/**
 * The first `first` rows of `entity` for each of `keys` (see `firstRowsSql`), key after key, in one
 * statement (a lateral join), detached (see `detach`). The query names the fork's tenant explicitly,
 * and row-level security applies as to every statement.
 */
export async function firstPerKey<T extends object>(em: EntityManager, entity: EntityName<T>, keys: readonly string[], query: FirstPerKeyQuery<T>): Promise<T[]> {
  const sql = new PlacementSql(em);
  const first = firstRowsSql(sql, entity, 'k.id', query);
  const statement =
    `select t.* from unnest(array[?]::uuid[]) with ordinality as k(id, n) cross join lateral (${first.text}) t ` +
    `order by k.n, ${orderSql(sql, entity, query.orderBy, 't')}`;
  const rows = await sql.rows(statement, [[...keys], ...first.params]);
  return rows.map((row) => sql.detach(entity, row));
}

/** The newest `first` rows of `entity` whose `key` equals `keyColumn`, newest first (see `firstRowsSql`). */
export function latestRowsSql<T extends object>(sql: PlacementSql, entity: EntityName<T>, keyColumn: string, query: LatestPerKeyQuery<T>): SqlFragment {
  return firstRowsSql(sql, entity, keyColumn, { ...newestRows(query), first: query.first });
}

/** The order of `latestRowsSql`, on the rows aliased `alias`. */
export function newestFirst<T extends object>(sql: PlacementSql, entity: EntityName<T>, query: Omit<LatestPerKeyQuery<T>, 'first'>, alias: string): string {
  return orderSql(sql, entity, newestRows(query).orderBy, alias);
}
