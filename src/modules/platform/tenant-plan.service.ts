import { ConflictError } from '../../errors';
import { Plan, type Tenancy } from '../../tenancy';
import type { Tenant } from '../../tenancy/catalog';
import { newTrialEnd } from '../../tenancy/provisioning';
import { changeServingTenant, type TenantChange } from '../../tenancy/serving-change';

/**
 * The trial end when `tenant` moves to `plan`. A hospital has one trial: the first move to TRIAL (or
 * creation on it) starts it, leaving TRIAL keeps its end, and coming back resumes it; coming back
 * after it ended is CONFLICT, so no plan change ever grants a second trial.
 */
function trialEndOn(tenant: Tenant, plan: Plan): Date | null {
  const end = tenant.trialEndsAt;
  if (plan !== Plan.TRIAL) return end;
  if (end === null) return newTrialEnd();
  if (tenant.plan !== Plan.TRIAL && end.getTime() <= Date.now()) {
    throw ConflictError.because(`The trial of "${tenant.slug}" ended on ${end.toISOString().slice(0, 10)}; a hospital has one trial: choose BASIC, PROFESSIONAL or ENTERPRISE`);
  }
  return end;
}

/**
 * Moves a hospital to another plan (central work); the trial rule is trialEndOn's. The write is
 * conditional on the hospital still serving, still on the plan it was read on and, when the move
 * starts its trial, still without one: a hospital deleted meanwhile is NOT_FOUND, and another plan
 * change meanwhile is read and built on, as if it had come first. Drops the cached catalog entry so
 * the next request sees the new plan. Returns the entry before and after.
 */
export async function changeTenantPlan(tenancy: Tenancy, slug: string, plan: Plan): Promise<TenantChange> {
  return changeServingTenant(tenancy, slug, {
    what: 'plan',
    reads: ['plan'],
    expects: (tenant) => (tenant.trialEndsAt === null ? { trialEndsAt: null } : {}),
    write: (tenant) => {
      const trialEndsAt = trialEndOn(tenant, plan);
      return trialEndsAt === tenant.trialEndsAt ? { plan } : { plan, trialEndsAt };
    },
  });
}
