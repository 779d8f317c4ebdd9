import { chain } from 'graphql-shield';
import { hasTenantRole } from '../../auth/rules';
import { BEDSIDE_STAFF, BILLING_STAFF, CLINICAL_READERS, FRONT_DESK, LAB_READERS } from '../common/roles';
import { moduleEnabled } from '../settings/module.rules';
import { HospitalModule } from '../settings/settings.entity';

const registration = hasTenantRole(...FRONT_DESK, 'BILLING');
const appointmentReaders = chain(hasTenantRole(...FRONT_DESK), moduleEnabled(HospitalModule.APPOINTMENTS));
const clinical = moduleEnabled(HospitalModule.CLINICAL);

/** Field rules on Patient for the links into other modules; the patient's other fields are unaffected. */
export const patientRecordPermissions = {
  Patient: {
    nextAppointments: appointmentReaders,
    appointments: appointmentReaders,
    latestLabResults: chain(hasTenantRole(...LAB_READERS), moduleEnabled(HospitalModule.LAB)),
    openInvoiceBalanceCents: chain(hasTenantRole(...BILLING_STAFF), moduleEnabled(HospitalModule.BILLING)),
    contacts: registration,
    insurances: registration,
    allergies: chain(hasTenantRole(...CLINICAL_READERS), clinical),
  },
  Mutation: {
    addPatientContact: hasTenantRole(...FRONT_DESK),
    removePatientContact: hasTenantRole(...FRONT_DESK),
    addPatientInsurance: registration,
    recordAllergy: chain(hasTenantRole(...BEDSIDE_STAFF), clinical),
    archivePatient: hasTenantRole('ADMIN', 'RECEPTIONIST'),
    restorePatient: hasTenantRole('ADMIN', 'RECEPTIONIST'),
    setPatientDepartment: hasTenantRole(...FRONT_DESK),
  },
};
