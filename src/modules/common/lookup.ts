import type { EntityName, FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { NotFoundError } from '../../errors';
import { isUuid } from './ids';

/**
 * Loads a row of the bound hospital by id, or fails with NOT_FOUND exactly as for a row that does
 * not exist (another hospital's row is invisible to the filter and to row-level security).
 */
export async function findOrFail<T extends object>(em: EntityManager, entity: EntityName<T>, id: string, label: string): Promise<T> {
  const row = isUuid(id) ? await em.findOne(entity, { id } as FilterQuery<T>) : null;
  if (!row) throw NotFoundError.forEntity(label, id);
  return row;
}

/** Same as findOrFail, for an optional reference. */
export async function findOptional<T extends object>(em: EntityManager, entity: EntityName<T>, id: string | null | undefined, label: string): Promise<T | null> {
  return id ? findOrFail(em, entity, id, label) : null;
}
