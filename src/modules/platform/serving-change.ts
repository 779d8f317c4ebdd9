import { ConflictError, NotFoundError } from '../../errors';
import { SERVING, type Tenancy, type TenantRecord } from '../../tenancy';
import { Tenant } from '../../tenancy/catalog';
import { toTenantRecord } from '../../tenancy/tenant-record';

/** Changes that meet another change of the same fields re-read the hospital this many times. */
const ATTEMPTS = 3;

/** A change to one serving hospital's catalog entry: the fields it writes and those it builds on. */
export interface ServingChange<K extends keyof Tenant> {
  /** The fields `write` depends on or the answer shows: it writes only if they still hold what was read. */
  readonly reads: readonly K[];
  /** What to write, from the entry as read. */
  write(tenant: Tenant): Partial<Tenant>;
  /** What is changing, for the CONFLICT after ATTEMPTS ("the plan", "the limits"). */
  readonly what: string;
}

/**
 * Writes `change` to the hospital `slug` (central work) as a conditional write: only to a hospital
 * still serving (ACTIVE or SUSPENDED) and whose `reads` still hold what was read. A hospital deleted
 * meanwhile is NOT_FOUND; another change of the same fields meanwhile is read again and built on, as
 * if it had come first. Drops the hospital's cached catalog entry on every gateway, so that the next
 * request sees the change. Returns the entry as written.
 */
export async function changeServingTenant<K extends keyof Tenant>(tenancy: Tenancy, slug: string, change: ServingChange<K>): Promise<TenantRecord> {
  const em = tenancy.central.em.fork();
  for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
    const tenant = await em.fork().findOne(Tenant, { slug, status: { $in: SERVING } }, { populate: ['domains'] });
    if (!tenant) throw NotFoundError.forEntity('Hospital', slug);
    const written = { ...change.write(tenant), updatedAt: new Date() };
    const unchanged = Object.fromEntries(change.reads.map((field) => [field, tenant[field]]));
    if ((await em.nativeUpdate(Tenant, { ...unchanged, id: tenant.id, status: { $in: SERVING } }, written)) === 1) {
      tenancy.store.invalidate(tenant.id);
      return toTenantRecord(Object.assign(tenant, written));
    }
  }
  throw ConflictError.because(`The ${change.what} of "${slug}" kept changing while it was being changed; try again`);
}
