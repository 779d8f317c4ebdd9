const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Why an email address is refused, or null. */
export function emailProblem(email: string): string | null {
  return EMAIL.test(email) && email.length <= 254 ? null : 'must be an email address';
}
