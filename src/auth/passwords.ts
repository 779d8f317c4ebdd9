import argon2 from 'argon2';
import { charCount } from '../text-rules';

/**
 * argon2id with the OWASP Password Storage Cheat Sheet's first configuration: m = 19 MiB, t = 2, p = 1.
 * The cheat sheet lists it among equivalent minimums (e.g. 46 MiB/t=1, 12 MiB/t=3); this one costs
 * about 30 ms of one core here, against about 125 ms of four threads for the library's default
 * (64 MiB, t = 3, p = 4) that earlier hashes used. Hashes under other parameters still verify and are
 * replaced on the next successful sign-in (`passwordNeedsRehash`).
 */
export const PASSWORD_HASH_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, PASSWORD_HASH_OPTIONS);
}

/** Whether a stored hash was made with another variant, version or parameters than new hashes are. */
export function passwordNeedsRehash(hash: string): boolean {
  try {
    return !hash.startsWith('$argon2id$') || argon2.needsRehash(hash, PASSWORD_HASH_OPTIONS);
  } catch {
    return true;
  }
}

// Verified against when the email is unknown, so both failures cost the same time: made with the
// current parameters, like every hash once its owner has signed in since they changed.
const DUMMY_HASH = hashPassword('sovereign-timing-equaliser');

/** Checks a password against a stored hash, or against a dummy one when there is no user. */
export async function verifyPassword(hash: string | undefined, password: string): Promise<boolean> {
  const target = hash ?? (await DUMMY_HASH);
  const ok = await argon2.verify(target, password).catch(() => false);
  return ok && hash !== undefined;
}

/**
 * Why a new password is refused, or null. Length is what matters (12–200 characters, any
 * characters, an emoji counting as one); a password that is the account's email or one repeated
 * character is refused too.
 */
export function passwordProblem(password: string, email?: string): string | null {
  const length = charCount(password);
  if (length < 12) return 'must be at least 12 characters';
  if (length > 200) return 'must be at most 200 characters';
  if (email && password.trim().toLowerCase() === email.trim().toLowerCase()) return 'must not be the email address';
  if (new Set(password).size === 1) return 'must not be one character repeated';
  return null;
}
