import { ReferenceKind, Utils, type EntityMetadata, type EntityName, type EntityProperty, type FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { detach } from './detached';
import { boundPlacement } from './guards';
import { quoteIdent } from './placement';

/** The quoted column of one property of an entity, from its metadata. */
export function columnOf(meta: EntityMetadata, property: string): string {
  const prop = (meta.properties as unknown as Record<string, EntityProperty | undefined>)[property];
  if (!prop?.fieldNames?.length) throw new Error(`${meta.className}.${property} has no column`);
  return quoteIdent(prop.fieldNames[0]!);
}

/** Part of a statement and the values of its `?` placeholders, in order. */
export interface SqlFragment {
  text: string;
  params: unknown[];
}

/**
 * Hand-written reads in a fork's placement, for the few reads whose shape the ORM cannot build in one
 * statement. Table and column names come from the entities' metadata, quoted; the placement's schema is
 * the fork's. The ORM's tenant filter does not apply to such SQL, so every table a statement reads
 * must be conditioned on `tenant_id = <tenantId>` by the statement itself (row-level security applies
 * as to every statement). A fork bound to no tenant or placement is refused.
 */
export class PlacementSql {
  readonly tenantId: string;
  private readonly schema: string;

  constructor(private readonly em: EntityManager) {
    ({ tenantId: this.tenantId, schema: this.schema } = boundPlacement(em, 'a tenant read'));
  }

  meta<T extends object>(entity: EntityName<T>): EntityMetadata<T> {
    return this.em.getMetadata().get<T>(Utils.className(entity));
  }

  /** `"schema"."table"` of the entity in this placement. */
  table<T extends object>(entity: EntityName<T>): string {
    return `${quoteIdent(this.schema)}.${quoteIdent(this.meta(entity).tableName)}`;
  }

  /** The quoted column of one property. */
  column<T extends object>(entity: EntityName<T>, property: keyof T & string): string {
    return columnOf(this.meta(entity), property);
  }

  /** The columns `em.find` would select (scalars and to-one keys, not lazy ones), as `alias."column"`. */
  columns<T extends object>(entity: EntityName<T>, alias: string): string {
    const names = new Set<string>();
    for (const prop of this.meta(entity).props) {
      if (prop.lazy || !prop.fieldNames?.length) continue;
      if (prop.kind !== ReferenceKind.SCALAR && prop.kind !== ReferenceKind.MANY_TO_ONE) continue;
      names.add(prop.fieldNames[0]!);
    }
    return [...names].map((name) => `${alias}.${quoteIdent(name)}`).join(', ');
  }

  /**
   * `alias.id in (…)`: the ids of the entity's rows of this hospital that match an ORM condition, as
   * a subquery the ORM renders (operators, custom types, `$fulltext`), so a condition means the same
   * in a hand-written statement as in `em.find`.
   */
  idIn<T extends object>(entity: EntityName<T>, alias: string, where: FilterQuery<T>): SqlFragment {
    const query = this.em
      .createQueryBuilder(entity, 'm')
      .withSchema(this.schema)
      .select('m.id' as never)
      .where({ $and: [where, { tenantId: this.tenantId }] } as never);
    // `?` placeholders, as `rows` takes them (the query builder's own text numbers them).
    const { sql, bindings } = query.getKnexQuery().toSQL();
    return { text: `${alias}.id in (${sql})`, params: [...bindings] };
  }

  /** Runs the statement in the request's transaction (`?` placeholders). */
  rows(sql: string, params: unknown[]): Promise<Record<string, unknown>[]> {
    return this.em.getConnection().execute<Record<string, unknown>[]>(sql, params, 'all', this.em.getTransactionContext());
  }

  /**
   * A row as PostgreSQL returned it (columns, or a `row_to_json` object whose timestamps are strings),
   * mapped to the entity's properties as `em.find` maps them, and detached (see `detach`). `joined`
   * gives to-one relations read with it, by property: their rows, mapped and detached the same way.
   */
  detach<T extends object>(entity: EntityName<T>, row: Record<string, unknown>, joined: Record<string, unknown> = {}): T {
    const meta = this.meta(entity);
    const driver = this.em.getDriver();
    const mapped = driver.mapResult(row as never, meta) as Record<string, unknown>;
    for (const [name, related] of Object.entries(joined)) {
      const target = (meta.properties as unknown as Record<string, EntityProperty | undefined>)[name]?.targetMeta;
      if (!target) throw new Error(`${meta.className}.${name} is not a relation`);
      mapped[name] = related ? driver.mapResult(related as never, target) : null;
    }
    return detach(this.em, meta, mapped);
  }
}
