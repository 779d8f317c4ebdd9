import { isSuperAdmin } from '../../auth/rules';

export const tenantLimitsPermissions = {
  Mutation: { changeTenantLimits: isSuperAdmin },
};
