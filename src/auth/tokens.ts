import { errors, jwtVerify, SignJWT } from 'jose';
import { AuthError } from '../errors';

const ISSUER = 'sovereign';
const AUDIENCE = 'sovereign-api';

/** What an access token says: whose it is and which hospital (none for platform users) it belongs to. */
export interface TokenClaims {
  sub: string;
  kind: 'platform' | 'tenant';
  /** Tenant id for hospital users; absent for platform users. */
  tid?: string;
}

/** Signs and verifies HS256 access tokens with issuer, audience and expiry. */
export class TokenService {
  constructor(
    private readonly secret: Uint8Array,
    private readonly ttlSeconds: number,
  ) {}

  sign(claims: TokenClaims): Promise<string> {
    const payload: Record<string, string> = { kind: claims.kind };
    if (claims.tid) payload.tid = claims.tid;
    return new SignJWT(payload)
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(claims.sub)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${this.ttlSeconds}s`)
      .sign(this.secret);
  }

  /** Verified claims; any forged, expired, `alg: none` or foreign token is UNAUTHENTICATED. */
  async verify(token: string): Promise<TokenClaims> {
    try {
      const { payload } = await jwtVerify(token, this.secret, { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] });
      const kind = payload.kind;
      if (typeof payload.sub !== 'string' || (kind !== 'platform' && kind !== 'tenant')) throw new Error('malformed claims');
      if (kind === 'tenant' && typeof payload.tid !== 'string') throw new Error('tenant token without tenant');
      return { sub: payload.sub, kind, tid: typeof payload.tid === 'string' ? payload.tid : undefined };
    } catch (error) {
      const expired = error instanceof errors.JWTExpired;
      throw AuthError.unauthenticated(expired ? 'Token expired' : 'Invalid token');
    }
  }
}
