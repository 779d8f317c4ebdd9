import { AuthError } from '../errors';
import type { Principal } from './principal';
import { parseApiKey } from './secrets';
import type { TokenService } from './tokens';

/**
 * Loads principals from where they live: the catalog for platform users, the placement for hospital
 * users and API keys. Each returns null when the user is unknown or deactivated, the session is
 * revoked or expired, or the key is unknown, revoked or wrong.
 */
export interface PrincipalLoader {
  platformUser(id: string, sessionId: string): Promise<Principal | null>;
  tenantUser(id: string, sessionId: string): Promise<Principal | null>;
  apiKey(keyId: string, secret: string): Promise<Principal | null>;
}

/** The credentials a request carries, as sent. */
export interface Credentials {
  authorization?: string;
  /** The `X-API-Key` header. */
  apiKey?: string;
}

function presentedApiKey(credentials: Credentials): string | undefined {
  const scheme = /^ApiKey\s+(\S+)$/i.exec(credentials.authorization?.trim() ?? '');
  return scheme?.[1] ?? credentials.apiKey?.trim();
}

/**
 * Turns the request's credentials into a principal for a request in `tenantId` (null: central).
 * `Authorization: Bearer <access token>`: a hospital user's token works only in its own hospital; a
 * platform user's works centrally and inside any hospital. `Authorization: ApiKey <key>` or
 * `X-API-Key`: only inside a hospital, and only its own keys exist there. Two credentials at once,
 * or any that fails, is UNAUTHENTICATED; no credentials is anonymous (null).
 */
export async function authenticate(
  credentials: Credentials,
  tenantId: string | null,
  tokens: TokenService,
  loader: PrincipalLoader,
): Promise<Principal | null> {
  const authorization = credentials.authorization?.trim();
  if (!authorization && !credentials.apiKey) return null;
  if (authorization && credentials.apiKey) throw AuthError.unauthenticated('Send one credential: Authorization or X-API-Key, not both');

  const key = presentedApiKey(credentials);
  if (key !== undefined) {
    const parsed = parseApiKey(key);
    if (!tenantId) throw AuthError.unauthenticated('API keys work only inside their hospital');
    const principal = parsed ? await loader.apiKey(parsed.keyId, parsed.secret) : null;
    if (!principal) throw AuthError.unauthenticated('Invalid API key');
    return principal;
  }

  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  if (!match) throw AuthError.unauthenticated('Unsupported Authorization header; use "Bearer <token>" or "ApiKey <key>"');
  const claims = await tokens.verify(match[1]!);
  if (claims.kind === 'tenant' && claims.tid !== tenantId) {
    throw AuthError.unauthenticated('This token belongs to another hospital');
  }
  const principal =
    claims.kind === 'platform' ? await loader.platformUser(claims.sub, claims.sid) : await loader.tenantUser(claims.sub, claims.sid);
  if (!principal) throw AuthError.unauthenticated('Session ended or user not active');
  return principal;
}
