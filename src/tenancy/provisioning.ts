import type { MikroORM } from '@mikro-orm/core';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { BadInputError, ConflictError, NotFoundError } from '../errors';
import { Isolation, Plan, Tenant, TenantDomain, TenantStatus } from './catalog';
import type { IsolationStrategy } from './isolation/strategy';
import { derivePlacement, MAIN_SERVER, type Placement } from './placement';
import type { PoolRegistry } from './pools';
import type { CachedTenantStore } from './resolution/tenant-store';
import type { ServerRegistry } from './servers';
import { domainProblem, slugProblem } from './slug';
import { toTenantDetails, toTenantRecord, type TenantDetails, type TenantRecord } from './tenant-record';
import { runInTenant } from './tenant-session';

export interface NewTenant {
  slug: string;
  name: string;
  isolation: Isolation;
  plan: Plan;
  /** DATABASE only: the named server to place it on (default: main). */
  server?: string;
  domains?: string[];
  /** How to reach the hospital: contact email and phone, postal address (catalog only). */
  contactEmail?: string | null;
  contactPhone?: string | null;
  address?: string | null;
  /** Limits overriding the plan's. */
  maxUsers?: number | null;
  maxAssets?: number | null;
}

/** The steps of provisioning, in order; tests inject a failure after each. */
export type ProvisioningStep = 'catalog' | 'placement' | 'seed';

export interface ProvisioningOptions {
  /** Fills the new placement (e.g. the first ADMIN user), inside the tenant's own transaction. */
  seed?(em: EntityManager, tenant: TenantRecord): Promise<void>;
  /**
   * Creates and fills the placement in place of the isolation strategy's `create` (imports); it must
   * leave the placement at the latest tenant migration. A failure is undone like any other step.
   */
  placement?(tenant: TenantRecord, placement: Placement): Promise<void>;
  /** Test seam: called after each step. */
  afterStep?(step: ProvisioningStep): void | Promise<void>;
}

const TRIAL_DAYS = 30;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^\+?[0-9 ()./-]{5,30}$/;

/** Problems with a new hospital's contact details and limits, by field. */
export function contactProblems(input: Pick<NewTenant, 'contactEmail' | 'contactPhone' | 'address' | 'maxUsers' | 'maxAssets'>): Record<string, string> {
  const problems: Record<string, string> = {};
  const email = input.contactEmail?.trim();
  if (email && (!EMAIL.test(email) || email.length > 254)) problems.contactEmail = 'must be an email address';
  const phone = input.contactPhone?.trim();
  if (phone && !PHONE.test(phone)) problems.contactPhone = 'must be a phone number (digits, spaces, + ( ) . / -)';
  if (input.address && input.address.length > 500) problems.address = 'must be at most 500 characters';
  for (const key of ['maxUsers', 'maxAssets'] as const) {
    const value = input[key];
    if (value !== undefined && value !== null && (!Number.isInteger(value) || value < 0)) problems[key] = 'must be a whole number, 0 or more';
  }
  return problems;
}
const STALE_PROVISIONING_MS = 10 * 60_000;

/**
 * Creates, suspends, resumes and deletes hospitals. Creation is all-or-nothing: the catalog entry
 * (PROVISIONING, invisible to resolution), then the placement, then the seed, then ACTIVE; a failure
 * at any step undoes the earlier ones, so retrying the same slug works.
 */
export class TenantProvisioner {
  constructor(
    private readonly deps: {
      central: MikroORM;
      servers: ServerRegistry;
      pools: PoolRegistry;
      store: CachedTenantStore;
      strategies: Record<Isolation, IsolationStrategy>;
      baseDomain: string;
      latestMigration: string;
    },
  ) {}

  async create(input: NewTenant, options: ProvisioningOptions): Promise<TenantDetails> {
    const domains = this.validate(input);
    const tenant = await this.reserve(input, domains);
    const strategy = this.deps.strategies[tenant.isolation];
    const placement = { server: tenant.serverName, database: tenant.databaseName, schema: tenant.schemaName };
    try {
      await options.afterStep?.('catalog');
      const record = toTenantRecord(tenant);
      if (options.placement) await options.placement(record, placement);
      else await strategy.create(placement);
      await options.afterStep?.('placement');
      const seed = options.seed;
      if (seed) await runInTenant(this.deps.pools, record, (em) => seed(em, record));
      await options.afterStep?.('seed');
      tenant.status = TenantStatus.ACTIVE;
      tenant.migrationVersion = this.deps.latestMigration;
      await this.deps.central.em.fork().nativeUpdate(Tenant, { id: tenant.id }, { status: tenant.status, migrationVersion: tenant.migrationVersion });
      return toTenantDetails(tenant);
    } catch (error) {
      await this.undo(tenant).catch(() => undefined);
      throw error;
    }
  }

