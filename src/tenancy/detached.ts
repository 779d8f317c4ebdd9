import { LoadStrategy, QueryHelper, Reference, ReferenceKind, Utils, type EntityMetadata, type EntityName, type EntityProperty, type FilterQuery, type FindOptions } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { boundPlacement } from './guards';
import { TENANT_FILTER } from './tenant-scoped';

/**
 * Rows read only to answer a request, as instances of their entity class (so its getters work) that
 * the unit of work never sees: no identity map entry, no snapshot, no change tracking, nothing for
 * a flush to compare. Creating managed entities was most of a list request's CPU; a read whose rows
 * go straight into a response has no use for it. Writes still load managed entities.
 */
export function detach<T extends object>(em: EntityManager, meta: EntityMetadata<T>, row: Record<string, unknown>): T {
  const platform = em.getPlatform();
  const properties = meta.properties as unknown as Record<string, EntityProperty | undefined>;
  // Filled as a plain object, then given the class's prototype: assigning through the prototype would
  // run MikroORM's change-tracking setters (one wrapper and one accessor per property).
  const entity: Record<string, unknown> = {};
  for (const name in row) {
    const prop = properties[name];
    const value = row[name];
    if (!prop) continue;
    if (prop.targetMeta && value && typeof value === 'object' && !(value instanceof Date)) {
      entity[name] = detach(em, prop.targetMeta, value as Record<string, unknown>);
    } else {
      entity[name] = prop.customType && value != null ? prop.customType.convertToJSValue(value, platform) : value;
    }
  }
  return Object.setPrototypeOf(entity, meta.prototype) as T;
}

/** A to-one relation read with its owner: the related entity, managed (a loaded reference) or detached; else undefined. */
export function joinedRelation<T extends object>(value: Reference<T> | T | null | undefined): T | undefined {
  if (!value) return undefined;
  if (Reference.isReference<T>(value)) return value.isInitialized() ? value.getEntity() : undefined;
  return value;
}

export interface DetachedFindOptions<T> extends Pick<FindOptions<T>, 'orderBy' | 'limit'> {
  /** To-one relations read in the same statement (joined), detached with their owner. */
  populate?: readonly string[];
}

/**
 * What `em.find` reads, detached (see `detach`). Through a tenant ORM, rows are read only by a fork
 * bound to a tenant and its placement schema, with the tenant's condition written into the statement as the ORM's tenant filter would
 * (and row-level security applies as to every statement); without either it refuses.
 */
export async function findDetached<T extends object>(em: EntityManager, entity: EntityName<T>, where: FilterQuery<T>, options: DetachedFindOptions<T>): Promise<T[]> {
  const meta = em.getMetadata().get<T>(Utils.className(entity));
  const collection = meta.relations.find((p) => p.kind === ReferenceKind.ONE_TO_MANY || p.kind === ReferenceKind.MANY_TO_MANY);
  if (collection) throw new Error(`${meta.className}.${collection.name} is a collection: read ${meta.className} as managed entities`);
  // A tenant ORM scopes every read with its default-on tenant filter; the catalog's has none.
  const scoped = TENANT_FILTER in (em.config.get('filters') ?? {});
  const placement = scoped ? boundPlacement(em, 'a tenant read') : undefined;
  const { populate = [], ...rest } = options;
  // The conditions as em.find prepares them (operators, custom types), then the tenant's.
  const prepared = QueryHelper.processWhere({ where, entityName: meta.className, metadata: em.getMetadata(), platform: em.getPlatform(), aliased: true });
  const rows = await em.getDriver().find<T>(meta.className, (placement ? { $and: [prepared, { tenantId: placement.tenantId }] } : prepared) as never, {
    ...rest,
    populate: populate.map((field) => ({ field, strategy: LoadStrategy.JOINED })) as never,
    ctx: em.getTransactionContext(),
    schema: placement?.schema ?? em.schema,
  } as never);
  return rows.map((row) => detach(em, meta, row as Record<string, unknown>));
}
