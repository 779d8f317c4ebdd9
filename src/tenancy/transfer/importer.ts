import type { MikroORM } from '@mikro-orm/core';
import { BadInputError, ConflictError } from '../../errors';
import { Isolation } from '../catalog';
import { derivePlacement, type Placement } from '../placement';
import type { TenantRecord } from '../tenant-record';
import { ArchiveFormatError, readManifest, readRows } from './archive';
import { sqlState, withOwners, type TransferDeps, type TransferProgress } from './deps';
import type { ArchiveManifest } from './manifest';
import { PlacementIo } from './placement-io';
import { assertSameSummaries, summariseAll, syncPlacements, TransferMismatchError } from './sync';
import { shapeMismatch } from './tables';

/**
 * Bearer credentials of the hospital an archive came from: sign-in sessions (its refresh tokens) and
 * API keys. A copy is another hospital, so it honours none of them: they arrive revoked (kept, not
 * dropped, so the copy's ADMIN sees which keys integrations used and can issue new ones under their
 * names). Passwords and second factors stay: the same people sign in to the copy. Access tokens need
 * nothing: they name the hospital's id, and a copy has a new one.
 */
const CREDENTIAL_TABLES = ['auth_sessions', 'api_keys'];

/** Where and as what to restore an archive. */
export interface ImportOptions {
  slug: string;
  isolation: Isolation;
  /** DATABASE only: the named server. */
  server?: string;
  /** Default: the name in the archive. */
  name?: string;
  onProgress?: (p: TransferProgress) => void;
}

/**
 * Restores an archive as a NEW hospital (new slug, new tenant id: every row's tenant_id is rewritten
 * on load) in any isolation mode, through provisioning's all-or-nothing path: the placement is created
 * at the archive's migration version, loaded in one transaction, verified against the manifest's
 * counts and checksums, its credentials revoked, brought to the latest migration, and only then
 * activated. Any failure leaves nothing behind. A SHARED hospital from an older archive is staged in
 * a schema of its own first (the shared schema is always at the latest migration), then copied in.
 */
export async function importTenant(deps: TransferDeps, file: string, options: ImportOptions): Promise<TenantRecord> {
  const manifest = await readManifest(file).catch(rethrowAsInput);
  const upTo = checkVersion(deps, manifest);
  const { hospital } = manifest;
  const input = {
    slug: options.slug,
    name: options.name ?? hospital.name,
    isolation: options.isolation,
    plan: hospital.plan,
    server: options.server,
    // Checked as a new hospital's are (Provisioner.check): an archive's text is input like any other.
    contactEmail: hospital.contactEmail,
    contactPhone: hospital.contactPhone,
    address: hospital.address,
    maxUsers: hospital.maxUsers,
    maxAssets: hospital.maxAssets,
  };
  const latest = deps.migrator.latest;
  const trialEnd = hospital.trialEndsAt;
  return deps.provisioner.create(input, {
    // The copy keeps the one trial the hospital had: importing is no way to a new one.
    trialEndsAt: trialEnd === undefined ? undefined : trialEnd === null ? null : new Date(trialEnd),
    placement: async (tenant, placement) => {
      if (options.isolation !== Isolation.SHARED || upTo === latest) {
        await deps.strategies[options.isolation].create(placement, upTo);
        await load(deps, file, manifest, placement, tenant.id, options.onProgress);
        if (upTo !== latest) await deps.owner.run(placement.server, placement.database, (orm) => deps.migrator.migrate(orm, placement.schema));
        return;
      }
      const staging = derivePlacement(Isolation.SCHEMA, tenant.id, deps.servers.mainDatabase);
      try {
        await deps.strategies[Isolation.SCHEMA].create(staging, upTo);
        await load(deps, file, manifest, staging, tenant.id, options.onProgress);
        await deps.owner.run(staging.server, staging.database, (orm) => deps.migrator.migrate(orm, staging.schema));
        await withOwners(deps, staging, placement, (from, to) => copyVerified(from, to, staging, placement, tenant.id));
      } finally {
        await deps.strategies[Isolation.SCHEMA].destroy(staging, tenant.id);
      }
    },
  }).catch(rethrowAsInput);
}