  async setStatus(slug: string, status: TenantStatus.ACTIVE | TenantStatus.SUSPENDED | TenantStatus.DELETED): Promise<TenantRecord> {
    const em = this.deps.central.em.fork();
    const tenant = await em.findOne(Tenant, { slug, status: { $in: [TenantStatus.ACTIVE, TenantStatus.SUSPENDED] } }, { populate: ['domains'] });
    if (!tenant) throw NotFoundError.forEntity('Hospital', slug);
    tenant.status = status;
    await em.flush();
    this.deps.store.invalidate(tenant.id);
    return toTenantRecord(tenant);
  }

  private validate(input: NewTenant): string[] {
    const problems: Record<string, string> = {};
    const slugIssue = slugProblem(input.slug);
    if (slugIssue) problems.slug = slugIssue;
    if (!input.name.trim() || input.name.length > 200) problems.name = 'must be 1–200 characters';
    const domains = (input.domains ?? []).map((d) => d.trim().toLowerCase());
    domains.forEach((d, i) => {
      const issue = domainProblem(d, this.deps.baseDomain);
      if (issue) problems[`domains[${i}]`] = issue;
    });
    if (new Set(domains).size !== domains.length) problems.domains = 'must not repeat';
    Object.assign(problems, contactProblems(input));
    if (input.server !== undefined && (input.isolation !== Isolation.DATABASE || !this.deps.servers.has(input.server))) {
      problems.server = input.isolation === Isolation.DATABASE ? 'is not a configured database server' : 'applies to DATABASE isolation only';
    }
    if (Object.keys(problems).length > 0) throw BadInputError.forFields(problems);
    return domains;
  }

  /** Inserts the PROVISIONING catalog entry; a duplicate slug or domain is a CONFLICT. */
  private async reserve(input: NewTenant, domains: string[]): Promise<Tenant> {
    const em = this.deps.central.em.fork();
    const existing = await em.findOne(Tenant, { slug: input.slug });
    if (existing && existing.status === TenantStatus.PROVISIONING && Date.now() - existing.createdAt.getTime() > STALE_PROVISIONING_MS) {
      await this.undo(existing); // left behind by a crashed process
    } else if (existing) {
      throw ConflictError.because(`A hospital with slug "${input.slug}" already exists`);
    }
    const tenant = em.create(Tenant, {
      slug: input.slug,
      name: input.name.trim(),
      isolation: input.isolation,
      plan: input.plan,
      contactEmail: input.contactEmail?.trim().toLowerCase() || null,
      contactPhone: input.contactPhone?.trim() || null,
      address: input.address?.trim() || null,
      maxUsers: input.maxUsers ?? null,
      maxAssets: input.maxAssets ?? null,
    } as Tenant);
    const placement = derivePlacement(input.isolation, tenant.id, this.deps.servers.mainDatabase, input.server ?? MAIN_SERVER);
    Object.assign(tenant, { serverName: placement.server, databaseName: placement.database, schemaName: placement.schema });
    if (input.plan === Plan.TRIAL) tenant.trialEndsAt = new Date(Date.now() + TRIAL_DAYS * 86_400_000);
    domains.forEach((hostname, i) => tenant.domains.add(em.create(TenantDomain, { tenant, hostname, isPrimary: i === 0 })));
    try {
      await em.flush();
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) throw ConflictError.because('That slug or domain is already taken');
      throw error;
    }
    return tenant;
  }

  private async undo(tenant: Tenant): Promise<void> {
    const placement = { server: tenant.serverName, database: tenant.databaseName, schema: tenant.schemaName };
    await this.deps.strategies[tenant.isolation].destroy(placement, tenant.id);
    await this.deps.central.em.fork().nativeDelete(Tenant, { id: tenant.id });
    this.deps.store.invalidate(tenant.id);
  }
}
