import { isSuperAdmin } from '../../auth/rules';

export const tenantPlanPermissions = {
  Mutation: { changeTenantPlan: isSuperAdmin },
};
