import { MikroORM } from '@mikro-orm/core';
import type { EntityManager, PostgreSqlDriver } from '@mikro-orm/postgresql';
import type { Config } from '../config';
import { TenantError } from '../errors';
import { Isolation, TenantStatus } from './catalog';
import { DatabaseIsolation } from './isolation/database';
import { SchemaIsolation } from './isolation/schema';
import { SharedIsolation } from './isolation/shared';
import { PlacementMigrator, type IsolationStrategy } from './isolation/strategy';
import { runDoctor, type DoctorOptions, type PlacementReport } from './doctor';
import { TenantLifecycle } from './lifecycle';
import type { SessionOptions } from './tenant-session';
import { migrateAll, migrationStatus, type MigrateOptions, type MigrationReport, type TenantMigrationResult } from './migrate';
import type { MigrationClass } from './migrations/runner';
import { centralOrmOptions } from './orm-options';
import { MAIN_SERVER } from './placement';
import { OwnerAccess } from './owner-access';
import { PoolRegistry } from './pools';
import { TenantProvisioner } from './provisioning';
import { TenantResolver } from './resolution/resolver';
import { localBus, openInvalidationBus, type InvalidationBus } from './resolution/invalidation';
import { CachedTenantStore, CatalogTenantStore } from './resolution/tenant-store';
import { ServerRegistry } from './servers';
import { SpareKeeper, type KeeperTiming } from './spares/keeper';
import { SpareSchemas } from './spares/stock';
import type { TenantRecord } from './tenant-record';
import { runApart, TenantSession } from './tenant-session';
import { TenantTransfer } from './transfer';
import { samePlacement } from './transfer/deps';

export interface TenancyOptions {
  config: Pick<Config, 'extraServers' | 'appRole' | 'pools' | 'baseDomain' | 'tenantRetentionDays'>;
  databaseUrl: string;
  tenantEntities: (abstract new (...args: never[]) => object)[];
  catalogMigrations: MigrationClass[];
  tenantMigrations: MigrationClass[];
}

/**
 * The tenancy core, assembled: catalog (central ORM, owner credentials), runtime pools, resolution,
 * provisioning and migrations. Knows nothing of HTTP or GraphQL.
 */
export class Tenancy {
  readonly owner: OwnerAccess;
  readonly pools: PoolRegistry;
  readonly store: CachedTenantStore;
  readonly resolver: TenantResolver;
  readonly provisioner: TenantProvisioner;
  readonly lifecycle: TenantLifecycle;
  readonly strategies: Record<Isolation, IsolationStrategy>;
  readonly migrator: PlacementMigrator;
  /** Export, import and moving live hospitals between modes and servers. */
  readonly transfer: TenantTransfer;
  /** Spare SCHEMA placements migrated ahead of time; SCHEMA provisioning renames one when ready. */
  readonly spares: SpareSchemas;
  private keeper: SpareKeeper | undefined;
  private bus: InvalidationBus = localBus;
  /** Told when the connection that hears catalog changes is lost, and when it listens again (the gateway logs both). */
  onCatalogBus: (event: 'lost' | 'back') => void = () => undefined;

  private constructor(
    readonly central: MikroORM<PostgreSqlDriver>,
    readonly servers: ServerRegistry,
    private readonly options: TenancyOptions,
  ) {
    const { config } = options;
    this.owner = new OwnerAccess(central, servers, config.pools.connectTimeoutMs);
    this.pools = new PoolRegistry(servers, options.tenantEntities, config.pools);
    this.store = new CachedTenantStore(new CatalogTenantStore(central));
    this.resolver = new TenantResolver(this.store, config.baseDomain);
    this.migrator = new PlacementMigrator(options.tenantMigrations, config.appRole.name);
    this.spares = new SpareSchemas(central, this.migrator);
    this.strategies = {
      [Isolation.SHARED]: new SharedIsolation(this.owner),
      [Isolation.SCHEMA]: new SchemaIsolation(this.owner, this.migrator, this.spares),
      [Isolation.DATABASE]: new DatabaseIsolation(this.owner, this.migrator, this.pools, config.appRole.name),
    };
    this.provisioner = new TenantProvisioner({
      central,
      servers,
      pools: this.pools,
      store: this.store,
      strategies: this.strategies,
      baseDomain: config.baseDomain,
      latestMigration: this.migrator.latest,
    });
    this.transfer = new TenantTransfer({
      central,
      owner: this.owner,
      servers,
      pools: this.pools,
      store: this.store,
      strategies: this.strategies,
      migrator: this.migrator,
      provisioner: this.provisioner,
    });
    this.lifecycle = new TenantLifecycle({
      central,
      pools: this.pools,
      store: this.store,
      strategies: this.strategies,
      retentionDays: config.tenantRetentionDays,
      catalogUrl: servers.ownerUrl(MAIN_SERVER),
      moves: this.transfer,
    });
  }

  /**
   * A request's session in `tenant`, re-routed through the catalog if the hospital has moved; see
   * SessionOptions for what it reports on opening and the deadline it keeps.
   */
  session(tenant: TenantRecord, options: SessionOptions = {}): TenantSession {
    return new TenantSession(tenant, this.pools, this.relocate, options);
  }

  /**
   * Runs `fn` in `tenant` as a transaction of its own (runApart), re-routed like a request's session
   * if the hospital has moved since `tenant` was resolved: a request's work apart from its own
   * transaction (audit entries of a rolled-back attempt, sign-in counting) follows a move as it does,
   * and is not lost to the connection its request's transaction lost.
   */
  run<T>(tenant: TenantRecord, fn: (em: EntityManager) => Promise<T>): Promise<T> {
    return runApart(this.pools, tenant, fn, this.relocate);
  }

