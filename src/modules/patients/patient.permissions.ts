import { allow, chain } from 'graphql-shield';
import { hasTenantRole } from '../../auth/rules';
import { CLINICAL_READERS, CLINICAL_WRITERS, EVERYONE, FRONT_DESK } from '../common/roles';
import { moduleEnabled } from '../settings/module.rules';
import { HospitalModule } from '../settings/settings.entity';

/** Everyone who works with patients: registration, care, lab and billing all need the demographics. */
const anyStaff = hasTenantRole(...EVERYONE);
/** Registering patients and correcting their demographics: front desk and care staff. */
const registers = hasTenantRole(...FRONT_DESK);
/** Clinical notes belong to the CLINICAL module: refused with it while it is disabled. */
const clinical = moduleEnabled(HospitalModule.CLINICAL);

export const patientPermissions = {
  Query: { patients: anyStaff, patient: anyStaff },
  Mutation: { createPatient: registers, updatePatient: registers, recordClinicalNotes: chain(hasTenantRole(...CLINICAL_WRITERS), clinical) },
  // Field level: the demographics come back to every role above, the clinical fields only to these.
  Patient: { '*': allow, clinicalNotes: chain(hasTenantRole(...CLINICAL_READERS), clinical) },
};
