import { UniqueConstraintViolationException, type MikroORM } from '@mikro-orm/core';
import { hashPassword, passwordProblem } from '../../auth/passwords';
import { BadInputError, ConflictError } from '../../errors';
import { PlatformUser } from '../../tenancy/catalog';
import { emailProblem } from '../../text-rules';
import { normaliseEmail } from '../users/email';

/**
 * A new platform user's email, normalised; BAD_USER_INPUT when it or the password breaks the rules
 * every account follows (the password may not be the email), under the names in `fields`.
 */
export function checkedPlatformAdmin(input: { email: string; password: string }, fields = { email: 'email', password: 'password' }): string {
  const email = normaliseEmail(input.email);
  const problems: Record<string, string> = {};
  const emailIssue = emailProblem(email);
  if (emailIssue) problems[fields.email] = emailIssue;
  const passwordIssue = passwordProblem(input.password, email);
  if (passwordIssue) problems[fields.password] = passwordIssue;
  if (Object.keys(problems).length > 0) throw BadInputError.forFields(problems);
  return email;
}

/** Creates a platform user (SUPERADMIN); the email is unique among platform users. */
export async function createPlatformAdmin(central: MikroORM, input: { email: string; password: string }): Promise<PlatformUser> {
  const email = checkedPlatformAdmin(input);
  const em = central.em.fork();
  const user = em.create(PlatformUser, { email, passwordHash: await hashPassword(input.password) } as PlatformUser);
  try {
    await em.flush();
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) throw ConflictError.because(`A platform user ${email} already exists`);
    throw error;
  }
  return user;
}
