import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import type { GraphQLSchema } from 'graphql';
import http from 'node:http';
import type { AppServices, RequestContext } from '../context';
import { createErrorFormatter } from '../graphql/format-error';
import type { Config } from '../config';
import { armor, costLimit, refuseSubscriptions, refuseUnstorableText } from '../graphql/limits';
import type { Logger } from '../logger';
import { auditPlugin } from './audit-plugin';
import { contextBuilder } from './context';
import { withDeadline } from './deadline';
import { refuseTargetWithoutHost } from './digest';
import { errorBody } from './request-error';
import { healthRoutes } from './health';
import { landingPage } from './landing-page';
import { LastCall } from './last-call';
import { platformMutationPlugin } from './platform-mutation-plugin';
import { rateLimitPlugin } from './rate-limit-plugin';
import { tenantSessionPlugin } from './session-plugin';
import { Telemetry, telemetryPlugin } from './telemetry';
import { refuseDeepVariables } from './variables';

export const GRAPHQL_PATHS = ['/graphql', '/t/:slug/graphql'];

export interface HttpServer {
  server: http.Server;
  apollo: ApolloServer<RequestContext>;
  /** Stops accepting, gives keep-alive clients their last call (LastCall), then drains requests in flight. */
  stop(): Promise<void>;
}

export interface HttpOptions {
  logger: Logger;
  config: Pick<Config, 'landingPage' | 'introspection' | 'limits' | 'http' | 'slowOperationMs' | 'metricsToken' | 'trustProxy'>;
}

/** Answers carry patient data: no browser or proxy may keep them. */
function noStore(_req: express.Request, res: express.Response, next: express.NextFunction): void {
  res.set('cache-control', 'no-store');
  next();
}

/**
 * On stop, how long past the request deadline a request in flight may still take: one that began
 * committing on time is not interrupted (src/deadline.ts), and its answer waits for the commit.
 */
const DRAIN_MARGIN_MS = 5_000;

/**
 * A client has `requestTimeoutMs` to send a whole request, its headers included (Node's own limit for
 * headers is 60 s), and is answered 408 and disconnected once it is up: Node checks its connections
 * every second (every 30 s by default, so a request could last up to twice its timeout), or more
 * often under a shorter timeout. 0 sets no limit.
 */
function receiveTimeouts(requestTimeoutMs: number): http.ServerOptions {
  if (requestTimeoutMs === 0) return { requestTimeout: 0, headersTimeout: 0 };
  return { requestTimeout: requestTimeoutMs, headersTimeout: requestTimeoutMs, connectionsCheckingInterval: Math.min(1_000, requestTimeoutMs) };
}

const POST_ONLY = errorBody('GraphQL requests must use POST', 'BAD_USER_INPUT');
const NOT_FOUND = errorBody('Not found', 'NOT_FOUND');

/**
 * Express + Apollo: health routes, metrics, the Sandbox landing page, and GraphQL (POST only, so
 * patient data never travels in URLs) on both paths, behind the query limits.
 */
export async function createHttpServer(schema: GraphQLSchema, services: AppServices, { logger, config }: HttpOptions): Promise<HttpServer> {
  const app = express();
  // The routes and tenant resolution (src/http/digest.ts) must agree on which paths name a hospital:
  // `/T/<slug>/graphql` is no GraphQL path, rather than one that tenant resolution reads as central.
  app.set('case sensitive routing', true);
  app.disable('x-powered-by');
  // Answers are never stored (no-store), so a validator is of no use; Express would hash every answer for it.
  app.set('etag', false);
  app.set('trust proxy', config.trustProxy);
  const telemetry = new Telemetry(services.tenancy);
  const server = http.createServer(receiveTimeouts(config.http.requestTimeoutMs), app);
  const lastCall = new LastCall(server);
  const protection = armor(config.limits);
  const apollo = new ApolloServer<RequestContext>({
    schema,
    formatError: createErrorFormatter(logger, services.tenancy.servers.runtimeRole.name),
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: false,
    introspection: config.introspection,
    csrfPrevention: true,
    // No automatic persisted queries (on by default): a hash is refused with PERSISTED_QUERY_NOT_SUPPORTED,
    // on which clients send the full query from then on.
    persistedQueries: false,
    // The process stops itself on SIGTERM/SIGINT/SIGHUP (src/cluster/signals.ts: drain, then close the pools);
    // Apollo's own signal handlers would race that stop.
    stopOnTerminationSignals: false,
    validationRules: protection.validationRules,
    parseOptions: { maxTokens: config.limits.maxTokens },
    plugins: [
      // A stop drains every request that may still legitimately run (Apollo's default is 10 s, less
      // than the deadline): only past the deadline and the margin are the connections cut.
      ApolloServerPluginDrainHttpServer({ httpServer: server, stopGracePeriodMillis: config.http.deadlineMs + DRAIN_MARGIN_MS }),
      ApolloServerPluginLandingPageDisabled(),
      // No cache hints: answers carry patient data and are never cacheable. Installed by default, the
      // cache-control plugin would also hook every field of every result.
      ApolloServerPluginCacheControlDisabled(),
      ...protection.plugins,
      refuseSubscriptions(),
      refuseUnstorableText(),
      costLimit(schema, config.limits.maxCost),
      rateLimitPlugin(),
      platformMutationPlugin(),
      telemetryPlugin(telemetry, logger, config.slowOperationMs),
      // Before the audit plugin: a query's reads are forgotten before its audit entry is flushed.
      tenantSessionPlugin(logger),
      auditPlugin(logger),
    ],
  });
  await apollo.start();

  app.use(refuseTargetWithoutHost);
  // GraphQL first: Express tries routes in the order they were added, and nearly every request is one.
  const graphql = expressMiddleware(apollo, { context: contextBuilder(services, logger) });
  app.post(GRAPHQL_PATHS, noStore, express.json({ limit: config.http.maxBodyBytes }), refuseDeepVariables, withDeadline(config.http.deadlineMs, graphql));
  app.use(healthRoutes(services.tenancy));
  app.get('/metrics', telemetry.handler(config.metricsToken));
  if (config.landingPage) app.get(GRAPHQL_PATHS, landingPage(services.tenancy.resolver));
  // Any other method on the GraphQL paths (and a GET that is not for the explorer page).
  app.all(GRAPHQL_PATHS, (_req, res) => {
    res.status(405).set('allow', 'POST').json(POST_ONLY);
  });
  app.use((_req, res) => {
    res.status(404).json(NOT_FOUND);
  });
  app.use((err: Error & { status?: number; type?: string }, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    const status = err.status && err.status >= 400 && err.status < 500 ? err.status : 500;
    if (status === 500) logger.error({ err }, 'http error');
    res.status(status).json(status === 500 ? errorBody('Internal server error', 'INTERNAL_SERVER_ERROR') : errorBody(err.message, 'BAD_USER_INPUT'));
  });
  const stop = async () => {
    await lastCall.begin(config.http.lastCallMs);
    await apollo.stop();
  };
  return { server, apollo, stop };
}
