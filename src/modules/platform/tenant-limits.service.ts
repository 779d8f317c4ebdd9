import { BadInputError } from '../../errors';
import type { Tenancy } from '../../tenancy';
import { limitProblem } from '../../tenancy/provisioning';
import { changeServingTenant, type TenantChange } from '../../tenancy/serving-change';

/** A change of a hospital's own limits: a number sets one, null clears it (the plan decides), absent leaves it. */
export interface LimitChange {
  maxUsers?: number | null;
  maxAssets?: number | null;
}

const LIMITS = ['maxUsers', 'maxAssets'] as const;

/** BAD_USER_INPUT unless the change names at least one limit and every number given is one the catalog holds (0..2147483647). */
function checkLimitChange(change: LimitChange): void {
  if (change.maxUsers === undefined && change.maxAssets === undefined) {
    throw BadInputError.forFields({ maxUsers: 'give it or maxAssets (null clears it)', maxAssets: 'give it or maxUsers (null clears it)' });
  }
  const problems: Record<string, string> = {};
  for (const field of LIMITS) {
    const value = change[field];
    const problem = value === undefined || value === null ? undefined : limitProblem(value);
    if (problem) problems[field] = problem;
  }
  if (Object.keys(problems).length > 0) throw BadInputError.forFields(problems);
}

/**
 * Sets, changes or clears a hospital's own limits (central work), which replace its plan's; the next
 * request is held to them. Nothing is deleted when a limit goes below what the hospital has: further
 * creates are refused. Written like the other lifecycle changes: only to a hospital still serving
 * (NOT_FOUND for one deleted meanwhile), built on a limit change that came meanwhile, and dropped from
 * every gateway's cache. Returns the entry before and after.
 */
export async function changeTenantLimits(tenancy: Tenancy, slug: string, change: LimitChange): Promise<TenantChange> {
  checkLimitChange(change);
  const given = Object.fromEntries(LIMITS.filter((field) => change[field] !== undefined).map((field) => [field, change[field]]));
  return changeServingTenant(tenancy, slug, { what: 'limits', reads: LIMITS, write: () => given });
}