/** The archive's migrations must be a prefix of this deployment's; returns the version to create at. */
function checkVersion(deps: TransferDeps, manifest: ArchiveManifest): string {
  const known = deps.migrator.names;
  if (manifest.migrations.length === 0 || manifest.migrations.some((m, i) => known[i] !== m)) {
    throw BadInputError.forFields({ file: `was written at migration ${manifest.migrationVersion || '(none)'}, which this version does not know; upgrade first` });
  }
  return manifest.migrationVersion;
}

async function load(deps: TransferDeps, file: string, manifest: ArchiveManifest, placement: Placement, tenantId: string, onProgress?: (p: TransferProgress) => void): Promise<void> {
  await deps.owner.run(placement.server, placement.database, async (orm) => {
    const io = await PlacementIo.open(orm, placement, tenantId);
    try {
      const tables = await io.tables();
      const mismatch = shapeMismatch(tables, manifest.tables.map((t) => ({ name: t.table, columns: t.columns })));
      if (mismatch) throw new ArchiveFormatError(`its tables do not match migration ${manifest.migrationVersion}: ${mismatch}`);
      const byName = new Map(tables.map((t) => [t.name, t]));
      const pending = manifest.tables.map((t) => t.table);
      const loaded = new Map<string, number>();
      const reportUntil = (table?: string) => {
        while (pending.length > 0 && pending[0] !== table) {
          const done = pending.shift()!;
          onProgress?.({ phase: 'import', table: done, rows: loaded.get(done) ?? 0, tables: tables.length });
        }
      };
      for await (const { table, rows } of readRows(file)) {
        reportUntil(table);
        await io.insert(byName.get(table)!, rows).catch((error: unknown) => asConflict(error, table));
        loaded.set(table, (loaded.get(table) ?? 0) + rows.length);
      }
      reportUntil();
      assertSameSummaries(manifest.tables, await summariseAll(io, tables));
      for (const table of tables.filter((t) => CREDENTIAL_TABLES.includes(t.name))) await io.revokeAll(table);
      await io.advanceSequences(tables);
      await io.commit();
    } catch (error) {
      await io.rollback();
      throw error;
    }
  });
}

/** Copies a hospital between two placements (the target empty), verifies, and commits. */
async function copyVerified(fromOrm: MikroORM, toOrm: MikroORM, from: Placement, to: Placement, tenantId: string): Promise<void> {
  const source = await PlacementIo.open(fromOrm, from, tenantId, { snapshot: true });
  const target = await PlacementIo.open(toOrm, to, tenantId);
  try {
    const tables = await source.tables();
    await syncPlacements(source, target, tables).catch(asConflict);
    assertSameSummaries(await summariseAll(source, tables), await summariseAll(target, tables));
    await target.commit();
  } catch (error) {
    await target.rollback();
    throw error;
  } finally {
    await source.rollback();
  }
}

/**
 * Row ids are kept: in the shared pool they collide while the hospital they came from is still there.
 * A row PostgreSQL cannot load (not JSON, a value its column cannot hold, a required value missing)
 * was damaged or altered after export.
 */
function asConflict(error: unknown, table?: string): never {
  const code = sqlState(error);
  if (code === '23505') throw ConflictError.because('Rows of this archive already exist in the shared pool (is the hospital it came from still there?); import it into its own SCHEMA or DATABASE instead');
  if (table !== undefined && (code?.startsWith('22') || code === '23502' || code === '23514')) {
    throw new ArchiveFormatError(`table ${table} has a row this version cannot load (SQLSTATE ${code})`);
  }
  throw error;
}

function rethrowAsInput(error: unknown): never {
  if (error instanceof ArchiveFormatError) throw BadInputError.forFields({ file: error.message });
  if (error instanceof TransferMismatchError) throw BadInputError.forFields({ file: `its rows do not match its manifest (${error.tables.join(', ')})` });
  if ((error as { code?: string }).code === 'ENOENT') throw BadInputError.forFields({ file: 'does not exist' });
  if ((error as { code?: string }).code === 'EISDIR') throw BadInputError.forFields({ file: 'is a directory, not an archive' });
  throw error;
}
