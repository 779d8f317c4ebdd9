import { chain } from 'graphql-shield';
import { hasTenantRole } from '../../auth/rules';
import { FRONT_DESK } from '../common/roles';
import { moduleEnabled } from '../settings/module.rules';
import { HospitalModule } from '../settings/settings.entity';

const frontDesk = chain(hasTenantRole(...FRONT_DESK), moduleEnabled(HospitalModule.APPOINTMENTS));

export const appointmentPermissions = {
  Query: { appointments: frontDesk, appointment: frontDesk },
  Mutation: { createAppointment: frontDesk, setAppointmentStatus: frontDesk, rescheduleAppointment: frontDesk },
};
