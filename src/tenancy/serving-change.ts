import type { EntityManager, FilterQuery } from '@mikro-orm/core';
import { ConflictError, NotFoundError } from '../errors';
import { SERVING, Tenant } from './catalog';
import type { CachedTenantStore } from './resolution/tenant-store';
import { toTenantRecord, type TenantRecord } from './tenant-record';

/**
 * The one way a hospital's catalog entry is changed after it was read: `changes` are written to the
 * entry `id` only if it still matches `expected` (what the caller read and built on), and always with
 * `updatedAt` (a native update runs no ORM hooks). Returns what was written, or null when the entry no
 * longer matches (the caller answers as if the other change had come first).
 */
export async function writeEntryIf(em: EntityManager, id: string, expected: FilterQuery<Tenant>, changes: Partial<Tenant>): Promise<Partial<Tenant> | null> {
  const written = { ...changes, updatedAt: new Date() };
  const where = { ...(expected as object), id } as FilterQuery<Tenant>;
  return (await em.nativeUpdate(Tenant, where, written)) === 1 ? written : null;
}

/** Changes that meet another change of the same fields re-read the hospital this many times. */
const ATTEMPTS = 3;

/** A change to one serving hospital's catalog entry: the fields it writes and those it builds on. */
export interface ServingChange<K extends keyof Tenant> {
  /** The fields `write` depends on or the answer shows: it writes only if they still hold what was read. */
  readonly reads: readonly K[];
  /** What to write, from the entry as read (throwing refuses the change). */
  write(tenant: Tenant): Partial<Tenant>;
  /** Conditions on the entry beyond `reads`, from the entry as read (a field that must still be unset). */
  expects?(tenant: Tenant): FilterQuery<Tenant>;
  /** What is changing, for the CONFLICT after ATTEMPTS ("the plan", "the limits"). */
  readonly what: string;
}

/** A hospital's catalog entry before and after a change. */
export interface TenantChange {
  readonly before: TenantRecord;
  readonly after: TenantRecord;
}

/**
 * Writes `change` to the hospital `slug` (central work) with writeEntryIf: only to a hospital still
 * serving (ACTIVE or SUSPENDED) and whose `reads` still hold what was read. A hospital deleted
 * meanwhile is NOT_FOUND; another change of the same fields meanwhile is read again and built on, as
 * if it had come first. Drops the hospital's cached catalog entry on every gateway, so that the next
 * request sees the change. Returns the entry as read for the change and as written.
 */
export async function changeServingTenant<K extends keyof Tenant>(
  deps: { central: { em: EntityManager }; store: CachedTenantStore },
  slug: string,
  change: ServingChange<K>,
): Promise<TenantChange> {
  const em = deps.central.em.fork();
  for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
    const tenant = await em.fork().findOne(Tenant, { slug, status: { $in: SERVING } }, { populate: ['domains'] });
    if (!tenant) throw NotFoundError.forEntity('Hospital', slug);
    const unchanged = Object.fromEntries(change.reads.map((field) => [field, tenant[field]]));
    const expected = { ...unchanged, ...(change.expects?.(tenant) as object), status: { $in: SERVING } } as FilterQuery<Tenant>;
    const before = toTenantRecord(tenant);
    const written = await writeEntryIf(em, tenant.id, expected, change.write(tenant));
    if (written) {
      deps.store.invalidate(tenant.id);
      return { before, after: toTenantRecord(Object.assign(tenant, written)) };
    }
  }
  throw ConflictError.because(`The ${change.what} of "${slug}" kept changing while it was being changed; try again`);
}
