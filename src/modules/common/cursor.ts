import { QueryOrderNumeric, ReferenceKind, type EntityMetadata, type EntityProperty, type FilterQuery, type QueryOrderMap } from '@mikro-orm/core';
import { BadInputError } from '../../errors';
import type { SqlFragment } from '../../tenancy';
import { isUuid } from './ids';

/**
 * Keyset cursors: base64url JSON of a row's sort keys, in order, as MikroORM's `Cursor.encode` writes
 * them (so cursors given before still page on: an instant is its ISO text, as JSON gives a Date).
 * They are read here rather than by MikroORM's decoder, which turns any text that looks like an
 * instant into a Date: each value is read as its column's type, so a name such as
 * "2024-01-01T00:00:00.000" stays text.
 */

/**
 * The column types a page may be ordered by. An instant only as `timestamptz(3)`: a cursor holds it to
 * the millisecond, so a column keeping microseconds would skip or repeat the rows of one millisecond.
 */
type KeyType = 'uuid' | 'text' | 'timestamptz(3)';

/** One property a page is ordered by. */
export interface SortKey {
  property: string;
  desc: boolean;
  type: KeyType;
}

/** A value of a cursor, as its column's type: a uuid or text as a string, an instant as a Date. */
export type CursorValue = string | Date;

/** PostgreSQL text holds no NUL character. */
const isText = (value: unknown): value is string => typeof value === 'string' && !value.includes('\u0000');

/** An instant as JSON writes a Date (its ISO text, which turns back into the same text), else undefined. */
function instant(value: unknown): Date | undefined {
  if (typeof value !== 'string') return undefined;
  const date = new Date(value);
  return !Number.isNaN(date.getTime()) && date.toISOString() === value ? date : undefined;
}

/** How a cursor's value is read for each column type; undefined when it cannot stand for one. */
const READERS: Record<KeyType, (value: unknown) => CursorValue | undefined> = {
  uuid: (value) => (typeof value === 'string' && isUuid(value) ? value : undefined),
  text: (value) => (isText(value) ? value : undefined),
  'timestamptz(3)': instant,
};

function isDesc(direction: unknown): boolean {
  return direction === QueryOrderNumeric.DESC || /^desc/i.test(String(direction));
}

/** The sort keys of `orderBy` on `meta`'s scalar properties, each with its column's type. */
export function sortKeys<T>(meta: EntityMetadata<T>, orderBy: QueryOrderMap<T>): SortKey[] {
  return Object.entries(orderBy as Record<string, unknown>).map(([property, direction]) => {
    const prop = (meta.properties as unknown as Record<string, EntityProperty | undefined>)[property];
    const type = (prop?.columnTypes?.[0] ?? prop?.type ?? '').toLowerCase();
    // A page ordered by another kind of column needs its reader here first: never let an unread value reach SQL.
    if (prop?.kind !== ReferenceKind.SCALAR || !Object.hasOwn(READERS, type)) throw new Error(`${meta.className}.${property}: no cursor for column type "${type}"`);
    return { property, desc: isDesc(direction), type: type as KeyType };
  });
}

function invalidCursor(): BadInputError {
  return BadInputError.forFields({ after: 'is not a valid cursor' });
}

/** The cursor of `row`: its values of `keys`, in order. */
export function cursorFor(row: object, keys: readonly SortKey[]): string {
  const values = keys.map(({ property }) => {
    const value = (row as Record<string, unknown>)[property];
    if (value == null) throw new Error(`no value of ${property} for a cursor`);
    return value;
  });
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

/**
 * What an `after` cursor holds, one value per key, each read as its column's type, before anything
 * reaches SQL; anything else (malformed, of another length, a value of another type) is BAD_USER_INPUT.
 */
export function decodeCursor(after: string, keys: readonly SortKey[]): CursorValue[] {
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(after, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (!Array.isArray(values) || values.length !== keys.length) throw invalidCursor();
  return keys.map((key, i) => {
    const value = READERS[key.type](values[i]);
    if (value === undefined) throw invalidCursor();
    return value;
  });
}

/** The rows after `values` in the order of `keys`: past the first key, or equal on it and past the rest. */
export function afterCondition<T>(keys: readonly SortKey[], values: readonly CursorValue[]): FilterQuery<T> {
  const [key, ...rest] = keys;
  const [value, ...others] = values;
  const past = { [key!.property]: { [key!.desc ? '$lt' : '$gt']: value } };
  if (rest.length === 0) return past as FilterQuery<T>;
  return { $or: [past, { [key!.property]: value, ...(afterCondition(rest, others) as object) }] } as FilterQuery<T>;
}

/**
 * `afterCondition` for a statement written by hand: the rows after `values` in the order of `keys`, on
 * the columns `column` names. Keys all in one direction are one row comparison (which an index on
 * those columns seeks); keys of mixed directions are each compared in their own direction, past the
 * first key or equal on it and past the rest, behind a bound on the first key for the index.
 */
export function afterSql(keys: readonly SortKey[], values: readonly CursorValue[], column: (property: string) => string): SqlFragment {
  const columns = keys.map((key) => column(key.property));
  const [first] = keys;
  if (keys.every((key) => key.desc === first!.desc)) {
    const op = first!.desc ? '<' : '>';
    if (keys.length === 1) return { text: `${columns[0]} ${op} ?`, params: [values[0]] };
    return { text: `(${columns.join(', ')}) ${op} (${columns.map(() => '?').join(', ')})`, params: [...values] };
  }
  const past = (i: number): SqlFragment => {
    const strictly = `${columns[i]} ${keys[i]!.desc ? '<' : '>'} ?`;
    if (i === keys.length - 1) return { text: strictly, params: [values[i]] };
    const rest = past(i + 1);
    return { text: `(${strictly} or (${columns[i]} = ? and ${rest.text}))`, params: [values[i], values[i], ...rest.params] };
  };
  const rest = past(0);
  return { text: `${columns[0]} ${first!.desc ? '<=' : '>='} ? and ${rest.text}`, params: [values[0], ...rest.params] };
}
