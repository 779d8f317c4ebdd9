import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import type { GraphQLSchema } from 'graphql';
import http from 'node:http';
import type { AppServices, RequestContext } from '../context';
import { createErrorFormatter } from '../graphql/format-error';
import type { Logger } from '../logger';
import { auditPlugin } from './audit-plugin';
import { contextBuilder } from './context';
import { healthRoutes } from './health';
import { landingPage } from './landing-page';
import { tenantSessionPlugin } from './session-plugin';
import { Telemetry, telemetryPlugin } from './telemetry';

export const GRAPHQL_PATHS = ['/graphql', '/t/:slug/graphql'];

export interface HttpServer {
  server: http.Server;
  apollo: ApolloServer<RequestContext>;
}

export interface HttpOptions {
  logger: Logger;
  landingPage: boolean;
  production: boolean;
  /** Operations slower than this are logged as slow (ms). */
  slowOperationMs?: number;
  /** Bearer token required by GET /metrics (none: open). */
  metricsToken?: string;
  /** Express `trust proxy` (client addresses behind a load balancer). */
  trustProxy?: boolean | number | string;
}

/** Express + Apollo: health routes, metrics, the Sandbox landing page, and GraphQL on both paths. */
export async function createHttpServer(schema: GraphQLSchema, services: AppServices, options: HttpOptions): Promise<HttpServer> {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', options.trustProxy ?? false);
  const telemetry = new Telemetry(services.tenancy);
  const server = http.createServer(app);
  const apollo = new ApolloServer<RequestContext>({
    schema,
    formatError: createErrorFormatter(options.logger),
    includeStacktraceInErrorResponses: false,
    introspection: !options.production,
    csrfPrevention: true,
    plugins: [ApolloServerPluginDrainHttpServer({ httpServer: server }), ApolloServerPluginLandingPageDisabled(),
      telemetryPlugin(telemetry, options.logger, options.slowOperationMs ?? 1000),
      auditPlugin(options.logger),
      tenantSessionPlugin(options.logger),
    ],
  });
  await apollo.start();

  app.use(healthRoutes(services.tenancy));
  app.get('/metrics', telemetry.handler(options.metricsToken));
  if (options.landingPage) app.get(GRAPHQL_PATHS, landingPage(services.tenancy.resolver));
  app.use(GRAPHQL_PATHS, express.json({ limit: '1mb' }), expressMiddleware(apollo, { context: contextBuilder(services) }));
  app.use((err: Error & { status?: number; type?: string }, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    const status = err.status && err.status >= 400 && err.status < 500 ? err.status : 500;
    if (status === 500) options.logger.error({ err }, 'http error');
    res.status(status).json({ errors: [{ message: status === 500 ? 'Internal server error' : err.message, extensions: { code: status === 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_USER_INPUT' } }] });
  });
  return { server, apollo };
}
