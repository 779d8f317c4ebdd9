import type { Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import { authenticate } from '../auth/authenticate';
import type { AppServices, RequestContext } from '../context';
import { logDatabaseFault } from '../db/fault-log';
import { databaseFault } from '../db/faults';
import type { Deadline } from '../deadline';
import { ClientClosedError } from '../errors';
import type { Logger } from '../logger';
import { loadApiKeyPrincipal } from '../modules/api-keys/api-key.service';
import { loadPlatformPrincipal, loadTenantPrincipal } from '../modules/session/principals';
import { createLoaders } from '../modules/loaders';
import { primeSettings } from '../modules/settings/settings.service';
import { tenantEm } from '../modules/common/tenant-em';
import { TenantSessionEndedError, type TenantSession } from '../tenancy';
import { digestOf } from './digest';
import { asRequestError } from './request-error';

/**
 * Builds the request context: tenant resolution, then the bound session, then the principal. A
 * database fault meanwhile is logged here, as the error formatter logs those met during execution.
 */
export function contextBuilder(services: AppServices, logger: Logger) {
  return async ({ req, res }: { req: Request; res: Response }): Promise<RequestContext> => {
    let session: TenantSession | null = null;
    const pipeline = { started: false };
    let clientGone = false;
    const deadline = res.locals.deadline as Deadline;
    // The session plugin ends the transaction once Apollo's pipeline has the request, but Apollo
    // answers some requests without running any plugin hook after building this context (a batched
    // request, a body whose query is not a string), and a client may go away before the pipeline
    // starts: their transaction (opened here when the principal is loaded) would hold its connection,
    // and its pool open, for good. So when the response closes (sent, or its client gone) before the
    // pipeline took the request, whatever is still open is rolled back (end() is a no-op for a session
    // ended already), and a request whose client has gone is not run (below). A request in the
    // pipeline is left to the plugin, which still runs when its client has gone, so its writes and
    // audit entries are decided as usual; but once its answer has been sent in full (and not by the
    // deadline, while it may still run), the pipeline is over, and a session it left open (a hook
    // that threw) is rolled back too.
    res.once('close', () => {
      if (!pipeline.started) clientGone = !res.writableFinished;
      if (!pipeline.started || (res.writableFinished && !deadline.expired)) session?.abandon();
    });
    try {
      const tenant = await services.tenancy.resolver.resolve(digestOf(req));
      session = tenant ? services.tenancy.session(tenant, { deadline, onEnter: (em, entry) => primeSettings(em, entry.settings) }) : null;
      const apiKey = req.headers['x-api-key'];
      const credentials = { authorization: req.headers.authorization, apiKey: typeof apiKey === 'string' ? apiKey : undefined };
      const principal = await authenticate(credentials, tenant?.id ?? null, services.tokens, {
        platformUser: (id, sessionId) => loadPlatformPrincipal(services.tenancy.central, id, sessionId),
        tenantUser: async (id, sessionId) => (session ? loadTenantPrincipal(session, id, sessionId) : null),
        apiKey: async (keyId, secret) => (session ? loadApiKeyPrincipal(await session.em(), keyId, secret) : null),
      });
      const requestId = typeof req.headers['x-request-id'] === 'string' ? req.headers['x-request-id'].slice(0, 100) : randomUUID();
      const loaders = createLoaders(() => tenantEm({ session }));
      // A client gone before its request runs has it refused, not run on a session ended under it.
      // Checked after the context's last wait: from here to the start of the pipeline, which the
      // session plugin marks, Apollo waits on nothing a closing connection could come between.
      if (clientGone) throw ClientClosedError.beforeRunning();
      return { requestId, clientAddress: req.ip ?? null, tenant, principal, session, loaders, services, deadline, audit: [], pipeline };
    } catch (error) {
      await session?.abandon();
      const fault = databaseFault(error);
      if (fault) logDatabaseFault(logger, error, { code: fault.code }, services.tenancy.servers.runtimeRole.name);
      // A sign-in that met the session its client's leaving had ended failed for that; any other
      // failure (the database lost, a pool or deadline timeout) is reported as itself, gone client or not.
      throw asRequestError(clientGone && error instanceof TenantSessionEndedError ? ClientClosedError.beforeRunning() : error);
    }
  };
}
