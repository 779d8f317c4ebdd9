import type { MikroORM } from '@mikro-orm/core';
import { Isolation, Tenant, TenantStatus } from './catalog';
import { PlacementMigrator } from './isolation/strategy';
import { applyMigrations, type MigrationClass } from './migrations/runner';
import type { OwnerAccess } from './owner-access';
import { SHARED_SCHEMA } from './placement';
import { ensureRuntimeRole } from './runtime-role';
import type { ServerRegistry } from './servers';

export interface TenantMigrationResult {
  slug: string;
  isolation: Isolation;
  applied: string[];
  error?: string;
}

export interface MigrationReport {
  catalog: string[];
  shared: string[];
  tenants: TenantMigrationResult[];
  skipped: number;
  failed: number;
}

/**
 * Brings the catalog, the shared schema and every SCHEMA/DATABASE placement to the latest migration.
 * Tenants already at the latest are skipped from one catalog query (no connection each); a failing
 * tenant is reported and the run goes on; the catalog records each tenant's version, so a rerun
 * resumes where the last one stopped.
 */
export async function migrateAll(
  deps: { central: MikroORM; owner: OwnerAccess; servers: ServerRegistry; catalogMigrations: MigrationClass[]; migrator: PlacementMigrator },
  onProgress: (result: TenantMigrationResult, done: number, total: number) => void = () => undefined,
): Promise<MigrationReport> {
  const { central, owner, servers, migrator } = deps;
  const catalog = await applyMigrations(central, 'catalog', deps.catalogMigrations);
  for (const server of servers.names) {
    await owner.run(server, undefined, (orm) => ensureRuntimeRole(orm, servers.runtimeRole));
  }
  const shared = await migrator.migrate(central, SHARED_SCHEMA);
  const em = central.em.fork();
  await em.nativeUpdate(Tenant, { isolation: Isolation.SHARED, status: { $ne: TenantStatus.PROVISIONING } }, { migrationVersion: migrator.latest });

  const pending = await em.find(
    Tenant,
    { isolation: { $ne: Isolation.SHARED }, status: { $ne: TenantStatus.PROVISIONING }, $or: [{ migrationVersion: null }, { migrationVersion: { $ne: migrator.latest } }] },
    { orderBy: { slug: 'asc' } },
  );
  const total = await em.count(Tenant, { isolation: { $ne: Isolation.SHARED }, status: { $ne: TenantStatus.PROVISIONING } });
  const tenants: TenantMigrationResult[] = [];
  for (const tenant of pending) {
    const result: TenantMigrationResult = { slug: tenant.slug, isolation: tenant.isolation, applied: [] };
    try {
      result.applied = await owner.run(tenant.serverName, tenant.databaseName, (orm) => migrator.migrate(orm, tenant.schemaName));
      await em.nativeUpdate(Tenant, { id: tenant.id }, { migrationVersion: migrator.latest });
    } catch (error) {
      result.error = error instanceof Error ? error.message : String(error);
    }
    tenants.push(result);
    onProgress(result, tenants.length, pending.length);
  }
  return { catalog, shared, tenants, skipped: total - pending.length, failed: tenants.filter((t) => t.error).length };
}
