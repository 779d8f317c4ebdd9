import { applyingLimit, type LimitedResource, type LimitedTenant } from '../modules/plans/plan-limits';

/** The limit that applies to `resource`, and whose it is: `7 (its own)`, `100 (the plan’s)`, `unlimited (the plan’s)`. */
export function shownLimit(tenant: LimitedTenant, resource: LimitedResource): string {
  const { limit, own } = applyingLimit(tenant, resource);
  return `${limit ?? 'unlimited'} (${own ? 'its own' : 'the plan’s'})`;
}
