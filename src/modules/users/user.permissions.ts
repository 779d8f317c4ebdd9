import { hasTenantRole } from '../../auth/rules';

const admin = hasTenantRole('ADMIN');

export const userPermissions = {
  Query: { users: admin },
  Mutation: {
    createUser: admin,
    setUserRoles: admin,
    deactivateUser: admin,
    reactivateUser: admin,
    resetPassword: admin,
    resetUserMfa: admin,
  },
};
