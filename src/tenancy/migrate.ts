import type { MikroORM } from '@mikro-orm/core';
import pLimit from 'p-limit';
import { NotFoundError } from '../errors';
import { Isolation, MigrationRun, Tenant, TenantMigrationState, TenantStatus } from './catalog';
import { PlacementMigrator } from './isolation/strategy';
import { applyMigrations, type MigrationClass } from './migrations/runner';
import type { OwnerAccess } from './owner-access';
import { MAIN_SERVER, SHARED_SCHEMA } from './placement';
import { SessionLock } from './session-lock';
import { ensureRuntimeRole, RuntimeRoleTakenError } from './runtime-role';
import type { ServerRegistry } from './servers';

export interface TenantMigrationResult {
  slug: string;
  isolation: Isolation;
  applied: string[];
  error?: string;
}

/** What a run picked up from the one before it, when that one did not finish cleanly. */
export interface ResumeInfo {
  runId: string;
  status: MigrationRun['status'];
  /** Hospitals that failed (or were cut off mid-way) last time and are tried again now. */
  retried: number;
}

export interface MigrationReport {
  /** The run recorded in the catalog (null when there was nothing to do). */
  runId: string | null;
  resumed: ResumeInfo | null;
  catalog: string[];
  shared: string[];
  tenants: TenantMigrationResult[];
  skipped: number;
  /** Hospitals that failed, those on an unusable server included. */
  failed: number;
  /** Database servers (other than main) where the runtime role could not be set up: their hospitals were not tried. */
  serverFailures: { server: string; error: string }[];
}

export interface MigrateOptions {
  /** Only this hospital's placement (after the catalog, and the shared schema when it is SHARED). */
  tenant?: string;
  /** Placements migrated at the same time (default 1). */
  concurrency?: number;
  onProgress?: (result: TenantMigrationResult, done: number, total: number) => void;
  /** Called when another run is under way: this one waits for it to end, then does what is left. */
  onWaiting?: () => void;
  /** Called once the run is recorded; `interrupt` records it INTERRUPTED now (a process about to stop). */
  onRun?: (run: { id: string; interrupt(): Promise<void> }) => void;
}

export interface MigrateDeps {
  central: MikroORM;
  owner: OwnerAccess;
  servers: ServerRegistry;
  catalogMigrations: MigrationClass[];
  migrator: PlacementMigrator;
}

const LIVE = { $nin: [TenantStatus.PROVISIONING] };

/** The SessionLock every run holds from start to end: one run at a time, and a dead run's lock is free. */
const RUN_LOCK = 'sovereign-migrate-run';

/**
 * Brings the catalog, the shared schema and every SCHEMA/DATABASE placement (or one hospital's) to the
 * latest migration. Hospitals already at the latest are skipped from one catalog query (no connection
 * each). Each hospital's state (RUNNING, DONE, FAILED with the error) is recorded in the catalog under
 * a numbered run, whose counts follow each hospital, so a failing hospital is reported while the run
 * goes on, and the next run resumes: it retries what failed or was cut off and picks up what was never
 * reached. A database server that cannot be reached fails only the hospitals placed on it. Runs take
 * turns (RUN_LOCK): one started while another is under way waits for it, then finds what is left.
 */
export async function migrateAll(deps: MigrateDeps, options: MigrateOptions = {}): Promise<MigrationReport> {
  const catalogUrl = deps.servers.ownerUrl(MAIN_SERVER);
  let lock = await SessionLock.take(catalogUrl, RUN_LOCK, { purpose: 'migrate' });
  if (!lock) {
    options.onWaiting?.();
    lock = await SessionLock.take(catalogUrl, RUN_LOCK, { purpose: 'migrate', wait: true });
  }
  try {
    return await migrateAlone(deps, options);
  } finally {
    await lock!.release();
  }
}

