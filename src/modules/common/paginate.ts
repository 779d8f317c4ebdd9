import { Cursor, CursorError, Utils, type EntityMetadata, type EntityName, type EntityProperty, type FilterQuery, type QueryOrderMap } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { BadInputError } from '../../errors';
import { findDetached } from '../../tenancy';
import { pageSize, type Page } from './connection';
import { isUuid } from './ids';

export interface PageOptions {
  /** To-one relations read in the same statement (joined). */
  populate?: readonly string[];
  /** Load managed entities instead (for rows whose collections the caller populates next). */
  managed?: boolean;
}

/**
 * Keyset pagination with MikroORM's cursors (stable under inserts; the tenant's condition and RLS
 * apply). A page only answers the request, so its rows are detached (no unit of work) unless asked
 * for managed. The total is counted only when asked for.
 */
export async function paginate<T extends object>(
  em: EntityManager,
  entity: EntityName<T>,
  where: FilterQuery<T>,
  args: PageArgs,
  orderBy: QueryOrderMap<T>,
  { populate = [], managed = false }: PageOptions = {},
): Promise<Page<T>> {
  const meta = em.getMetadata().get<T>(Utils.className(entity));
  if (args.after) cursorValues(args.after, cursorChecks(meta, orderBy));
  try {
    const options = cursorOptions(args, orderBy);
    const cursor = managed
      ? await em.findByCursor(entity, where, { ...options, orderBy: orderBy as never, includeCount: false, populate: populate as never, strategy: 'joined' })
      : new Cursor<T>((await findDetached(em, entity, where, { ...options, populate })) as never, 0, options as never, meta);
    return pageOf(cursor, () => em.count(entity, where));
  } catch (error) {
    if (error instanceof CursorError || error instanceof SyntaxError) throw invalidCursor();
    throw error;
  }
}

export interface PageArgs {
  first: number;
  after?: string | null;
}

function invalidCursor(): BadInputError {
  return BadInputError.forFields({ after: 'is not a valid cursor' });
}

/** The options of a page for `Cursor`: the size capped, one row more read to tell whether another page follows. */
export function cursorOptions<T>(args: PageArgs, orderBy: QueryOrderMap<T>) {
  return { first: pageSize(args.first), after: args.after ?? undefined, orderBy, overfetch: true };
}

/** One value of a cursor, as `Cursor` decodes it (an ISO instant comes back as a Date). */
export type CursorValue = string | Date;

/** Whether a decoded cursor value can stand for one ordered property. */
export type CursorCheck = (value: unknown) => value is CursorValue;

const isId: CursorCheck = (value): value is string => typeof value === 'string' && isUuid(value);
const isInstant: CursorCheck = (value): value is Date => value instanceof Date && !Number.isNaN(value.getTime());
/** PostgreSQL text holds no NUL character. */
const isText: CursorCheck = (value): value is string => typeof value === 'string' && !value.includes('\u0000');

/** The check of each column type a page may be ordered by; a cursor value must be of its column's type. */
const CHECKS: Record<string, CursorCheck> = {
  uuid: isId,
  text: isText,
  timestamptz: isInstant,
};

function checkFor(meta: EntityMetadata, key: string): CursorCheck {
  const prop = (meta.properties as unknown as Record<string, EntityProperty | undefined>)[key];
  const column = (prop?.columnTypes?.[0] ?? prop?.type ?? '').toLowerCase();
  const check = CHECKS[column];
  // A page ordered by a column of another type needs its check here first: never let an unchecked value reach SQL.
  if (!check) throw new Error(`${meta.className}.${key}: no cursor check for column type "${column}"`);
  return check;
}

/** What each value of a cursor over `orderBy` must be, in order: a value of its column's type (a uuid, text without NUL, an instant). */
export function cursorChecks<T>(meta: EntityMetadata<T>, orderBy: QueryOrderMap<T>): CursorCheck[] {
  return Cursor.getDefinition(meta as never, orderBy as never).map(([key]) => checkFor(meta as EntityMetadata, key as string));
}

/**
 * What an `after` cursor holds (one value per ordered property, as `Cursor` encodes them), checked
 * value by value against `checks` (see `cursorChecks`) before anything reaches SQL; anything else
 * (malformed, of another length, or a value of the wrong type) is a BAD_USER_INPUT.
 */
export function cursorValues(after: string, checks: readonly CursorCheck[]): CursorValue[] {
  let values: unknown;
  try {
    values = Cursor.decode(after);
  } catch {
    throw invalidCursor();
  }
  if (!Array.isArray(values) || values.length !== checks.length || !checks.every((check, i) => check(values[i]))) throw invalidCursor();
  return values as CursorValue[];
}

/** The page of a cursor's rows, with a lazy total (`count` runs only if the client asks for it, at most once). */
export function pageOf<T extends object>(cursor: Pick<Cursor<T>, 'items' | 'from' | 'hasNextPage' | 'endCursor'>, count: () => Promise<number>): Page<T> {
  let total: Promise<number> | undefined;
  const edges = cursor.items.map((node) => ({ cursor: cursor.from(node), node }));
  return lazyCount(edges, { hasNextPage: cursor.hasNextPage, endCursor: cursor.endCursor }, () => (total ??= count()));
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
