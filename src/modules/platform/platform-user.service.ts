import { UniqueConstraintViolationException, type EntityManager, type MikroORM } from '@mikro-orm/core';
import { hashPassword } from '../../auth/passwords';
import { PlatformUser } from '../../tenancy/catalog';
import { checkedPlatformAdmin } from './platform-admins';

/** Advisory-lock key serialising the first-admin check of replicas starting at once. */
const BOOTSTRAP_LOCK = 'sovereign-platform-admin-bootstrap';

/**
 * Creates the first platform admin from configuration when no platform user exists yet. Replicas
 * starting at once on a fresh catalog count and insert one at a time (a transaction-scoped advisory
 * lock), so exactly one creates it and the others find it; one created meanwhile by other means
 * (the same email) counts as already there.
 */
export async function bootstrapPlatformAdmin(central: MikroORM, admin: { email: string; password: string }): Promise<boolean> {
  const exists = (em: EntityManager) => em.count(PlatformUser, {}).then((n) => n > 0);
  if (await exists(central.em.fork())) return false;
  const email = checkedPlatformAdmin(admin, { email: 'PLATFORM_ADMIN_EMAIL', password: 'PLATFORM_ADMIN_PASSWORD' });
  const passwordHash = await hashPassword(admin.password);
  try {
    return await central.em.fork().transactional(async (em) => {
      await em.getConnection().execute('select pg_advisory_xact_lock(hashtext(?))', [BOOTSTRAP_LOCK], 'all', em.getTransactionContext());
      if (await exists(em)) return false;
      em.create(PlatformUser, { email, passwordHash } as PlatformUser);
      await em.flush();
      return true;
    });
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) return false;
    throw error;
  }
}
