import type { EntityManager } from '@mikro-orm/postgresql';
import { DomainError } from '../../errors';
import { lockTenantScope, Plan, type TenantRecord } from '../../tenancy';
import { Patient } from '../patients/patient.entity';
import { User } from '../users/user.entity';

export type LimitedResource = 'patients' | 'users';

/** null = unlimited. TRIAL also ends (read-only) at the catalog's trialEndsAt, 30 days after the hospital's one trial started. */
export const PLAN_LIMITS: Record<Plan, Record<LimitedResource, number | null>> = {
  [Plan.TRIAL]: { patients: 100, users: 5 },
  [Plan.BASIC]: { patients: 1_000, users: null },
  [Plan.PROFESSIONAL]: { patients: 10_000, users: null },
  [Plan.ENTERPRISE]: { patients: null, users: null },
};

/**
 * Requests per minute, by plan: per hospital (all its users and API keys together) and per user or
 * API key. Scaled by RATE_LIMIT_MULTIPLIER; enforced before execution (src/http/rate-limit-plugin.ts).
 */
export const PLAN_REQUEST_LIMITS: Record<Plan, { tenant: number; user: number }> = {
  [Plan.TRIAL]: { tenant: 600, user: 120 },
  [Plan.BASIC]: { tenant: 3_000, user: 300 },
  [Plan.PROFESSIONAL]: { tenant: 12_000, user: 600 },
  [Plan.ENTERPRISE]: { tenant: 60_000, user: 1_200 },
};

/** Requests per minute per platform admin, on the platform host and inside hospitals alike. */
export const PLATFORM_ADMIN_REQUESTS_PER_MINUTE = 600;

const COUNTED = { patients: Patient, users: User } as const;

export function planLimitReached(message: string, details: Record<string, unknown>): DomainError {
  return new DomainError('PLAN_LIMIT_REACHED', message, details);
}

/** True once a TRIAL hospital's trial has ended: it may still read, but not write. */
export function isTrialExpired(tenant: TenantRecord, now = new Date()): boolean {
  return tenant.plan === Plan.TRIAL && tenant.trialEndsAt != null && tenant.trialEndsAt.getTime() <= now.getTime();
}

/** What decides a hospital's limits: its plan and its own limits. */
export type LimitedTenant = Pick<TenantRecord, 'plan' | 'maxUsers' | 'maxAssets'>;

/** The hospital's own limit of `resource` (set by the platform team), which replaces its plan's. */
const OWN_LIMIT: Record<LimitedResource, (tenant: LimitedTenant) => number | null> = {
  users: (tenant) => tenant.maxUsers,
  patients: (tenant) => tenant.maxAssets,
};

/** The limit of `resource` that applies to the hospital (null: unlimited), and whether it is its own rather than its plan's. */
export function applyingLimit(tenant: LimitedTenant, resource: LimitedResource): { limit: number | null; own: boolean } {
  const own = OWN_LIMIT[resource](tenant);
  return own !== null ? { limit: own, own: true } : { limit: PLAN_LIMITS[tenant.plan][resource], own: false };
}

/**
 * Refuses one more `resource` when the hospital is full (PLAN_LIMIT_REACHED): at its own limit when the
 * platform team set one (0 allows none), else at its plan's. Counts under a per-hospital lock held to
 * the end of the request's transaction, so concurrent creates cannot both pass the count: call it
 * right before creating the row, in the same transaction.
 */
export async function enforcePlanLimit(em: EntityManager, tenant: TenantRecord, resource: LimitedResource): Promise<void> {
  const { limit, own } = applyingLimit(tenant, resource);
  if (limit === null) return;
  await lockTenantScope(em, `plan-limit:${resource}`);
  const count = await em.count(COUNTED[resource], {});
  if (count >= limit) {
    const message = !own
      ? `The ${tenant.plan} plan allows ${limit} ${resource}; upgrade the plan to add more`
      : `This hospital may have at most ${limit} ${resource}; the platform team sets this limit`;
    throw planLimitReached(message, { resource, limit, plan: tenant.plan });
  }
}