async function migrateAlone(deps: MigrateDeps, options: MigrateOptions): Promise<MigrationReport> {
  const { central, migrator } = deps;
  const onProgress = options.onProgress ?? (() => undefined);
  const catalog = await applyMigrations(central, 'catalog', deps.catalogMigrations);
  const serverFailures = await prepareServers(deps);
  const unusable = new Map(serverFailures.map((f) => [f.server, `database server ${f.server}: ${f.error}`]));
  const em = central.em.fork();
  const only = options.tenant ? await em.findOne(Tenant, { slug: options.tenant, status: LIVE }) : null;
  if (options.tenant && !only) throw NotFoundError.forEntity('Hospital', options.tenant);

  let shared: string[] = [];
  if (!only || only.isolation === Isolation.SHARED) {
    shared = await migrator.migrate(central, SHARED_SCHEMA);
    await em.nativeUpdate(Tenant, { isolation: Isolation.SHARED, status: LIVE }, { migrationVersion: migrator.latest });
  }

  const own = { isolation: { $ne: Isolation.SHARED }, status: LIVE };
  const pending = only
    ? only.isolation === Isolation.SHARED ? [] : [only]
    : await em.find(Tenant, { ...own, $or: [{ migrationVersion: null }, { migrationVersion: { $ne: migrator.latest } }] }, { orderBy: { slug: 'asc' } });
  const total = only ? pending.length : await em.count(Tenant, own);
  if (pending.length === 0) return { runId: null, resumed: null, catalog, shared, tenants: [], skipped: total, failed: 0, serverFailures };

  const resumed = await previousRun(em, pending.map((t) => t.id));
  const run = em.create(MigrationRun, { target: migrator.latest, scope: only ? `tenant:${only.slug}` : 'all', total: pending.length } as MigrationRun);
  await em.flush();
  options.onRun?.({ id: run.id, interrupt: () => interruptRun(central, run.id) });
  const tenants: TenantMigrationResult[] = [];
  const limit = pLimit(Math.max(1, Math.min(options.concurrency ?? 1, 64)));
  await Promise.all(
    pending.map((tenant) =>
      limit(async () => {
        const result = await migrateOne(deps, tenant, run, unusable.get(tenant.serverName));
        const counter = result.error ? 'failed' : 'succeeded';
        await em.getConnection().execute(`update catalog.migration_runs set ${counter} = ${counter} + 1 where id = ?`, [run.id]);
        tenants.push(result);
        onProgress(result, tenants.length, pending.length);
      }),
    ),
  );
  const failed = tenants.filter((t) => t.error).length;
  await em.nativeUpdate(MigrationRun, { id: run.id }, {
    status: failed > 0 ? 'FAILED' : 'SUCCEEDED', total: tenants.length, succeeded: tenants.length - failed, failed, finishedAt: new Date(),
  });
  tenants.sort((a, b) => a.slug.localeCompare(b.slug));
  return { runId: run.id, resumed, catalog, shared, tenants, skipped: total - pending.length, failed, serverFailures };
}

/**
 * Sets up the runtime role on every server, one at a time. The main server's failure stops the run
 * (the catalog and the shared schema live there); another server's is returned, and only the
 * hospitals placed on it fail. A role that belongs to another deployment stops the run on any server:
 * a setting to correct, which waiting would not mend.
 */
