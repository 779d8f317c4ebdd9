import { randomInt } from 'node:crypto';
import { hashSecret } from './secrets';

/** How many recovery codes a user gets at a time. */
export const RECOVERY_CODE_COUNT = 10;

// Lower-case letters and digits without the look-alikes (0/o, 1/l/i): easy to read off a printout.
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
const HALF = 5;
const SHAPE = new RegExp(`^[${ALPHABET}]{${HALF * 2}}$`);

/**
 * Fresh one-time MFA recovery codes, `xxxxx-xxxxx` (about 49 random bits each). Only their hashes
 * are stored; a code is spent when used, and the lockout on signing in caps guessing at a few tries.
 */
export function newRecoveryCodes(count = RECOVERY_CODE_COUNT): string[] {
  const half = () => Array.from({ length: HALF }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
  return Array.from({ length: count }, () => `${half()}-${half()}`);
}

/** A code as typed, in its canonical form: no dash or spaces, lower case. */
const canonical = (typed: string) => typed.replace(/[\s-]/g, '').toLowerCase();

/** What is stored of a code: the hash of its canonical form. */
export function recoveryCodeHash(code: string): string {
  return hashSecret(canonical(code));
}

/** Whether the text has the shape of a recovery code (as typed: dashes, spaces and case do not matter). */
export function isRecoveryCode(text: string): boolean {
  return SHAPE.test(canonical(text));
}
