import { hasTenantRole } from '../../auth/rules';

export const hospitalSettingsPermissions = {
  Query: { hospitalSettings: hasTenantRole('ADMIN') },
  Mutation: { updateHospitalSettings: hasTenantRole('ADMIN') },
};
