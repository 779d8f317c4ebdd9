import 'reflect-metadata';
import { backOff } from 'exponential-backoff';
import { CATALOG_MIGRATIONS } from '../migrations/catalog';
import { TENANT_MIGRATIONS } from '../migrations/tenant';
import { SecretBox } from './auth/secret-box';
import { createLoginThrottle, type LoginThrottle } from './auth/login-throttle';
import { TokenService } from './auth/tokens';
import { ConfigError, startUpWarnings, type Config } from './config';
import type { AppServices } from './context';
import { refusedConnection } from './db/refused-connection';
import { buildGatewaySchema } from './graphql/schema';
import { createHttpServer, type HttpServer } from './http/server';
import { createLogger, type Logger } from './logger';
import { ApiKey } from './modules/api-keys/api-key.entity';
import { Appointment } from './modules/appointments/appointment.entity';
import { Invoice, InvoiceLine, Payment } from './modules/billing/billing.entity';
import { Diagnosis, Encounter, Prescription, Vitals } from './modules/clinical/clinical.entity';
import { Department, StaffAssignment } from './modules/departments/department.entity';
import { LabOrder, LabResult } from './modules/lab/lab.entity';
import { PatientAllergy, PatientContact, PatientInsurance } from './modules/patient-record/patient-details.entity';
import { AuditEntry } from './modules/audit/audit-entry.entity';
import { Patient } from './modules/patients/patient.entity';
import { PLAN_REQUEST_LIMITS, PLATFORM_ADMIN_REQUESTS_PER_MINUTE } from './modules/plans/plan-limits';
import { HospitalSettings } from './modules/settings/settings.entity';
import { bootstrapPlatformAdmin } from './modules/platform/platform-user.service';
import { AuthSession } from './modules/session/auth-session.entity';
import { User } from './modules/users/user.entity';
import { RateLimits } from './rate-limits';
import { checkRedisReachable, RedisUnreachableError } from './redis';
import { Tenancy } from './tenancy';

/** Entities stored in every placement. */
export const TENANT_ENTITIES = [
  User, Patient, AuthSession, ApiKey, HospitalSettings, AuditEntry, Department, StaffAssignment, Appointment, Encounter,
  Diagnosis, Prescription, Vitals, LabOrder, LabResult, Invoice, InvoiceLine, Payment, PatientContact, PatientAllergy,
  PatientInsurance,
];

export interface App {
  services: AppServices;
  http: HttpServer;
  logger: Logger;
  listen(port: number): Promise<number>;
  stop(): Promise<void>;
}

/** Opens the tenancy core against `databaseUrl` (owner credentials). */
export function openTenancy(config: Config, databaseUrl: string): Promise<Tenancy> {
  return Tenancy.open({
    config,
    databaseUrl,
    tenantEntities: TENANT_ENTITIES,
    catalogMigrations: CATALOG_MIGRATIONS,
    tenantMigrations: TENANT_MIGRATIONS,
  });
}

/** Opens the tenancy core, then, with REDIS_URL, checks that Redis answers; leaves nothing open when either fails. */
async function openTenancyAndRedis(config: Config, databaseUrl: string): Promise<Tenancy> {
  const tenancy = await openTenancy(config, databaseUrl);
  if (config.redisUrl) await checkRedisReachable(config.redisUrl).catch(async (error: unknown) => (await tenancy.close(), Promise.reject(error)));
  return tenancy;
}

/**
 * Opens the tenancy core, waiting (with backoff, up to `startupWaitMs`) for a database, or Redis, that
 * is not up yet (so counting starts in Redis rather than in memory). A configuration error stops
 * start-up at once, and so does a database that turns the connection away for good (no such
 * database, wrong credentials): a configuration error too, naming DATABASE_URL.
 */
async function openWhenReachable(config: Config, databaseUrl: string, logger: Logger): Promise<Tenancy> {
  const deadline = Date.now() + config.startupWaitMs;
  try {
    return await backOff(() => openTenancyAndRedis(config, databaseUrl), {
      numOfAttempts: Number.MAX_SAFE_INTEGER,
      startingDelay: 250,
      maxDelay: 5_000,
      retry: (error: unknown, attempt: number) => {
        if (Date.now() > deadline || error instanceof ConfigError || refusedConnection(error)) return false;
        const what = error instanceof RedisUnreachableError ? 'Redis' : 'database';
        logger.warn({ attempt, err: error instanceof Error ? error.message : String(error) }, `${what} not reachable yet; retrying`);
        return true;
      },
    });
  } catch (error) {
    const refused = refusedConnection(error);
    if (!refused) throw error;
    const setting = config.databaseUrl ? 'DATABASE_URL' : `the embedded database under ${config.dataDir}`;
    throw new ConfigError(`${setting}: ${refused.reason} (SQL state ${refused.state}); waiting would not mend this`);
  }
}

