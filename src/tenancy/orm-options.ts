import type { Socket } from 'node:net';
import { ReflectMetadataProvider, type Options } from '@mikro-orm/core';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { FailedBeginCheck } from '../db/failed-begin';
import { oneStatementAtATime } from '../db/one-statement-at-a-time';
import { CATALOG_ENTITIES } from './catalog';
import { RowLevelSecurityBinder, TenantWriteGuard } from './guards';
import { TENANT_FILTER, TenantScoped } from './tenant-scoped';

type EntityClass = abstract new (...args: never[]) => object;

/**
 * What every ORM shares. `connectTimeoutMs`: a new connection not answered within it fails (a server
 * that accepts connections and says nothing would otherwise hold it, and whoever waits on it, for
 * good); `connection`: further settings of each connection (pg's).
 */
function base(clientUrl: string, poolSize: number, connectTimeoutMs?: number, connection: Record<string, unknown> = {}): Options<PostgreSqlDriver> {
  return {
    driver: PostgreSqlDriver,
    clientUrl,
    driverOptions: { connection: { ...(connectTimeoutMs ? { connectionTimeoutMillis: connectTimeoutMs } : {}), ...connection } },
    metadataProvider: ReflectMetadataProvider,
    // No global EntityManager: every use must fork, so nothing runs outside a bound context by accident.
    allowGlobalContext: false,
    ensureDatabase: false,
    forceUtcTimezone: true,
    pool: {
      min: 0,
      max: poolSize,
      idleTimeoutMillis: 30_000,
      // Fields resolved at once send their statements together on a request's one connection.
      afterCreate: (connection: object, done: (error: Error | null, connection: object) => void) => {
        oneStatementAtATime(connection);
        done(null, connection);
      },
    },
    discovery: { warnWhenNoEntities: false },
    debug: false,
    subscribers: [new FailedBeginCheck()],
  };
}

/** Central ORM: catalog entities, owner credentials, main database. */
export function centralOrmOptions(ownerUrl: string, poolSize: number, connectTimeoutMs?: number): Options<PostgreSqlDriver> {
  // Its own context name: MikroORM's transaction context is keyed by it, and a shared name would hand
  // the catalog's transactional EntityManager to tenant code running inside a catalog transaction.
  return { ...base(ownerUrl, poolSize, connectTimeoutMs), entities: [...CATALOG_ENTITIES], contextName: 'central' };
}

/** How a tenant ORM's connections are made and bounded. */
export interface TenantPoolOptions {
  size: number;
  statementTimeoutMs: number;
  /** A new connection not answered within this fails (none when unset). */
  connectTimeoutMs?: number;
  /** Makes each connection's socket (pg's `stream` option), so that the pool can destroy them. */
  stream?: () => Socket;
}

/**
 * A runtime connection's own settings: a statement left unanswered past its statement timeout and the
 * connect timeout again gives up (PostgreSQL itself cancels a statement at its timeout and says so:
 * only a server that says nothing is waited on longer; with no statement timeout configured,
 * statements are not bounded here), and its socket is made by `stream` when given.
 */
function runtimeConnection(pool: TenantPoolOptions): Record<string, unknown> {
  const { connectTimeoutMs, statementTimeoutMs, stream } = pool;
  return {
    ...(connectTimeoutMs && statementTimeoutMs ? { query_timeout: statementTimeoutMs + connectTimeoutMs } : {}),
    ...(stream ? { stream } : {}),
  };
}

/**
 * Tenant ORM for one database: wildcard-schema tenant entities, the default-on tenant filter (throws
 * when a fork has no tenant bound: fail closed), the write guard and the row-level-security binder
 * (which also sets the statement timeout of each transaction).
 */
export function tenantOrmOptions(url: string, entities: EntityClass[], pool: TenantPoolOptions): Options<PostgreSqlDriver> {
  const options = base(url, pool.size, pool.connectTimeoutMs, runtimeConnection(pool));
  return {
    ...options,
    contextName: 'tenant',
    entities: [TenantScoped, ...entities],
    filters: {
      [TENANT_FILTER]: { cond: (args: { id: string }) => ({ tenantId: args.id }), default: true },
    },
    // The base's FailedBeginCheck stays first: the binder runs a statement as the transaction begins.
    subscribers: [...(options.subscribers ?? []), new TenantWriteGuard(), new RowLevelSecurityBinder(pool.statementTimeoutMs)],
  };
}

/** A short-lived owner connection with no entities (provisioning and migrating other databases). */
export function ownerOrmOptions(ownerUrl: string, connectTimeoutMs?: number): Options<PostgreSqlDriver> {
  return { ...base(ownerUrl, 2, connectTimeoutMs), entities: [], contextName: 'owner' };
}
