import { isSuperAdmin } from '../../auth/rules';

export const tenantPermissions = {
  Query: { tenants: isSuperAdmin, tenant: isSuperAdmin },
  Mutation: { createTenant: isSuperAdmin, suspendTenant: isSuperAdmin, resumeTenant: isSuperAdmin, deleteTenant: isSuperAdmin },
};
