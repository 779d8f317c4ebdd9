import { Migration0001Catalog } from './Migration0001Catalog';
import { Migration0002PlatformIdentity } from './Migration0002PlatformIdentity';
import { Migration0003Operations } from './Migration0003Operations';
import { Migration0004Transfer } from './Migration0004Transfer';
import { Migration0005SpareSchemas } from './Migration0005SpareSchemas';
import { Migration0006PlatformMfaRecoveryCodes } from './Migration0006PlatformMfaRecoveryCodes';
import { Migration0007PlatformAuditDetail } from './Migration0007PlatformAuditDetail';
import { Migration0008MillisecondInstants } from './Migration0008MillisecondInstants';
import { Migration0009MoveOwner } from './Migration0009MoveOwner';

/** Catalog migrations in order; applied to the catalog schema of the main database. */
export const CATALOG_MIGRATIONS = [Migration0001Catalog, Migration0002PlatformIdentity, Migration0003Operations, Migration0004Transfer, Migration0005SpareSchemas,
  Migration0006PlatformMfaRecoveryCodes, Migration0007PlatformAuditDetail, Migration0008MillisecondInstants, Migration0009MoveOwner];
