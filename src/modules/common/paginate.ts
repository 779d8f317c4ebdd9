import { Utils, type EntityName, type FilterQuery, type QueryOrderMap } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { findDetached } from '../../tenancy';
import { pageSize, type Page } from './connection';
import { afterCondition, cursorFor, decodeCursor, sortKeys, type SortKey } from './cursor';

export interface PageOptions {
  /** To-one relations read in the same statement (joined). */
  populate?: readonly string[];
  /** Load managed entities instead (for rows whose collections the caller populates next). */
  managed?: boolean;
}

/**
 * Keyset pagination (stable under inserts; the tenant's condition and RLS apply), with the cursors of
 * `./cursor`. A page only answers the request, so its rows are detached (no unit of work) unless
 * asked for managed. The total is counted only when asked for.
 */
export async function paginate<T extends object>(
  em: EntityManager,
  entity: EntityName<T>,
  where: FilterQuery<T>,
  args: PageArgs,
  orderBy: QueryOrderMap<T>,
  { populate = [], managed = false }: PageOptions = {},
): Promise<Page<T>> {
  const keys = sortKeys(em.getMetadata().get<T>(Utils.className(entity)), orderBy);
  const first = pageSize(args.first);
  const after = args.after ? afterCondition<T>(keys, decodeCursor(args.after, keys)) : undefined;
  // One row more than the page, to tell whether another page follows.
  const options = { orderBy: orderBy as never, limit: first + 1 };
  const paged = (after ? { $and: [where, after] } : where) as FilterQuery<T>;
  const rows = managed
    ? await em.find(entity, paged, { ...options, populate: populate as never, strategy: 'joined' })
    : await findDetached(em, entity, paged, { ...options, populate });
  return pageOf(rows as T[], first, keys, () => em.count(entity, where));
}

export interface PageArgs {
  first: number;
  after?: string | null;
}

/**
 * The page of `rows` (read ordered by `keys`, up to one more than `first`) with each row's cursor,
 * and a lazy total (`count` runs only if the client asks for it, at most once).
 */
export function pageOf<T extends object>(rows: readonly T[], first: number, keys: readonly SortKey[], count: () => Promise<number>): Page<T> {
  let total: Promise<number> | undefined;
  const edges = rows.slice(0, first).map((node) => ({ cursor: cursorFor(node, keys), node }));
  const pageInfo = { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null };
  return lazyCount(edges, pageInfo, () => (total ??= count()));
}

/**
 * A page whose `totalCount` is a non-enumerable getter: GraphQL reads it when asked for, and nothing
 * that walks the page's own properties (the audit trail's id collection) starts a count by accident.
 */
function lazyCount<T>(edges: Page<T>['edges'], pageInfo: Page<T>['pageInfo'], count: () => Promise<number> | number): Page<T> {
  const page = { edges, pageInfo } as Page<T>;
  Object.defineProperty(page, 'totalCount', { get: count, enumerable: false });
  return page;
}

/** The same page with each node mapped; the total stays lazy. */
export function mapNodes<T, U>(page: Page<T>, map: (node: T) => U): Page<U> {
  return lazyCount(page.edges.map((e) => ({ cursor: e.cursor, node: map(e.node) })), page.pageInfo, () => page.totalCount);
}
