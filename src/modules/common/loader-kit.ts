import DataLoader from 'dataloader';
import { Utils, type EntityName, type FilterQuery, type QueryOrderMap } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { firstPerKey, type FirstPerKeyQuery } from '../../tenancy';
import { isUuid } from './ids';

type EmSource = () => Promise<EntityManager>;

/**
 * One query per batch: rows of `entity` by id, null for ids the hospital does not have (or that are
 * not ids). Rows the request already loaded (e.g. the clinician a booking checked) are not read again.
 */
export function byId<T extends { id: string }>(em: EmSource, entity: EntityName<T>): DataLoader<string, T | null> {
  return new DataLoader(async (ids) => {
    const fork = await em();
    const uow = fork.getUnitOfWork();
    const map = new Map<string, T>();
    for (const id of ids) {
      const known = uow.getById<T>(Utils.className(entity), id as never, fork.schema);
      if (known) map.set(id, known);
    }
    const missing = ids.filter((id) => isUuid(id) && !map.has(id));
    const rows = missing.length ? await fork.find(entity, { id: { $in: missing } } as unknown as FilterQuery<T>) : [];
    for (const row of rows) map.set(row.id, row);
    return ids.map((id) => map.get(id) ?? null);
  });
}

/** One query per batch: every row whose `key` is one of the batch's keys, grouped, in `orderBy` order. */
export function groupedBy<T extends object, K extends keyof T & string>(
  em: EmSource,
  entity: EntityName<T>,
  key: K,
  options: { where?: () => FilterQuery<T>; orderBy: QueryOrderMap<T> },
): DataLoader<string, T[]> {
  return new DataLoader(async (keys) => {
    const where = { ...(options.where?.() as object), [key]: { $in: [...keys] } } as FilterQuery<T>;
    const rows = await (await em()).find(entity, where, { orderBy: options.orderBy as never });
    const groups = new Map<string, T[]>(keys.map((k) => [k, []]));
    for (const row of rows) groups.get(row[key] as unknown as string)?.push(row);
    return keys.map((k) => groups.get(k)!);
  });
}

/**
 * One loader per page size: for each key, its first `first` rows in the query's order (one statement
 * per batch, reading no more than that however many rows each key has in all).
 */
export function firstBy<T extends object>(em: EmSource, entity: EntityName<T>, query: Omit<FirstPerKeyQuery<T>, 'first'>): (first: number) => DataLoader<string, T[]> {
  const loaders = new Map<number, DataLoader<string, T[]>>();
  return (first) => {
    let loader = loaders.get(first);
    if (!loader) {
      loader = new DataLoader(async (keys) => {
        const valid = keys.filter(isUuid);
        const rows = valid.length ? await firstPerKey(await em(), entity, valid, { ...query, first }) : [];
        const groups = new Map<string, T[]>(keys.map((k) => [k, []]));
        for (const row of rows) groups.get(row[query.key] as unknown as string)?.push(row);
        return keys.map((k) => groups.get(k)!);
      });
      loaders.set(first, loader);
    }
    return loader;
  };
}
