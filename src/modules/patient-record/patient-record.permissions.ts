import { chain } from 'graphql-shield';
import { hasTenantRole } from '../../auth/rules';
import { BILLING_STAFF, FRONT_DESK, LAB_READERS } from '../common/roles';
import { moduleEnabled } from '../settings/module.rules';
import { HospitalModule } from '../settings/settings.entity';

/** Field rules on Patient for the links into other modules; the patient's other fields are unaffected. */
export const patientRecordPermissions = {
  Patient: {
    nextAppointments: chain(hasTenantRole(...FRONT_DESK), moduleEnabled(HospitalModule.APPOINTMENTS)),
    latestLabResults: chain(hasTenantRole(...LAB_READERS), moduleEnabled(HospitalModule.LAB)),
    openInvoiceBalanceCents: chain(hasTenantRole(...BILLING_STAFF), moduleEnabled(HospitalModule.BILLING)),
  },
};
