import argon2 from 'argon2';

/** argon2id with the library's defaults (m=64 MiB, t=3, p=4). */
export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id });
}

// Verified against when the email is unknown, so both failures cost the same time.
const DUMMY_HASH = hashPassword('sovereign-timing-equaliser');

/** Checks a password against a stored hash, or against a dummy one when there is no user. */
export async function verifyPassword(hash: string | undefined, password: string): Promise<boolean> {
  const target = hash ?? (await DUMMY_HASH);
  const ok = await argon2.verify(target, password).catch(() => false);
  return ok && hash !== undefined;
}

/**
 * Why a new password is refused, or null. Length is what matters (12–200 characters, any
 * characters); a password that is the account's email or one repeated character is refused too.
 */
export function passwordProblem(password: string, email?: string): string | null {
  if (password.length < 12) return 'must be at least 12 characters';
  if (password.length > 200) return 'must be at most 200 characters';
  if (email && password.trim().toLowerCase() === email.trim().toLowerCase()) return 'must not be the email address';
  if (new Set(password).size === 1) return 'must not be one character repeated';
  return null;
}
