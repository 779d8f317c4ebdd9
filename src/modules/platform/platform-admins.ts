import { UniqueConstraintViolationException, type MikroORM } from '@mikro-orm/core';
import { hashPassword, passwordProblem } from '../../auth/passwords';
import { BadInputError, ConflictError } from '../../errors';
import { PlatformUser } from '../../tenancy/catalog';
import { normaliseEmail } from '../users/user.service';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Creates a platform user (SUPERADMIN); the email is unique among platform users. */
export async function createPlatformAdmin(central: MikroORM, input: { email: string; password: string }): Promise<PlatformUser> {
  const email = normaliseEmail(input.email);
  const problems: Record<string, string> = {};
  if (!EMAIL.test(email)) problems.email = 'must be an email address';
  const issue = passwordProblem(input.password);
  if (issue) problems.password = issue;
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
