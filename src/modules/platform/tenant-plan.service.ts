import { NotFoundError } from '../../errors';
import { Plan, TenantStatus, type Tenancy, type TenantRecord } from '../../tenancy';
import { Tenant } from '../../tenancy/catalog';
import { toTenantRecord } from '../../tenancy/tenant-record';

const TRIAL_DAYS = 30;

/**
 * Moves a hospital to another plan (central work). Entering TRIAL starts a 30-day trial; leaving it
 * clears the end date (an expired trial becomes writable again at once). Drops the cached catalog
 * entry so the next request sees the new plan.
 */
export async function changeTenantPlan(tenancy: Tenancy, slug: string, plan: Plan): Promise<TenantRecord> {
  const em = tenancy.central.em.fork();
  const tenant = await em.findOne(Tenant, { slug, status: { $in: [TenantStatus.ACTIVE, TenantStatus.SUSPENDED] } }, { populate: ['domains'] });
  if (!tenant) throw NotFoundError.forEntity('Hospital', slug);
  if (plan === Plan.TRIAL && tenant.plan !== Plan.TRIAL) tenant.trialEndsAt = new Date(Date.now() + TRIAL_DAYS * 86_400_000);
  if (plan !== Plan.TRIAL) tenant.trialEndsAt = null;
  tenant.plan = plan;
  await em.flush();
  tenancy.store.invalidate(tenant.id);
  return toTenantRecord(tenant);
}
