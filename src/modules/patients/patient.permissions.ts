import { allow, chain } from 'graphql-shield';
import { hasTenantRole } from '../../auth/rules';
import { moduleEnabled } from '../settings/module.rules';
import { HospitalModule } from '../settings/settings.entity';

/** Everyone who works with patients: registration, care, lab and billing all need the demographics. */
const anyStaff = hasTenantRole('ADMIN', 'DOCTOR', 'NURSE', 'RECEPTIONIST', 'LAB_TECH', 'BILLING');
/** Registering patients and correcting their demographics: front desk and care staff. */
const registers = hasTenantRole('ADMIN', 'DOCTOR', 'NURSE', 'RECEPTIONIST');
/** Clinical notes belong to the CLINICAL module: refused with it while it is disabled. */
const clinical = moduleEnabled(HospitalModule.CLINICAL);

export const patientPermissions = {
  Query: { patients: anyStaff, patient: anyStaff },
  Mutation: { createPatient: registers, updatePatient: registers, recordClinicalNotes: chain(hasTenantRole('DOCTOR'), clinical) },
  // Field level: the demographics come back to every role above, the clinical fields only to these.
  Patient: { '*': allow, clinicalNotes: chain(hasTenantRole('ADMIN', 'DOCTOR', 'NURSE'), clinical) },
};
