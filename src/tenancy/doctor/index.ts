import type { MikroORM } from '@mikro-orm/core';
import { randomBytes } from 'node:crypto';
import { Isolation, Tenant, TenantStatus } from '../catalog';
import type { PlacementMigrator } from '../isolation/strategy';
import { applyMigrations, type MigrationClass } from '../migrations/runner';
import { failureReason } from '../../db/failure-reason';
import type { OwnerAccess } from '../owner-access';
import { MAIN_SERVER, quoteIdent, SHARED_SCHEMA, type Placement } from '../placement';
import { grantRuntimeAccess } from '../runtime-role';
import { compare, FIX_ORDER, type Problem } from './compare';
import { snapshot, type SchemaShape } from './snapshot';

export type { Problem } from './compare';

/** What the doctor found in one placement, what it repaired, and what is still wrong. */
export interface PlacementReport {
  /** A hospital's slug, or `(shared)` for the shared schema. */
  label: string;
  placement: Placement;
  problems: Problem[];
  fixed: Problem[];
  /** Problems still present after the repairs (with --fix), or all of them (without). */
  remaining: Problem[];
  /** Repairs that failed, with the database's reason. */
  failures: string[];
}

export interface DoctorOptions {
  tenant?: string;
  fix?: boolean;
  /** Called once with the number of placements, then after each one. */
  onStart?: (total: number) => void;
  onPlacement?: (report: PlacementReport) => void;
}

export interface DoctorDeps {
  central: MikroORM;
  owner: OwnerAccess;
  migrator: PlacementMigrator;
  migrations: MigrationClass[];
  mainDatabase: string;
  runtimeRole: string;
}

/**
 * Checks placements against a reference built by applying the tenant migrations to a scratch schema
 * (so "what the latest migration defines" is PostgreSQL's own description of it), and with `fix`
 * repairs what is safe to repair. Every placement: the shared schema and each SCHEMA/DATABASE
 * hospital, or the one placement of `tenant`. A placement that cannot be reached is reported as a
 * problem and the others are still checked.
 */
export async function runDoctor(deps: DoctorDeps, options: DoctorOptions = {}): Promise<PlacementReport[]> {
  const targets = await placements(deps.central, deps.mainDatabase, options.tenant);
  const reference = await referenceShape(deps);
  options.onStart?.(targets.length);
  const reports: PlacementReport[] = [];
  for (const target of targets) {
    const report = await checkPlacement(deps, reference, target, Boolean(options.fix)).catch((error: unknown) => unreachable(target, error));
    reports.push(report);
    options.onPlacement?.(report);
  }
  return reports;
}

async function placements(central: MikroORM, mainDatabase: string, slug?: string): Promise<{ label: string; placement: Placement }[]> {
  const em = central.em.fork();
  const where = slug ? { slug, status: { $ne: TenantStatus.PROVISIONING } } : { isolation: { $ne: Isolation.SHARED }, status: { $ne: TenantStatus.PROVISIONING } };
  const tenants = await em.find(Tenant, where, { orderBy: { slug: 'asc' } });
  if (slug && tenants.length === 0) return [];
  const shared = { label: '(shared)', placement: { server: MAIN_SERVER, database: mainDatabase, schema: SHARED_SCHEMA } };
  const own = tenants.filter((t) => t.isolation !== Isolation.SHARED).map((t) => ({ label: t.slug, placement: { server: t.serverName, database: t.databaseName, schema: t.schemaName } }));
  return slug ? (tenants[0]!.isolation === Isolation.SHARED ? [{ ...shared, label: `${slug} (shared)` }] : own) : [shared, ...own];
}

async function referenceShape(deps: DoctorDeps): Promise<SchemaShape> {
  const schema = `sovereign_doctor_${randomBytes(4).toString('hex')}`;
  try {
    await applyMigrations(deps.central, schema, deps.migrations);
    await grantRuntimeAccess(deps.central, schema, deps.runtimeRole);
    return await snapshot(deps.central, schema, deps.runtimeRole);
  } finally {
    await deps.central.em.fork().getConnection().execute(`drop schema if exists ${quoteIdent(schema)} cascade`);
  }
}

/** A placement that could not be checked (its server unreachable or not configured): one problem, nothing repaired. */
function unreachable(target: { label: string; placement: Placement }, error: unknown): PlacementReport {
  const problems: Problem[] = [{ code: 'unreachable', message: `UNREACHABLE: ${failureReason(error)}` }];
  return { ...target, problems, fixed: [], remaining: problems, failures: [] };
}

async function checkPlacement(deps: DoctorDeps, reference: SchemaShape, target: { label: string; placement: Placement }, fix: boolean): Promise<PlacementReport> {
  const { placement } = target;
  return deps.owner.run(placement.server, placement.database, async (orm) => {
    const problems = compare(reference, await snapshot(orm, placement.schema, deps.runtimeRole), deps.runtimeRole);
    const report: PlacementReport = { ...target, problems, fixed: [], remaining: problems, failures: [] };
    if (!fix || problems.every((p) => !p.fix)) return report;
    let current = problems;
    if (current.some((p) => p.fix?.stage === 'migrate')) {
      // Unapplied migrations first; what they create is then no longer missing.
      await deps.migrator.migrate(orm, placement.schema).catch((e: Error) => report.failures.push(`migrate: ${e.message}`));
      current = compare(reference, await snapshot(orm, placement.schema, deps.runtimeRole), deps.runtimeRole);
    }
    await repair(orm, placement.schema, current, deps, report.failures);
    report.remaining = compare(reference, await snapshot(orm, placement.schema, deps.runtimeRole), deps.runtimeRole);
    const still = new Set(report.remaining.map((p) => p.message));
    report.fixed = problems.filter((p) => p.fix && !still.has(p.message));
    return report;
  });
}

async function repair(orm: MikroORM, schema: string, problems: Problem[], deps: DoctorDeps, failures: string[]): Promise<void> {
  for (const stage of FIX_ORDER) {
    const due = problems.filter((p) => p.fix?.stage === stage);
    if (due.length === 0) continue;
    if (stage === 'migrate') continue;
    if (stage === 'grant') {
      await grantRuntimeAccess(orm, schema, deps.runtimeRole).catch((e: Error) => failures.push(`grant: ${e.message}`));
      continue;
    }
    for (const problem of due) {
      try {
        await orm.em.fork().transactional(async (em) => {
          const trx = em.getTransactionContext();
          await em.getConnection().execute(`set local search_path to ${quoteIdent(schema)}`, [], 'run', trx);
          for (const sql of problem.fix!.sql) await em.getConnection().execute(sql, [], 'run', trx);
        });
      } catch (error) {
        failures.push(`${problem.message}: ${error instanceof Error ? error.message.split('\n').pop() : String(error)}`);
      }
    }
  }
}
