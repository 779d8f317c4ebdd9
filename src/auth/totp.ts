import { Secret, TOTP } from 'otpauth';

const PERIOD = 30;
const DIGITS = 6;
/** Codes of the previous and next time step are accepted too (clock drift). */
const WINDOW = 1;

/** A new TOTP secret (160 bits, base32) and the otpauth:// URI an authenticator app scans. */
export function newTotpSecret(issuer: string, label: string): { secret: string; uri: string } {
  const secret = new Secret({ size: 20 });
  const totp = new TOTP({ issuer, label, secret, digits: DIGITS, period: PERIOD, algorithm: 'SHA1' });
  return { secret: secret.base32, uri: totp.toString() };
}

/**
 * The time step a code belongs to when it is valid for `secret` now (within the window), else null.
 * Callers accept a code only if its step is later than the last one accepted for that user, so a
 * code can never be used twice.
 */
export function totpStep(secret: string, code: string, now = Date.now()): number | null {
  const token = code.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(token)) return null;
  const delta = TOTP.validate({ token, secret: Secret.fromBase32(secret), digits: DIGITS, period: PERIOD, timestamp: now, window: WINDOW });
  return delta === null ? null : TOTP.counter({ period: PERIOD, timestamp: now }) + delta;
}

/** The current code for `secret` (tests and tooling). */
export function totpCode(secret: string, now = Date.now()): string {
  return TOTP.generate({ secret: Secret.fromBase32(secret), digits: DIGITS, period: PERIOD, timestamp: now });
}
