import type { Isolation, Plan, Tenant, TenantStatus } from './catalog';
import type { Placement } from './placement';

/** An immutable snapshot of a catalog entry, safe to cache and to hand to request code. */
export interface TenantRecord {
  readonly id: string;
  readonly slug: string;
  readonly name: string;
  readonly isolation: Isolation;
  readonly plan: Plan;
  readonly status: TenantStatus;
  readonly placement: Placement;
  readonly domains: readonly string[];
  readonly createdAt: Date;
  /**
   * End of the hospital's one trial (read-only afterwards while on TRIAL); kept when it leaves TRIAL,
   * so that coming back resumes that trial rather than starting another; null if never on TRIAL.
   */
  readonly trialEndsAt?: Date | null;
  /**
   * The hospital's own limits, set by the platform team; each replaces its plan's (users; patients,
   * the "assets" of create-tenant and bulk files) on any plan, 0 allowing none. null: the plan decides.
   * Carried here so that a request checks them without reading the catalog again.
   */
  readonly maxUsers: number | null;
  readonly maxAssets: number | null;
}

export function toTenantRecord(t: Tenant): TenantRecord {
  return Object.freeze({
    id: t.id,
    slug: t.slug,
    name: t.name,
    isolation: t.isolation,
    plan: t.plan,
    status: t.status,
    placement: Object.freeze({ server: t.serverName, database: t.databaseName, schema: t.schemaName }),
    domains: Object.freeze(t.domains.isInitialized() ? t.domains.getItems().map((d) => d.hostname) : []),
    createdAt: t.createdAt,
    trialEndsAt: t.trialEndsAt,
    maxUsers: t.maxUsers,
    maxAssets: t.maxAssets,
  });
}

/** A catalog entry with what operators see besides the record: contact details, limits and lifecycle. */
export interface TenantDetails extends TenantRecord {
  readonly contactEmail: string | null;
  readonly contactPhone: string | null;
  readonly address: string | null;
  readonly deletedAt: Date | null;
  readonly purgeAfter: Date | null;
  readonly legalHold: boolean;
  readonly legalHoldReason: string | null;
}

export function toTenantDetails(t: Tenant): TenantDetails {
  return Object.freeze({
    ...toTenantRecord(t),
    contactEmail: t.contactEmail,
    contactPhone: t.contactPhone,
    address: t.address,
    deletedAt: t.deletedAt,
    purgeAfter: t.purgeAfter,
    legalHold: t.legalHold,
    legalHoldReason: t.legalHoldReason,
  });
}