  /**
   * Where a hospital lives now, read from the catalog past the cache, when a session could not open at
   * the placement it was resolved to; null when the placement is unchanged. A hospital that has since
   * been suspended or deleted is refused like at resolution.
   */
  readonly relocate = async (stale: TenantRecord): Promise<TenantRecord | null> => {
    this.store.invalidate(stale.id);
    const fresh = await this.store.byId(stale.id);
    if (fresh && samePlacement(fresh.placement, stale.placement)) return null;
    if (fresh?.status === TenantStatus.SUSPENDED) throw TenantError.suspended();
    if (fresh?.status !== TenantStatus.ACTIVE) throw TenantError.notFound();
    if (stale.isolation === Isolation.DATABASE) await this.pools.evict(stale.placement);
    return fresh;
  };

  static async open(options: TenancyOptions): Promise<Tenancy> {
    const servers = new ServerRegistry(options.databaseUrl, options.config.extraServers, options.config.appRole);
    const central = await MikroORM.init(centralOrmOptions(options.databaseUrl, options.config.pools.size, options.config.pools.connectTimeoutMs));
    try {
      await central.em.fork().getConnection().execute('select 1'); // init does not fail on an unreachable server
    } catch (error) {
      await central.close(true);
      throw error;
    }
    const tenancy = new Tenancy(central, servers, options);
    try {
      tenancy.bus = await openInvalidationBus(
        { central, databaseUrl: options.databaseUrl },
        {
          onMessage: (id) => tenancy.store.dropLocal(id),
          onLost: () => tenancy.onCatalogBus('lost'),
          onReconnect: () => (tenancy.store.clear(), tenancy.onCatalogBus('back')),
        },
      );
    } catch (error) {
      await central.close(true); // start-up retries: leave nothing open behind
      throw error;
    }
    tenancy.store.useBus(tenancy.bus);
    return tenancy;
  }

  /**
   * Catalog, shared schema and every placement (or one hospital's) to the latest migration, recording
   * per-hospital state so a failed run resumes (see migrateAll). A function is taken as `onProgress`.
   */
  migrate(options: MigrateOptions | ((result: TenantMigrationResult, done: number, total: number) => void) = {}): Promise<MigrationReport> {
    return migrateAll(
      { central: this.central, owner: this.owner, servers: this.servers, catalogMigrations: this.options.catalogMigrations, migrator: this.migrator },
      typeof options === 'function' ? { onProgress: options } : options,
    );
  }

  /**
   * Checks every placement (or one hospital's) against what the tenant migrations define: tables and
   * columns, row-level security and its policies, triggers, the runtime role's grants; with `fix`,
   * repairs what is safe to repair (see runDoctor).
   */
  doctor(options: DoctorOptions = {}): Promise<PlacementReport[]> {
    return runDoctor(
      { central: this.central, owner: this.owner, migrator: this.migrator, migrations: this.options.tenantMigrations, mainDatabase: this.servers.mainDatabase, runtimeRole: this.servers.runtimeRole.name },
      options,
    );
  }

  /**
   * Keeps `count` spare SCHEMA placements ready in the background (the gateway does; a CLI command
   * only claims them). Errors go to `onError`, never to a request.
   * Returns the keeper (tests and benchmarks wait on `idle()`).
   */
  keepSpareSchemas(count: number, onError: (error: unknown, during: 'claim' | 'top-up') => void, timing?: KeeperTiming): SpareKeeper {
    if (this.keeper) throw new Error('the spare schemas already have a keeper');
    this.spares.onClaimFailed = (error) => onError(error, 'claim');
    this.keeper = new SpareKeeper(this.spares, count, (error) => onError(error, 'top-up'), timing);
    this.keeper.start();
    return this.keeper;
  }

  /** The keeper started by keepSpareSchemas, if any. */
  get spareKeeper(): SpareKeeper | undefined {
    return this.keeper;
  }

  /** Hospitals behind the latest tenant migration or whose last attempt failed. */
  migrationStatus() {
    return migrationStatus(this.central, this.migrator.latest);
  }

  /** Name of the latest tenant migration. */
  get latestTenantMigration(): string {
    return this.migrator.latest;
  }

  /** The tenant migrations in order (the doctor builds its reference placement from them). */
  get tenantMigrations(): MigrationClass[] {
    return this.options.tenantMigrations;
  }

  /** True when the catalog database answers, within the connect timeout (a server that says nothing is not ready). */
  async isReady(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const answered = this.central.em.fork().getConnection().execute('select 1').then(() => true, () => false);
    const silent = new Promise<boolean>((resolve) => (timer = setTimeout(resolve, this.options.config.pools.connectTimeoutMs, false)));
    try {
      return await Promise.race([answered, silent]);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    await this.keeper?.stop();
    await this.bus.close();
    await this.pools.closeAll();
    await this.central.close(true);
  }
}

export type { TenantRecord, TenantDetails } from './tenant-record';
export type { Placement } from './placement';
export type { PlacementReport, Problem } from './doctor';
export { TenantSession, TenantSessionEndedError, runInTenant, type OnEnter, type SessionOptions } from './tenant-session';
export type { RequestEntry, SignedIn } from './placement-hold';
export { Isolation, Plan, SERVING, TenantStatus } from './catalog';
export { lockTenantScope } from './tenant-lock';
export { firstPerKey, latestRowsSql, newestFirst, newestRows, type FirstPerKeyQuery, type LatestPerKeyQuery } from './first-per-key';
export { PlacementSql, type SqlFragment } from './placement-sql';
export { detach, findDetached, joinedRelation, type DetachedFindOptions } from './detached';
export { fullTextRank } from './full-text';
