import { CursorError, type EntityName, type FilterQuery, type QueryOrderMap } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { BadInputError } from '../../errors';
import { MAX_PAGE_SIZE, type Page } from './connection';

/** Keyset pagination through MikroORM's cursor API (stable under inserts; filters and RLS apply). */
export async function paginate<T extends object>(
  em: EntityManager,
  entity: EntityName<T>,
  where: FilterQuery<T>,
  args: { first: number; after?: string | null },
  orderBy: QueryOrderMap<T>,
): Promise<Page<T>> {
  try {
    const cursor = await em.findByCursor(entity, where, {
      first: Math.min(args.first, MAX_PAGE_SIZE),
      after: args.after ?? undefined,
      orderBy: orderBy as never,
      includeCount: true,
    });
    return {
      edges: cursor.items.map((node) => ({ cursor: cursor.from(node), node })),
      pageInfo: { hasNextPage: cursor.hasNextPage, endCursor: cursor.endCursor },
      totalCount: cursor.totalCount,
    };
  } catch (error) {
    if (error instanceof CursorError || error instanceof SyntaxError) throw BadInputError.forFields({ after: 'is not a valid cursor' });
    throw error;
  }
}
