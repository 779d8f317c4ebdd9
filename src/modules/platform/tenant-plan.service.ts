import { Plan, type Tenancy, type TenantRecord } from '../../tenancy';
import { changeServingTenant } from '../../tenancy/serving-change';

const TRIAL_DAYS = 30;

/**
 * Moves a hospital to another plan (central work). Entering TRIAL starts a 30-day trial; leaving it
 * clears the end date (an expired trial becomes writable again at once). The write is conditional on
 * the hospital still serving and still on the plan it was read on: a hospital deleted meanwhile is
 * NOT_FOUND, and another plan change meanwhile is read and built on, as if it had come first. Drops
 * the cached catalog entry so the next request sees the new plan.
 */
export async function changeTenantPlan(tenancy: Tenancy, slug: string, plan: Plan): Promise<TenantRecord> {
  return changeServingTenant(tenancy, slug, {
    what: 'plan',
    reads: ['plan'],
    write: (tenant) => ({
      plan,
      trialEndsAt: plan !== Plan.TRIAL ? null : tenant.plan === Plan.TRIAL ? tenant.trialEndsAt : new Date(Date.now() + TRIAL_DAYS * 86_400_000),
    }),
  });
}
