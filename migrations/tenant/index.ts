import { Migration0001Core } from './Migration0001Core';
import { Migration0004PlacementFences } from './Migration0004PlacementFences';

/** Tenant migrations in order; applied to the shared schema, every tenant schema and every tenant database. */
export const TENANT_MIGRATIONS = [Migration0001Core, Migration0004PlacementFences];
