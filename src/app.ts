import 'reflect-metadata';
import { CATALOG_MIGRATIONS } from '../migrations/catalog';
import { TENANT_MIGRATIONS } from '../migrations/tenant';
import { TokenService } from './auth/tokens';
import type { Config } from './config';
import type { AppServices } from './context';
import { buildGatewaySchema } from './graphql/schema';
import { createHttpServer, type HttpServer } from './http/server';
import { createLogger, type Logger } from './logger';
import { AuditEntry } from './modules/audit/audit-entry.entity';
import { Patient } from './modules/patients/patient.entity';
import { bootstrapPlatformAdmin } from './modules/platform/platform-user.service';
import { User } from './modules/users/user.entity';
import { RateLimits } from './rate-limits';
import { Tenancy } from './tenancy';

/** Entities stored in every placement. */
export const TENANT_ENTITIES = [User, Patient, AuditEntry];

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

/** Composition root: tenancy, migrations, schema and HTTP server; no listen() until asked. */
export async function createApp(config: Config, databaseUrl: string, overrides: { logger?: Logger } = {}): Promise<App> {
  const logger = overrides.logger ?? createLogger(config.logLevel);
  const tenancy = await openTenancy(config, databaseUrl);
  try {
    if (config.migrateOnStart) {
      const report = await tenancy.migrate();
      logger.info({ catalog: report.catalog, shared: report.shared, tenants: report.tenants.length, failed: report.failed }, 'migrations applied');
    }
    if (config.platformAdmin && (await bootstrapPlatformAdmin(tenancy.central, config.platformAdmin))) {
      logger.info({ email: config.platformAdmin.email }, 'created the first platform admin');
    }
    const services: AppServices = {
      tenancy,
      tokens: new TokenService(config.jwtSecret, config.jwtTtlSeconds),
      rateLimits: new RateLimits({ demoRequestsPerHour: config.demoRequestsPerHour }),
    };
    const schema = await buildGatewaySchema();
    const http = await createHttpServer(schema, services, {
      logger,
      landingPage: config.landingPage,
      production: config.env === 'production',
      slowOperationMs: config.slowOperationMs,
      metricsToken: config.metricsToken,
      trustProxy: config.trustProxy,
    });
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
      // Drains in-flight requests (Apollo's drain plugin), then closes the pools.
      stop: async () => {
        await http.apollo.stop();
        await tenancy.close();
      },
    };
  } catch (error) {
    await tenancy.close();
    throw error;
  }
}
