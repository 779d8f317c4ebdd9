import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SECRET = /^[A-Za-z0-9_-]{43}$/;

/** A fresh 256-bit random secret, base64url. */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * SHA-256 of a high-entropy secret. A fast hash is right here (unlike passwords): the secret is 256
 * random bits, so there is nothing to guess, and it is checked on every request.
 */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Constant-time comparison of a presented secret with a stored hash. */
export function secretMatches(secret: string, storedHash: string): boolean {
  const a = Buffer.from(hashSecret(secret), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A refresh token: `<session id>.<secret>`; the session row keeps only the secret's hash. */
export function formatRefreshToken(sessionId: string, secret: string): string {
  return `${sessionId}.${secret}`;
}

/** Splits a refresh token; null when it is not one of ours. */
export function parseRefreshToken(token: string): { sessionId: string; secret: string } | null {
  const [sessionId, secret, extra] = token.trim().split('.');
  if (extra !== undefined || !sessionId || !secret || !UUID.test(sessionId) || !SECRET.test(secret)) return null;
  return { sessionId, secret };
}

const API_KEY = /^sov_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$/;

/** An API key: `sov_<key id, hex>_<secret>`; only the secret's hash is stored. */
export function formatApiKey(keyId: string, secret: string): string {
  return `sov_${keyId.replace(/-/g, '')}_${secret}`;
}

/** Splits an API key into its id and secret; null when it is not one of ours. */
export function parseApiKey(key: string): { keyId: string; secret: string } | null {
  const match = API_KEY.exec(key.trim());
  if (!match) return null;
  const hex = match[1]!;
  const keyId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  return { keyId, secret: match[2]! };
}
