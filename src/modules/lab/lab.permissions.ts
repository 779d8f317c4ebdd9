import { chain } from 'graphql-shield';
import { hasTenantRole } from '../../auth/rules';
import { CLINICAL_WRITERS, LAB_READERS, LAB_STAFF } from '../common/roles';
import { moduleEnabled } from '../settings/module.rules';
import { HospitalModule } from '../settings/settings.entity';

const lab = moduleEnabled(HospitalModule.LAB);
const read = chain(hasTenantRole(...LAB_READERS), lab);
const order = chain(hasTenantRole(...CLINICAL_WRITERS), lab);
const bench = chain(hasTenantRole(...LAB_STAFF), lab);

/** DOCTOR orders (and cancels), LAB_TECH collects and records results; clinical staff and ADMIN read. */
export const labPermissions = {
  Query: { labOrders: read, labOrder: read },
  Mutation: { orderLabTest: order, cancelLabOrder: order, collectLabSample: bench, recordLabResult: bench },
};
