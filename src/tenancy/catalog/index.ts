export { Tenant, Isolation, Plan, TenantStatus, SERVING } from './tenant.entity';
export { TenantDomain } from './tenant-domain.entity';
export { PlatformUser } from './platform-user.entity';
export { PlatformSession } from './platform-session.entity';
import { PlatformSession } from './platform-session.entity';
export { DemoRequest, DemoRequestStatus } from './demo-request.entity';
export { PlatformAuditEntry, type AuditOutcome } from './platform-audit.entity';
export { MigrationRun, TenantMigrationState } from './migration-state.entity';
import { DemoRequest } from './demo-request.entity';
import { MigrationRun, TenantMigrationState } from './migration-state.entity';
import { PlatformAuditEntry } from './platform-audit.entity';
import { PlatformUser } from './platform-user.entity';
import { TenantDomain } from './tenant-domain.entity';
import { Tenant } from './tenant.entity';

/** Entities of the central ORM (catalog schema of the main database). */
export const CATALOG_ENTITIES = [Tenant, TenantDomain, PlatformUser, PlatformSession, DemoRequest, PlatformAuditEntry, MigrationRun, TenantMigrationState];
