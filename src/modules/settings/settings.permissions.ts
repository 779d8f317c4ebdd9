import { hasTenantRole, isTenantMember } from '../../auth/rules';

export const settingsPermissions = {
  Query: { hospitalSettings: isTenantMember },
  Mutation: { updateHospitalSettings: hasTenantRole('ADMIN') },
};
