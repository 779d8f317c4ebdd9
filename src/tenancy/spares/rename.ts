import { quoteIdent } from '../placement';

/** A validated schema name as an SQL string literal (names are plain lower-case identifiers). */
export function nameLiteral(schema: string): string {
  quoteIdent(schema);
  return `'${schema}'`;
}

/**
 * Renames `from` to `to` and re-points every function whose search path was fixed to `from` (a
 * function created with `set search_path from current`, such as `enter_request`). That setting is the
 * one place PostgreSQL keeps a schema's name as text: tables, policies, defaults, constraints, indexes,
 * triggers and grants refer to the schema and to each other by oid and follow the rename unchanged.
 * Only the spare's own name is replaced in the path (13 = past `search_path=`), whatever else it holds.
 */
export function renameSql(from: string, to: string): string {
  return `do $$
    declare f record;
    begin
      alter schema ${quoteIdent(from)} rename to ${quoteIdent(to)};
      for f in select p.oid::regprocedure as fn, substr(c.setting, 13) as path
                 from pg_proc p, unnest(p.proconfig) as c(setting)
                where p.pronamespace = ${nameLiteral(to)}::regnamespace and c.setting like 'search_path=%'
      loop
        execute format('alter function %s set search_path to %s', f.fn, replace(f.path, ${nameLiteral(from)}, ${nameLiteral(to)}));
      end loop;
    end $$`;
}
