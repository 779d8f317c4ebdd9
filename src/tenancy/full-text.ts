import { raw } from '@mikro-orm/core';

/**
 * An ORDER BY key for ORM queries: PostgreSQL's `ts_rank_cd` of a tsvector column against a plain
 * query (words ANDed, the 'simple' configuration). Only an ordering expression with a bound
 * parameter: the query it is used in still goes through the tenant filter and row-level security.
 */
export function fullTextRank(column: string, text: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(column)) throw new Error(`Refusing unsafe column name "${column}"`);
  return raw((alias: string) => `ts_rank_cd(${alias}.${column}, plainto_tsquery('simple', ?))`, [text]) as string;
}
