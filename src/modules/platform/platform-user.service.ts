import type { MikroORM } from '@mikro-orm/core';
import { hashPassword, passwordProblem } from '../../auth/passwords';
import type { Principal } from '../../auth/principal';
import { BadInputError } from '../../errors';
import { PlatformUser } from '../../tenancy/catalog';
import { isUuid } from '../common/ids';
import { normaliseEmail } from '../users/user.service';

export async function loadPlatformPrincipal(central: MikroORM, id: string): Promise<Principal | null> {
  if (!isUuid(id)) return null;
  const user = await central.em.fork().findOne(PlatformUser, { id });
  return user ? { kind: 'platform', id: user.id, email: user.email, roles: ['SUPERADMIN'] } : null;
}

export async function findPlatformUserForLogin(central: MikroORM, email: string): Promise<PlatformUser | null> {
  return central.em.fork().findOne(PlatformUser, { email: normaliseEmail(email) });
}

/** Creates the first platform admin from configuration when no platform user exists yet. */
export async function bootstrapPlatformAdmin(central: MikroORM, admin: { email: string; password: string }): Promise<boolean> {
  const em = central.em.fork();
  if ((await em.count(PlatformUser, {})) > 0) return false;
  const issue = passwordProblem(admin.password);
  if (issue) throw BadInputError.forFields({ PLATFORM_ADMIN_PASSWORD: issue });
  em.create(PlatformUser, { email: normaliseEmail(admin.email), passwordHash: await hashPassword(admin.password) } as PlatformUser);
  await em.flush();
  return true;
}
