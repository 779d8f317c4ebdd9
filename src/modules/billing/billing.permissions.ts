import { chain } from 'graphql-shield';
import { hasTenantRole } from '../../auth/rules';
import { BILLING_STAFF } from '../common/roles';
import { moduleEnabled } from '../settings/module.rules';
import { HospitalModule } from '../settings/settings.entity';

const billing = chain(hasTenantRole(...BILLING_STAFF), moduleEnabled(HospitalModule.BILLING));

/** BILLING and ADMIN only. */
export const billingPermissions = {
  Query: { invoices: billing, invoice: billing },
  Mutation: { createInvoice: billing, addInvoiceLine: billing, issueInvoice: billing, voidInvoice: billing, recordPayment: billing },
};
