import { hasTenantRole } from '../../auth/rules';

export const auditPermissions = {
  Query: { auditLog: hasTenantRole('ADMIN') },
};
