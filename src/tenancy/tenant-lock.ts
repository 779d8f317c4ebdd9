import type { EntityManager } from '@mikro-orm/postgresql';
import { boundTenantId, TenantWriteViolation } from './guards';

/**
 * Serialises one kind of work (`scope`, e.g. "patients") inside the fork's tenant until its
 * transaction ends: `pg_advisory_xact_lock` on (scope, tenant). Used to count-then-insert under a
 * limit (plan limits, sequential numbers) without two concurrent requests both passing the check.
 * The fork must be bound to a tenant and inside a transaction (a request's session always is).
 * The key is a 64-bit hash: the locks of every hospital in one database share PostgreSQL's key space,
 * and 32-bit keys (`hashtext`) of two hospitals collide often enough at scale that one would wait for
 * the other's work.
 */
export async function lockTenantScope(em: EntityManager, scope: string): Promise<void> {
  const tenantId = boundTenantId(em);
  const trx = em.getTransactionContext();
  if (!tenantId || !trx) throw new TenantWriteViolation('a tenant lock needs a bound fork inside a transaction');
  await em.getConnection().execute('select pg_advisory_xact_lock(hashtextextended(?, 0))', [`${scope}:${tenantId}`], 'all', trx);
}
