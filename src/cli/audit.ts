import { userInfo } from 'node:os';
import { DomainError } from '../errors';
import { recordPlatformAudit } from '../modules/audit/audit.service';
import { TenantStatus, type Tenancy } from '../tenancy';
import { Tenant } from '../tenancy/catalog';
import type { TenantChange } from '../tenancy/serving-change';

function operator(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli';
  }
}

/**
 * What an operator action concerns, for the trail's hospital columns: the hospital concerned, or
 * none. Built by `hospital`, `newHospital` or NO_HOSPITAL.
 */
export interface AuditTarget {
  slug: string | null;
  /** The hospital exists before the action (its id is read from the catalog first: a purge removes it). */
  existing: boolean;
  /** False for an action on no hospital: an id in its result is only a record id. */
  hospital: boolean;
}

/** An action on an existing hospital. */
export const hospital = (slug: string): AuditTarget => ({ slug, existing: true, hospital: true });
/** An action that creates a hospital (its slug, when known before), known by id once created. */
export const newHospital = (slug?: string): AuditTarget => ({ slug: slug ?? null, existing: false, hospital: true });
/** An action on no hospital (a platform user, say). */
export const NO_HOSPITAL: AuditTarget = { slug: null, existing: false, hospital: false };

async function hospitalId(tenancy: Tenancy, slug: string | null): Promise<string | null> {
  if (slug === null) return null;
  const found = await tenancy.central.em.fork().findOne(Tenant, { slug, status: { $ne: TenantStatus.PROVISIONING } }, { fields: ['id'] }).catch(() => null);
  return found?.id ?? null;
}

/** What an entry records of an action's result: the record (and hospital) it names, and a note on what was set. */
export interface AuditedResult {
  id?: string;
  slug?: string;
  detail?: string;
}

/** A result that is itself the record, or nothing. */
const asRecorded = (result: unknown): AuditedResult => (result ?? {}) as AuditedResult;

/** A change of a hospital's catalog entry as its entry records it: the hospital, and `describe`'s account of what was set. */
export const recordedChange = (describe: (change: TenantChange) => string) => (change: TenantChange): AuditedResult => ({
  id: change.after.id,
  slug: change.after.slug,
  detail: describe(change),
});

/**
 * Runs one operator action and records it in the central platform audit (source CLI, the operating
 * system user as actor), whether it succeeds or fails; the action's error is rethrown. The entry's
 * tenant_id is always the hospital concerned (from the result, else the catalog), or null when the
 * action concerns none or the hospital does not exist; the id a result carries is its record id.
 * `recorded` reads that id, and a detail of what was set, from a result that is not the record itself.
 */
export async function audited<T>(
  tenancy: Tenancy,
  operation: string,
  target: AuditTarget,
  action: () => Promise<T>,
  recorded: (result: T) => AuditedResult = asRecorded,
): Promise<T> {
  const base = { operation, actorEmail: operator(), source: 'CLI' as const };
  const known = target.existing ? await hospitalId(tenancy, target.slug) : null;
  try {
    const result = await action();
    const found = recorded(result);
    const concerned = target.hospital ? { tenantId: found.id ?? known, tenantSlug: found.slug ?? target.slug } : { tenantId: null, tenantSlug: null };
    await recordPlatformAudit(tenancy.central, [{ ...base, outcome: 'SUCCESS', ...concerned, recordIds: found.id ? [found.id] : [], detail: found.detail ?? null }]);
    return result;
  } catch (error) {
    const code = error instanceof DomainError ? error.code : 'INTERNAL_SERVER_ERROR';
    await recordPlatformAudit(tenancy.central, [{ ...base, outcome: 'FAILURE', errorCode: code, tenantId: known, tenantSlug: target.slug }]).catch(() => undefined);
    throw error;
  }
}
