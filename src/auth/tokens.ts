import { errors, jwtVerify, SignJWT } from 'jose';
import { LRUCache } from 'lru-cache';
import { createSecretKey, type KeyObject } from 'node:crypto';
import { AuthError } from '../errors';

const ISSUER = 'sovereign';
const AUDIENCE = 'sovereign-api';

/**
 * What an access token says: whose it is, which sign-in session it belongs to, and which hospital
 * (none for platform users). Roles are deliberately absent: they are read from the database.
 */
export interface TokenClaims {
  sub: string;
  kind: 'platform' | 'tenant';
  /** Sign-in session (refresh-token family); revoking it ends the token at once. */
  sid: string;
  /** Tenant id for hospital users; absent for platform users. */
  tid?: string;
}

/**
 * Signs and verifies HS256 access tokens with issuer, audience and expiry; knows the token lifetimes.
 * A token that verified is remembered (by its whole text, signature included) until it expires, so a
 * client's next requests skip the HMAC; what it grants is still read from the database every time.
 */
export class TokenService {
  private readonly key: KeyObject;
  private readonly verified = new LRUCache<string, TokenClaims>({ max: 10_000 });

  constructor(
    secret: Uint8Array,
    readonly ttlSeconds: number,
    /** Lifetime of a refresh token (sliding: each rotation starts it again). */
    readonly refreshTtlSeconds: number = 14 * 86_400,
  ) {
    this.key = createSecretKey(secret);
  }

  sign(claims: TokenClaims): Promise<string> {
    const payload: Record<string, string> = { kind: claims.kind, sid: claims.sid };
    if (claims.tid) payload.tid = claims.tid;
    return new SignJWT(payload)
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(claims.sub)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${this.ttlSeconds}s`)
      .sign(this.key);
  }

  /**
   * Verified claims; any forged, expired, `alg: none` or foreign token is UNAUTHENTICATED, and so is
   * one without an expiry (it would never expire). Issuer and audience must be present and ours, and
   * the subject, kind, session and (for a hospital user) hospital must be there too.
   */
  async verify(token: string): Promise<TokenClaims> {
    const known = this.verified.get(token);
    if (known) return known;
    try {
      const { payload } = await jwtVerify(token, this.key, { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'], requiredClaims: ['exp'] });
      const { kind, sid, tid } = payload;
      if (typeof payload.sub !== 'string' || (kind !== 'platform' && kind !== 'tenant')) throw new Error('malformed claims');
      if (typeof sid !== 'string') throw new Error('token without session');
      if (kind === 'tenant' && typeof tid !== 'string') throw new Error('tenant token without tenant');
      const claims: TokenClaims = { sub: payload.sub, kind, sid, ...(kind === 'tenant' ? { tid: tid as string } : {}) };
      const ttl = payload.exp! * 1000 - Date.now();
      if (ttl > 0) this.verified.set(token, claims, { ttl });
      return claims;
    } catch (error) {
      const expired = error instanceof errors.JWTExpired;
      throw AuthError.unauthenticated(expired ? 'Token expired' : 'Invalid token');
    }
  }
}
