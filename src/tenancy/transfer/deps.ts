import type { MikroORM } from '@mikro-orm/core';
import { databaseFault } from '../../db/faults';
import { failureReason } from '../../db/failure-reason';
import { DomainError, NotFoundError, UnavailableError } from '../../errors';
import { Tenant, type Isolation, type TenantStatus } from '../catalog';
import type { IsolationStrategy, PlacementMigrator } from '../isolation/strategy';
import type { OwnerAccess } from '../owner-access';
import type { Placement } from '../placement';
import type { PoolRegistry } from '../pools';
import type { TenantProvisioner } from '../provisioning';
import type { CachedTenantStore } from '../resolution/tenant-store';
import type { ServerRegistry } from '../servers';
import type { ModePlacement } from './claims';

/** What export, import and move need from the tenancy core. */
export interface TransferDeps {
  central: MikroORM;
  owner: OwnerAccess;
  servers: ServerRegistry;
  pools: PoolRegistry;
  store: CachedTenantStore;
  strategies: Record<Isolation, IsolationStrategy>;
  migrator: PlacementMigrator;
  provisioner: TenantProvisioner;
}

/** Progress of a long transfer: one event per table and phase. */
export interface TransferProgress {
  phase: 'export' | 'import' | 'copy' | 'catch-up' | 'hold';
  table: string;
  /** Rows written (or, in later move phases, rows that changed since the previous pass). */
  rows: number;
  /** Tables in this phase. */
  tables: number;
}

/**
 * A failure to reach database server `server` (down, refusing connections, or gone mid-way: the
 * connection reset, closed or terminated) as SERVICE_UNAVAILABLE saying so, why, and `outcome`
 * (what was left of the work); any other error is returned as it is.
 */
export function unreachableServer(error: unknown, server: string, outcome: string): unknown {
  if (error instanceof DomainError || databaseFault(error)?.code !== 'SERVICE_UNAVAILABLE') return error;
  // The query builder puts the statement before the driver's reason (`<sql> - <reason>`).
  const why = failureReason(error).split(' - ').pop();
  return new UnavailableError('SERVICE_UNAVAILABLE', `Database server "${server}" could not be reached (${why}); ${outcome}`);
}

/** The SQL state of a statement PostgreSQL refused, read from the error or the driver's error it wraps. */
export function sqlState(error: unknown): string | undefined {
  const { code, cause } = (error ?? {}) as { code?: unknown; cause?: { code?: unknown } };
  const state = code ?? cause?.code;
  return typeof state === 'string' ? state : undefined;
}

/** The catalog entry of `slug` in one of `statuses`, or NOT_FOUND. */
export async function findEntry(deps: Pick<TransferDeps, 'central'>, slug: string, statuses: TenantStatus[]): Promise<Tenant> {
  const tenant = await deps.central.em.fork().findOne(Tenant, { slug, status: { $in: statuses } });
  if (!tenant) throw NotFoundError.forEntity('Hospital', slug);
  return tenant;
}

/** A catalog entry's placement and mode. */
export function placementOf(tenant: Tenant): ModePlacement {
  return { isolation: tenant.isolation, server: tenant.serverName, database: tenant.databaseName, schema: tenant.schemaName };
}

/** True when two placements name the same server, database and schema. */
export function samePlacement(a: Placement, b: Placement): boolean {
  return a.server === b.server && a.database === b.database && a.schema === b.schema;
}

/** Runs `fn` with owner connections to the databases of two placements at once. */
export function withOwners<T>(deps: Pick<TransferDeps, 'owner'>, a: Placement, b: Placement, fn: (a: MikroORM, b: MikroORM) => Promise<T>): Promise<T> {
  return deps.owner.run(a.server, a.database, (ormA) => deps.owner.run(b.server, b.database, (ormB) => fn(ormA, ormB)));
}

/** The migrations applied to a placement, in the order this deployment applies them. */
export function placementMigrations(deps: Pick<TransferDeps, 'migrator'>, applied: string[]): string[] {
  const known = deps.migrator.names;
  return [...applied].sort((a, b) => rank(known, a) - rank(known, b) || a.localeCompare(b));
}

function rank(known: string[], name: string): number {
  const i = known.indexOf(name);
  return i === -1 ? Number.MAX_SAFE_INTEGER : i;
}
