import { Migration0001Core } from './Migration0001Core';
import { Migration0003Audit } from './Migration0003Audit';

/** Tenant migrations in order; applied to the shared schema, every tenant schema and every tenant database. */
export const TENANT_MIGRATIONS = [Migration0001Core, Migration0003Audit];
