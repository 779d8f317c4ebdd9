import { AuthError } from '../errors';
import type { Principal } from './principal';
import type { TokenService } from './tokens';

/** Loads principals from where they live: the catalog for platform users, the placement for hospital users. */
export interface PrincipalLoader {
  platformUser(id: string): Promise<Principal | null>;
  tenantUser(id: string): Promise<Principal | null>;
}

/**
 * Turns the Authorization header into a principal for a request in `tenantId` (null: central).
 * A hospital user's token works only in its own hospital; a platform user's token works centrally and
 * inside any hospital (platform admins acting in a hospital). No header: anonymous (null).
 */
export async function authenticate(
  authorization: string | undefined,
  tenantId: string | null,
  tokens: TokenService,
  loader: PrincipalLoader,
): Promise<Principal | null> {
  if (!authorization) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
  if (!match) throw AuthError.unauthenticated('Unsupported Authorization header; use "Bearer <token>"');
  const claims = await tokens.verify(match[1]!);
  if (claims.kind === 'tenant' && claims.tid !== tenantId) {
    throw AuthError.unauthenticated('This token belongs to another hospital');
  }
  const principal = claims.kind === 'platform' ? await loader.platformUser(claims.sub) : await loader.tenantUser(claims.sub);
  if (!principal) throw AuthError.unauthenticated('Unknown user');
  return principal;
}