/**
 * What a deployment does once when it starts: warnings about its settings, migrations (with the runtime
 * role) on start if configured, removing provisionings that died part-way, the first platform admin.
 */
async function startUpWork(tenancy: Tenancy, config: Config, logger: Logger): Promise<void> {
  for (const warning of startUpWarnings(config)) logger.warn(warning.settings, warning.message);
  if (config.migrateOnStart) {
    const report = await tenancy.migrate();
    logger.info({ catalog: report.catalog, shared: report.shared, tenants: report.tenants.length, failed: report.failed }, 'migrations applied');
  }
  const abandoned = await tenancy.provisioner.removeAbandoned();
  if (abandoned.length > 0) logger.warn({ slugs: abandoned }, 'removed hospitals whose provisioning died part-way');
  if (config.platformAdmin && (await bootstrapPlatformAdmin(tenancy.central, config.platformAdmin))) {
    logger.info({ email: config.platformAdmin.email }, 'created the first platform admin');
  }
}

/**
 * The start-up work alone (for a cluster primary, before its workers start): waits for the database
 * like createApp, does the work, and closes its connections again.
 */
export async function prepareDatabase(config: Config, databaseUrl: string, logger: Logger): Promise<void> {
  const tenancy = await openWhenReachable(config, databaseUrl, logger);
  try {
    await startUpWork(tenancy, config, logger);
  } finally {
    await tenancy.close();
  }
}

/**
 * Composition root: tenancy, start-up work, schema and HTTP server; no listen() until asked.
 * `prepared`: the start-up work was done already (a cluster worker, see prepareDatabase).
 */
export async function createApp(config: Config, databaseUrl: string, overrides: { logger?: Logger; prepared?: boolean } = {}): Promise<App> {
  const logger = overrides.logger ?? createLogger(config.logLevel);
  const tenancy = await openWhenReachable(config, databaseUrl, logger);
  tenancy.provisioner.onLeftBehind = ({ error, ...left }) => {
    logger.warn({ ...left, err: error }, 'provisioning failed and its placement could not be removed; its catalog entry is gone, so remove it by hand (cleanup)');
  };
  tenancy.provisioner.onSweepFailed = (error, slug) => {
    logger.warn({ slug, err: error }, 'could not remove a provisioning that died part-way; the next sweep tries again');
  };
  tenancy.onCatalogBus = (event) => {
    if (event === 'lost') logger.warn('catalog listener lost its connection; until it listens again the tenant cache TTL bounds stale lookups');
    else logger.info('catalog listener back; tenant cache dropped, as changes made meanwhile were not heard');
  };
  let loginThrottle: LoginThrottle | undefined;
  let rateLimits: RateLimits | undefined;
  try {
    if (!overrides.prepared) await startUpWork(tenancy, config, logger);
    if (config.spareSchemas > 0) {
      tenancy.keepSpareSchemas(config.spareSchemas, (error, during) => {
        logger.warn({ err: error instanceof Error ? error.message : String(error), during }, 'spare schemas: provisioning migrates on the request path meanwhile');
      });
    }
    loginThrottle = await createLoginThrottle({ ...config.loginThrottle, redisUrl: config.redisUrl, deployment: tenancy.servers.mainDatabase, logger });
    rateLimits = await RateLimits.open(
      { plans: PLAN_REQUEST_LIMITS, platformUserPerMinute: PLATFORM_ADMIN_REQUESTS_PER_MINUTE, demoRequestsPerHour: config.demoRequestsPerHour, ...config.rateLimits },
      { redisUrl: config.redisUrl, deployment: tenancy.servers.mainDatabase, logger },
    );
    const services: AppServices = {
      tenancy,
      tokens: new TokenService(config.jwtSecret, config.jwtTtlSeconds, config.refreshTtlSeconds),
      loginThrottle,
      rateLimits,
      secrets: new SecretBox(config.secretsKey),
    };
    const schema = await buildGatewaySchema();
    const http = await createHttpServer(schema, services, { logger, config });
    return {
      services,
      http,
      logger,
      listen: (port) =>
        new Promise((resolve, reject) => {
          http.server.once('error', reject);
          http.server.listen(port, () => {
            const address = http.server.address();
            resolve(typeof address === 'object' && address ? address.port : port);
          });
        }),
      // Ends the connections and drains in-flight requests (src/http/server.ts), then closes the pools.
      stop: async () => {
        await http.stop();
        await services.loginThrottle.close();
        await services.rateLimits.close();
        await tenancy.close();
      },
    };
  } catch (error) {
    await loginThrottle?.close();
    await rateLimits?.close();
    await tenancy.close();
    throw error;
  }
}
