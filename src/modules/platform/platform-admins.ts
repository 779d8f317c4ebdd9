import { UniqueConstraintViolationException, type MikroORM } from '@mikro-orm/core';
import { hashPassword, passwordProblem } from '../../auth/passwords';
import { BadInputError, ConflictError } from '../../errors';
import { PlatformUser } from '../../tenancy/catalog';
import { emailProblem, normaliseEmail } from '../users/email';

/** Creates a platform user (SUPERADMIN); the email is unique among platform users. */
export async function createPlatformAdmin(central: MikroORM, input: { email: string; password: string }): Promise<PlatformUser> {
  const email = normaliseEmail(input.email);
  const problems: Record<string, string> = {};
  const emailIssue = emailProblem(email);
  if (emailIssue) problems.email = emailIssue;
  const passwordIssue = passwordProblem(input.password, email);
  if (passwordIssue) problems.password = passwordIssue;
  if (Object.keys(problems).length > 0) throw BadInputError.forFields(problems);
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
