import { CursorError, type EntityName, type FilterQuery, type QueryOrderMap } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { BadInputError } from '../../errors';
import { MAX_PAGE_SIZE, type Page } from './connection';

/**
 * Keyset pagination through MikroORM's cursor API (stable under inserts; filters and RLS apply).
 * `populate` names to-one relations read in the same statement (joined). The total is counted only
 * when asked for.
 */
export async function paginate<T extends object>(
  em: EntityManager,
  entity: EntityName<T>,
  where: FilterQuery<T>,
  args: { first: number; after?: string | null },
  orderBy: QueryOrderMap<T>,
  populate: string[] = [],
): Promise<Page<T>> {
  try {
    const cursor = await em.findByCursor(entity, where, {
      first: Math.min(args.first, MAX_PAGE_SIZE),
      after: args.after ?? undefined,
      orderBy: orderBy as never,
      includeCount: false,
      populate: populate as never,
      strategy: 'joined',
    });
    let total: Promise<number> | undefined;
    const edges = cursor.items.map((node) => ({ cursor: cursor.from(node), node }));
    return lazyCount(edges, { hasNextPage: cursor.hasNextPage, endCursor: cursor.endCursor }, () => (total ??= em.count(entity, where)));
  } catch (error) {
    if (error instanceof CursorError || error instanceof SyntaxError) throw BadInputError.forFields({ after: 'is not a valid cursor' });
    throw error;
  }
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
