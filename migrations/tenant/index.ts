import { Migration0001Core } from './Migration0001Core';
import { Migration0002Identity } from './Migration0002Identity';
import { Migration0003Audit } from './Migration0003Audit';
import { Migration0004PlacementFences } from './Migration0004PlacementFences';
import { Migration0005Domain } from './Migration0005Domain';
import { Migration0006RequestEntry } from './Migration0006RequestEntry';
import { Migration0007MfaRecoveryCodes } from './Migration0007MfaRecoveryCodes';
import { Migration0008AuditDetail } from './Migration0008AuditDetail';
import { Migration0009ArchivedPatients } from './Migration0009ArchivedPatients';
import { Migration0010ArchivedPatientPrescriptionsVitals } from './Migration0010ArchivedPatientPrescriptionsVitals';
import { Migration0011MillisecondInstants } from './Migration0011MillisecondInstants';

/** Tenant migrations in order; applied to the shared schema, every tenant schema and every tenant database. */
export const TENANT_MIGRATIONS = [Migration0001Core, Migration0002Identity, Migration0003Audit, Migration0004PlacementFences, Migration0005Domain, Migration0006RequestEntry,
  Migration0007MfaRecoveryCodes, Migration0008AuditDetail, Migration0009ArchivedPatients, Migration0010ArchivedPatientPrescriptionsVitals,
  Migration0011MillisecondInstants];
