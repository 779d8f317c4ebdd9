import { chain } from 'graphql-shield';
import { hasTenantRole } from '../../auth/rules';
import { BEDSIDE_STAFF, CLINICAL_READERS, CLINICAL_WRITERS } from '../common/roles';
import { moduleEnabled } from '../settings/module.rules';
import { HospitalModule } from '../settings/settings.entity';

const clinical = moduleEnabled(HospitalModule.CLINICAL);
const read = chain(hasTenantRole(...CLINICAL_READERS), clinical);
const write = chain(hasTenantRole(...CLINICAL_WRITERS), clinical);
const bedside = chain(hasTenantRole(...BEDSIDE_STAFF), clinical);

/** DOCTOR writes clinical records; NURSE records vitals; ADMIN reads them; nobody else sees them. */
export const clinicalPermissions = {
  Query: { encounters: read, encounter: read, vitals: read },
  Mutation: { createEncounter: write, addDiagnosis: write, prescribeMedication: write, recordVitals: bedside },
};
