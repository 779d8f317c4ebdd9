import type { Request } from 'express';
import { GraphQLError } from 'graphql';
import { randomUUID } from 'node:crypto';
import { authenticate } from '../auth/authenticate';
import type { AppServices, RequestContext } from '../context';
import { DomainError } from '../errors';
import { loadPlatformPrincipal } from '../modules/platform/platform-user.service';
import { loadTenantPrincipal } from '../modules/users/user.service';
import type { TenantSession } from '../tenancy';
import { digestOf } from './digest';

/** Domain errors raised before execution keep their code and get an HTTP status. */
function asRequestError(error: unknown): unknown {
  if (!(error instanceof DomainError)) return error;
  return new GraphQLError(error.message, {
    originalError: error,
    extensions: { code: error.code, ...(error.httpStatus ? { http: { status: error.httpStatus } } : {}) },
  });
}

/** Builds the request context: tenant resolution, then the bound session, then the principal. */
export function contextBuilder(services: AppServices) {
  return async ({ req }: { req: Request }): Promise<RequestContext> => {
    let session: TenantSession | null = null;
    try {
      const tenant = await services.tenancy.resolver.resolve(digestOf(req));
      session = tenant ? services.tenancy.session(tenant) : null;
      const principal = await authenticate(req.headers.authorization, tenant?.id ?? null, services.tokens, {
        platformUser: (id) => loadPlatformPrincipal(services.tenancy.central, id),
        tenantUser: async (id) => (session ? loadTenantPrincipal(await session.em(), id) : null),
      });
      const requestId = typeof req.headers['x-request-id'] === 'string' ? req.headers['x-request-id'].slice(0, 100) : randomUUID();
      return { requestId, tenant, principal, session, services };
    } catch (error) {
      await session?.end(false).catch(() => undefined);
      throw asRequestError(error);
    }
  };
}
