import { Plan } from '../../tenancy';
import type { TenantChange } from '../../tenancy/serving-change';

/** An own limit as the trail shows it: the number, or `none` (the plan's limit applies). */
const limit = (value: number | null) => (value === null ? 'none' : String(value));

/** What a plan change set, for its audit entry: `plan: TRIAL → BASIC` (and when a trial it moved to ends). */
export function describePlanChange({ before, after }: TenantChange): string {
  const trial = after.plan === Plan.TRIAL && after.trialEndsAt ? `, trial ends ${after.trialEndsAt.toISOString()}` : '';
  return `plan: ${before.plan} → ${after.plan}${trial}`;
}

/** What a change of own limits set, for its audit entry: `maxUsers: none → 7, maxAssets: 100 → 100`. */
export function describeLimitChange({ before, after }: TenantChange): string {
  return `maxUsers: ${limit(before.maxUsers)} → ${limit(after.maxUsers)}, maxAssets: ${limit(before.maxAssets)} → ${limit(after.maxAssets)}`;
}
