import { hasTenantRole, isTenantMember } from '../../auth/rules';

export const departmentPermissions = {
  Query: { departments: isTenantMember, department: isTenantMember },
  Mutation: {
    createDepartment: hasTenantRole('ADMIN'),
    updateDepartment: hasTenantRole('ADMIN'),
    assignStaff: hasTenantRole('ADMIN'),
    unassignStaff: hasTenantRole('ADMIN'),
  },
};
