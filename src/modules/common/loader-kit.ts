import DataLoader from 'dataloader';
import type { EntityName, FilterQuery, QueryOrderMap } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { latestPerKey, type LatestPerKeyQuery } from '../../tenancy';
import { isUuid } from './ids';

type EmSource = () => Promise<EntityManager>;

/** One query per batch: rows of `entity` by id, null for ids the hospital does not have (or that are not ids). */
export function byId<T extends { id: string }>(em: EmSource, entity: EntityName<T>): DataLoader<string, T | null> {
  return new DataLoader(async (ids) => {
    const valid = ids.filter(isUuid);
    const rows = valid.length ? await (await em()).find(entity, { id: { $in: valid } } as unknown as FilterQuery<T>) : [];
    const map = new Map(rows.map((r) => [r.id, r]));
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
 * One loader per page size: for each key, the newest `first` rows (one statement per batch, however
 * many rows each key has in all).
 */
export function latestBy<T extends object>(em: EmSource, entity: EntityName<T>, query: Omit<LatestPerKeyQuery<T>, 'first'>): (first: number) => DataLoader<string, T[]> {
  const loaders = new Map<number, DataLoader<string, T[]>>();
  return (first) => {
    let loader = loaders.get(first);
    if (!loader) {
      loader = new DataLoader(async (keys) => {
        const valid = keys.filter(isUuid);
        const rows = valid.length ? await latestPerKey(await em(), entity, valid, { ...query, first }) : [];
        const groups = new Map<string, T[]>(keys.map((k) => [k, []]));
        for (const row of rows) groups.get(row[query.key] as unknown as string)?.push(row);
        return keys.map((k) => groups.get(k)!);
      });
      loaders.set(first, loader);
    }
    return loader;
  };
}
