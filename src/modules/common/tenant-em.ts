import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestContext } from '../../context';
import { TenantError } from '../../errors';

/** The request's tenant-bound EntityManager; tenant operations outside a hospital are TENANT_NOT_FOUND. */
export function tenantEm(ctx: Pick<RequestContext, 'session'>): Promise<EntityManager> {
  if (!ctx.session) throw TenantError.notFound();
  return ctx.session.em();
}
