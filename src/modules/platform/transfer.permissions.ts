import { isSuperAdmin } from '../../auth/rules';

export const transferPermissions = {
  Mutation: { moveTenant: isSuperAdmin },
};
