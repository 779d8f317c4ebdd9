import { Utils, type EntityName, type EntityProperty } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { detach } from './detached';
import { boundPlacement } from './guards';
import { quoteIdent } from './placement';

export interface LatestPerKeyQuery<T> {
  /** Property holding the grouping key (a uuid column), e.g. `patientId`. */
  key: keyof T & string;
  /** Property ordered by, newest first (ties broken by id, newest first). */
  newestBy: keyof T & string;
  /** Rows per key. */
  first: number;
}

/**
 * The newest `first` rows of `entity` for each of `keys`, in one statement (a lateral join that reads
 * only those rows through the (tenant_id, key, …) index), detached (see `detach`). The
 * query names the fork's tenant explicitly, and row-level security applies as to every statement.
 */
export async function latestPerKey<T extends object>(em: EntityManager, entity: EntityName<T>, keys: readonly string[], query: LatestPerKeyQuery<T>): Promise<T[]> {
  // A session's fork always names its placement's schema; without one there is no placement to read.
  const { tenantId, schema } = boundPlacement(em, 'a tenant read');
  const meta = em.getMetadata().get<T>(Utils.className(entity));
  const properties = meta.properties as unknown as Record<string, EntityProperty>;
  const column = (prop: string) => quoteIdent(properties[prop]!.fieldNames[0]!);
  const table = `${quoteIdent(schema)}.${quoteIdent(meta.tableName)}`;
  const newest = `${column(query.newestBy)} desc, t.id desc`;
  const sql =
    `select t.* from unnest(array[?]::uuid[]) with ordinality as k(id, n) cross join lateral (` +
    `select * from ${table} t where t.tenant_id = ? and t.${column(query.key)} = k.id order by t.${newest} limit ?) t ` +
    `order by k.n, t.${newest}`;
  const rows = await em.getConnection().execute<Record<string, unknown>[]>(sql, [[...keys], tenantId, query.first], 'all', em.getTransactionContext());
  // Columns mapped to properties, detached: the rows only answer the request.
  const driver = em.getDriver();
  return rows.map((row) => detach(em, meta, driver.mapResult(row as never, meta) as Record<string, unknown>));
}
