import { Entity, Property } from '@mikro-orm/core';

/** Name of the default-on ORM filter that scopes every tenant entity to the request's tenant. */
export const TENANT_FILTER = 'tenant';

/**
 * Base of every entity that lives in a placement. It always carries `tenant_id`, in every isolation
 * mode, so one set of classes (with wildcard schema) serves SHARED, SCHEMA and DATABASE placements
 * and rows can move between them unchanged. The write guard stamps it on insert.
 */
@Entity({ abstract: true })
export abstract class TenantScoped {
  @Property({ type: 'uuid' })
  tenantId!: string;
}
