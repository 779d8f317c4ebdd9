import type { MikroORM } from '@mikro-orm/core';
import { hashPassword, passwordProblem } from '../../auth/passwords';
import { BadInputError } from '../../errors';
import { PlatformUser } from '../../tenancy/catalog';
import { normaliseEmail } from '../users/email';

/** Creates the first platform admin from configuration when no platform user exists yet. */
export async function bootstrapPlatformAdmin(central: MikroORM, admin: { email: string; password: string }): Promise<boolean> {
  const em = central.em.fork();
  if ((await em.count(PlatformUser, {})) > 0) return false;
  const issue = passwordProblem(admin.password, admin.email);
  if (issue) throw BadInputError.forFields({ PLATFORM_ADMIN_PASSWORD: issue });
  em.create(PlatformUser, { email: normaliseEmail(admin.email), passwordHash: await hashPassword(admin.password) } as PlatformUser);
  await em.flush();
  return true;
}
