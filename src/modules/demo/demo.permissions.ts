import { rule } from 'graphql-shield';
import { isSuperAdmin } from '../../auth/rules';
import type { RequestContext } from '../../context';
import { AuthError } from '../../errors';

/** Anyone, signed in or not, on the platform host (not inside a hospital). */
const onPlatformHost = rule({ cache: 'no_cache' })((_p, _a, ctx: RequestContext) =>
  ctx.tenant ? AuthError.forbidden('Demo requests are made on the platform host') : true,
);

export const demoPermissions = {
  Query: { demoRequests: isSuperAdmin },
  Mutation: { requestDemo: onPlatformHost, convertDemoToTenant: isSuperAdmin },
};
