import { existsSync } from 'node:fs';
import { BadInputError } from '../../errors';
import { SERVING, TenantStatus } from '../catalog';
import { MIGRATIONS_TABLE } from '../migrations/runner';
import { quoteIdent } from '../placement';
import { ArchiveWriter } from './archive';
import { findEntry, placementMigrations, placementOf, unreachableServer, type TransferDeps, type TransferProgress } from './deps';
import { ARCHIVE_FORMAT, ARCHIVE_FORMAT_VERSION, type ArchiveManifest } from './manifest';
import { PlacementIo } from './placement-io';
import { summariseAll } from './sync';

/**
 * Writes one hospital's data to a portable archive (see archive.ts), whatever its isolation mode.
 * Reads one consistent snapshot of the live hospital (REPEATABLE READ), so it keeps serving; counts
 * and checksums in the manifest are those of that snapshot. A deleted hospital still in its retention
 * period can be exported too.
 */
export async function exportTenant(deps: TransferDeps, slug: string, file: string, onProgress: (p: TransferProgress) => void = () => undefined): Promise<ArchiveManifest> {
  if (existsSync(file)) throw BadInputError.forFields({ file: 'already exists; choose a new file name' });
  const tenant = await findEntry(deps, slug, [...SERVING, TenantStatus.DELETED]);
  const placement = placementOf(tenant);
  const writer = await ArchiveWriter.open(file);
  try {
    return await deps.owner.run(placement.server, placement.database, async (orm) => {
      const io = await PlacementIo.open(orm, placement, tenant.id, { snapshot: true });
      try {
        const tables = await io.tables();
        const applied = await io.tx.all<{ name: string }>(`select name from ${quoteIdent(placement.schema)}.${MIGRATIONS_TABLE}`);
        const migrations = placementMigrations(deps, applied.map((r) => r.name));
        const summaries = await summariseAll(io, tables);
        const manifest: ArchiveManifest = {
          format: ARCHIVE_FORMAT,
          formatVersion: ARCHIVE_FORMAT_VERSION,
          createdAt: new Date().toISOString(),
          hospital: {
            id: tenant.id,
            slug: tenant.slug,
            name: tenant.name,
            plan: tenant.plan,
            trialEndsAt: tenant.trialEndsAt?.toISOString() ?? null,
            isolation: tenant.isolation,
            contactEmail: tenant.contactEmail,
            contactPhone: tenant.contactPhone,
            address: tenant.address,
            maxUsers: tenant.maxUsers,
            maxAssets: tenant.maxAssets,
          },
          migrationVersion: migrations[migrations.length - 1] ?? '',
          migrations,
          tables: tables.map((t, i) => ({ ...summaries[i]!, columns: t.columns })),
        };
        await writer.manifest(manifest);
        for (const [i, table] of tables.entries()) {
          await writer.table(table.name, summaries[i]!.rows);
          for await (const batch of io.rows(table)) for (const row of batch) await writer.row(row);
          onProgress({ phase: 'export', table: table.name, rows: summaries[i]!.rows, tables: tables.length });
        }
        await writer.finish();
        return manifest;
      } finally {
        await io.rollback();
      }
    });
  } catch (error) {
    await writer.abort();
    throw unreachableServer(error, placement.server, `no archive of "${slug}" was written; try again once it answers`);
  }
}
