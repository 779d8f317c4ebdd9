export { Tenant, Isolation, Plan, TenantStatus } from './tenant.entity';
export { TenantDomain } from './tenant-domain.entity';
export { PlatformUser } from './platform-user.entity';
export { PlatformSession } from './platform-session.entity';
import { PlatformSession } from './platform-session.entity';
import { PlatformUser } from './platform-user.entity';
import { TenantDomain } from './tenant-domain.entity';
import { Tenant } from './tenant.entity';

/** Entities of the central ORM (catalog schema of the main database). */
export const CATALOG_ENTITIES = [Tenant, TenantDomain, PlatformUser, PlatformSession];
