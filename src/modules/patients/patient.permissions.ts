import { allow } from 'graphql-shield';
import { hasTenantRole } from '../../auth/rules';

/** Everyone who works with patients: registration, care, lab and billing all need the demographics. */
const anyStaff = hasTenantRole('ADMIN', 'DOCTOR', 'NURSE', 'RECEPTIONIST', 'LAB_TECH', 'BILLING');
/** Registering patients and correcting their demographics: front desk and care staff. */
const registers = hasTenantRole('ADMIN', 'DOCTOR', 'NURSE', 'RECEPTIONIST');

export const patientPermissions = {
  Query: { patients: anyStaff, patient: anyStaff },
  Mutation: { createPatient: registers, updatePatient: registers, recordClinicalNotes: hasTenantRole('DOCTOR') },
  // Field level: the demographics come back to every role above, the clinical fields only to these.
  Patient: { '*': allow, clinicalNotes: hasTenantRole('ADMIN', 'DOCTOR', 'NURSE') },
};