async function prepareServers({ owner, servers }: MigrateDeps): Promise<{ server: string; error: string }[]> {
  const failures: { server: string; error: string }[] = [];
  for (const server of servers.names) {
    const setup = { role: servers.runtimeRole, deployment: servers.mainDatabase, server, runtimeUrl: servers.runtimeUrl(server) };
    try {
      await owner.run(server, undefined, (orm) => ensureRuntimeRole(orm, setup));
    } catch (error) {
      if (server === MAIN_SERVER || error instanceof RuntimeRoleTakenError) throw error;
      failures.push({ server, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return failures;
}

/** Migrates one hospital's placement; `unusable` is why its server cannot be used (it is then marked FAILED untried). */
async function migrateOne(deps: MigrateDeps, tenant: Tenant, run: MigrationRun, unusable?: string): Promise<TenantMigrationResult> {
  const em = deps.central.em.fork();
  const result: TenantMigrationResult = { slug: tenant.slug, isolation: tenant.isolation, applied: [] };
  if (unusable) {
    result.error = unusable;
    await setState(em, tenant.id, run, 'FAILED', unusable).catch(() => undefined);
    return result;
  }
  await setState(em, tenant.id, run, 'RUNNING', null);
  try {
    result.applied = await deps.owner.run(tenant.serverName, tenant.databaseName, (orm) => deps.migrator.migrate(orm, tenant.schemaName));
    await em.nativeUpdate(Tenant, { id: tenant.id }, { migrationVersion: deps.migrator.latest });
    await setState(em, tenant.id, run, 'DONE', null);
  } catch (error) {
    result.error = error instanceof Error ? error.message : String(error);
    await setState(em, tenant.id, run, 'FAILED', result.error).catch(() => undefined);
  }
  return result;
}

async function setState(em: ReturnType<MikroORM['em']['fork']>, tenantId: string, run: MigrationRun, status: TenantMigrationState['status'], error: string | null): Promise<void> {
  const conn = em.getConnection();
  await conn.execute(
    `insert into catalog.tenant_migration_state (tenant_id, run_id, target, status, error, attempts, updated_at)
     values (?, ?, ?, ?, ?, ?, now())
     on conflict (tenant_id) do update set run_id = excluded.run_id, target = excluded.target, status = excluded.status,
       error = excluded.error, updated_at = now(),
       attempts = tenant_migration_state.attempts + excluded.attempts`,
    [tenantId, run.id, run.target, status, error?.slice(0, 2000) ?? null, status === 'RUNNING' ? 1 : 0],
  );
}

/** Records a run that stops before its end INTERRUPTED, with the counts it reached. */
async function interruptRun(central: MikroORM, runId: string): Promise<void> {
  await central.em.fork().nativeUpdate(MigrationRun, { id: runId, status: 'RUNNING' }, { status: 'INTERRUPTED', finishedAt: new Date() });
}

/**
 * The last run, when it did not succeed. A run still RUNNING is one whose process died (every run
 * holds RUN_LOCK, which this one now has): it becomes INTERRUPTED, keeping the counts it reached.
 */
async function previousRun(em: ReturnType<MikroORM['em']['fork']>, pendingIds: string[]): Promise<ResumeInfo | null> {
  await em.nativeUpdate(MigrationRun, { status: 'RUNNING' }, { status: 'INTERRUPTED', finishedAt: new Date() });
  const [last] = await em.find(MigrationRun, {}, { orderBy: { id: 'desc' }, limit: 1 });
  if (!last || last.status === 'SUCCEEDED') return null;
  const retried = await em.count(TenantMigrationState, { tenantId: { $in: pendingIds }, status: { $in: ['FAILED', 'RUNNING'] } });
  return { runId: last.id, status: last.status, retried };
}

/** Hospitals whose placement is behind, with the state of the last attempt (for `migrate --status`). */
export async function migrationStatus(central: MikroORM, latest: string): Promise<{ slug: string; isolation: Isolation; version: string | null; state: string | null; error: string | null }[]> {
  const rows = (await central.em.fork().getConnection().execute(
    `select t.slug, t.isolation, t.migration_version as version, s.status as state, s.error
       from catalog.tenants t left join catalog.tenant_migration_state s on s.tenant_id = t.id
      where t.status <> 'PROVISIONING' and (t.migration_version is distinct from ? or s.status = 'FAILED')
      order by t.slug`,
    [latest],
  )) as { slug: string; isolation: Isolation; version: string | null; state: string | null; error: string | null }[];
  return rows;
}
