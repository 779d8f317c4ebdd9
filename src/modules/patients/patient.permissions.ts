import { isTenantMember } from '../../auth/rules';

// Any member of the hospital for now; per-role rules arrive with the role matrix.
export const patientPermissions = {
  Query: { patients: isTenantMember, patient: isTenantMember },
  Mutation: { createPatient: isTenantMember, updatePatient: isTenantMember },
};
