import { ConflictError, NotFoundError } from '../../errors';
import { Plan, SERVING, type Tenancy, type TenantRecord } from '../../tenancy';
import { Tenant } from '../../tenancy/catalog';
import { toTenantRecord } from '../../tenancy/tenant-record';

const TRIAL_DAYS = 30;
/** Plan changes that meet another change of the same hospital's plan re-read it this many times. */
const ATTEMPTS = 3;

/**
 * Moves a hospital to another plan (central work). Entering TRIAL starts a 30-day trial; leaving it
 * clears the end date (an expired trial becomes writable again at once). The write is conditional on
 * the hospital still serving and still on the plan it was read on: a hospital deleted meanwhile is
 * NOT_FOUND, and another plan change meanwhile is read and built on, as if it had come first. Drops
 * the cached catalog entry so the next request sees the new plan.
 */
export async function changeTenantPlan(tenancy: Tenancy, slug: string, plan: Plan): Promise<TenantRecord> {
  const em = tenancy.central.em.fork();
  for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
    const tenant = await em.fork().findOne(Tenant, { slug, status: { $in: SERVING } }, { populate: ['domains'] });
    if (!tenant) throw NotFoundError.forEntity('Hospital', slug);
    const trialEndsAt = plan !== Plan.TRIAL ? null : tenant.plan === Plan.TRIAL ? tenant.trialEndsAt : new Date(Date.now() + TRIAL_DAYS * 86_400_000);
    const change = { plan, trialEndsAt, updatedAt: new Date() };
    if ((await em.nativeUpdate(Tenant, { id: tenant.id, status: { $in: SERVING }, plan: tenant.plan }, change)) === 1) {
      tenancy.store.invalidate(tenant.id);
      return toTenantRecord(Object.assign(tenant, change));
    }
  }
  throw ConflictError.because(`The plan of "${slug}" kept changing while it was being changed; try again`);
}
