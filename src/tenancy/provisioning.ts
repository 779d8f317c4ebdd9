import type { FilterQuery, MikroORM } from '@mikro-orm/core';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { BadInputError, ConflictError, NotFoundError } from '../errors';
import { emailProblem, optionalLineProblem, optionalTextProblem, phoneProblem, singleLineProblem } from '../text-rules';
import { Isolation, Plan, SERVING, Tenant, TenantDomain, TenantStatus } from './catalog';
import type { IsolationStrategy } from './isolation/strategy';
import { derivePlacement, MAIN_SERVER, quoteIdent, type Placement } from './placement';
import type { PoolRegistry } from './pools';
import { ProvisioningLock } from './provisioning-lock';
import type { CachedTenantStore } from './resolution/tenant-store';
import type { ServerRegistry } from './servers';
import { writeEntryIf } from './serving-change';
import { domainProblem, slugProblem } from './slug';
import { toTenantDetails, toTenantRecord, type TenantDetails, type TenantRecord } from './tenant-record';
import { runInTenant } from './tenant-session';

export interface NewTenant {
  slug: string;
  name: string;
  isolation: Isolation;
  plan: Plan;
  /** DATABASE only: the named server to place it on (null or absent: main). */
  server?: string | null;
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
  /** Problems the caller found in its own part of the input (e.g. the first ADMIN's, as `admin.email`), reported with the rest. */
  problems?: Record<string, string>;
  /** Called once the whole input passed its check, before anything is created (e.g. to start slow work that runs alongside). */
  onChecked?(): void;
  /** Fills the new placement (e.g. the first ADMIN user), inside the tenant's own transaction. */
  seed?(em: EntityManager, tenant: TenantRecord): Promise<void>;
  /**
   * Creates and fills the placement in place of the isolation strategy's `create` (imports); it must
   * leave the placement at the latest tenant migration. A failure is undone like any other step.
   */
  placement?(tenant: TenantRecord, placement: Placement): Promise<void>;
  /**
   * The end of the hospital's one trial, when it had one before (an import keeps its archive's):
   * undefined starts a trial for a hospital created on TRIAL; null records that it never had one.
   */
  trialEndsAt?: Date | null;
  /** Test seam: called after each step. */
  afterStep?(step: ProvisioningStep): void | Promise<void>;
}

/**
 * A placement that a failed provisioning could not remove (e.g. its server was unreachable). Its
 * catalog entry is deleted all the same, so that the slug can be retried at once; nothing records the
 * placement any more, so an operator removes it by hand with `cleanup`.
 */
export interface LeftBehind {
  tenantId: string;
  slug: string;
  isolation: Isolation;
  placement: Placement;
  error: unknown;
  /** What removes it, by hand. */
  cleanup: string;
}

/** How to remove a placement that provisioning left behind (what the isolation strategy's `destroy` does). */
export function cleanupOf(isolation: Isolation, placement: Placement, tenantId: string): string {
  const where = `on server "${placement.server}"`;
  if (isolation === Isolation.DATABASE) return `drop database if exists ${quoteIdent(placement.database)} with (force); -- ${where}`;
  if (isolation === Isolation.SCHEMA) return `drop schema if exists ${quoteIdent(placement.schema)} cascade; -- in database "${placement.database}" ${where}`;
  return (
    `begin; set constraints all deferred; select set_config('sovereign.purging_tenant', '${tenantId}', true); ` +
    `delete from ${quoteIdent(placement.schema)}.<each table, children before parents> where tenant_id = '${tenantId}'; commit; -- in database "${placement.database}" ${where}`
  );
}

function warnSweepFailed(error: unknown, slug?: string): void {
  const cause = error instanceof Error ? error.message : String(error);
  process.emitWarning(`removing ${slug ? `the provisioning of "${slug}" that died part-way` : 'provisionings that died part-way'} failed (${cause}); the next sweep tries again`);
}

function warnLeftBehind(left: LeftBehind): void {
  const cause = left.error instanceof Error ? left.error.message : String(left.error);
  process.emitWarning(`provisioning of "${left.slug}" failed and its placement could not be removed (${cause}); remove it by hand: ${left.cleanup}`);
}

const TRIAL_DAYS = 30;

/** When a trial that starts now ends (TRIAL_DAYS on): a hospital created on TRIAL, or entering it for the first time. */
export function newTrialEnd(): Date {
  return new Date(Date.now() + TRIAL_DAYS * 86_400_000);
}

/** The largest per-hospital limit: the catalog's limit columns are PostgreSQL `integer`. */
const MAX_LIMIT = 2_147_483_647;

/** What is wrong with a per-hospital limit (maxUsers, maxAssets), if anything: a whole number from 0 to MAX_LIMIT. */
export function limitProblem(value: number): string | undefined {
  return Number.isInteger(value) && value >= 0 && value <= MAX_LIMIT ? undefined : `must be a whole number from 0 to ${MAX_LIMIT}`;
}

/** What is wrong with a hospital's name, if anything: 1–200 characters on one line. */
export function hospitalNameProblem(name: string): string | undefined {
  return singleLineProblem(name, 200);
}

/**
 * Problems with a new hospital's contact details and limits, by field. Null or absent means none;
 * blank text is refused, as everywhere in the API.
 */
export function contactProblems(input: Pick<NewTenant, 'contactEmail' | 'contactPhone' | 'address' | 'maxUsers' | 'maxAssets'>): Record<string, string> {
  const problems: Record<string, string | undefined> = {
    contactEmail: optionalTextProblem(input.contactEmail, (email) => emailProblem(email.trim())),
    contactPhone: optionalTextProblem(input.contactPhone, phoneProblem),
    address: optionalTextProblem(input.address, (address) => optionalLineProblem(address, 500)),
  };
  for (const key of ['maxUsers', 'maxAssets'] as const) {
    const value = input[key];
    problems[key] = value === undefined || value === null ? undefined : limitProblem(value);
  }
  return Object.fromEntries(Object.entries(problems).filter(([, problem]) => problem)) as Record<string, string>;
}
const STALE_PROVISIONING_MS = 10 * 60_000;

/**
 * Creates, suspends, resumes and deletes hospitals. Creation is all-or-nothing: the catalog entry
 * (PROVISIONING, invisible to resolution), then the placement, then the seed, then ACTIVE; a failure
 * at any step undoes the earlier ones, so retrying the same slug works. Throughout, the process holds
 * the hospital's ProvisioningLock, so that no other attempt takes over an entry still being built.
 */
export class TenantProvisioner {
  /** Told of every placement a failed provisioning could not remove (the gateway logs it). */
  onLeftBehind: (left: LeftBehind) => void = warnLeftBehind;
  /** Told when the sweep of abandoned provisionings could not remove one (`slug`), or could not run at all. */
  onSweepFailed: (error: unknown, slug?: string) => void = warnSweepFailed;
  /** The sweep of abandoned provisionings under way in this process, if any. */
  private sweep: Promise<string[]> | undefined;

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
    const domains = this.check(input, options.problems);
    options.onChecked?.();
    // Only abandoned entries in this hospital's way are waited for; the sweep of the others is not, so an
    // entry whose server hangs or fails holds up and fails no other provisioning.
    await this.clearTheWay(input.slug, domains);
    this.removeAbandoned().catch((error: unknown) => this.onSweepFailed(error));
    const { tenant, lock } = await this.reserve(input, domains, options.trialEndsAt);
    try {
      return await this.provision(tenant, options);
    } finally {
      await lock.release();
    }
  }

  private async provision(tenant: Tenant, options: ProvisioningOptions): Promise<TenantDetails> {
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
      const done = { status: TenantStatus.ACTIVE, migrationVersion: this.deps.latestMigration };
      // Only the entry this attempt wrote, still PROVISIONING: never one that replaced it.
      const written = await writeEntryIf(this.deps.central.em.fork(), tenant.id, { status: TenantStatus.PROVISIONING }, done);
      if (!written) throw ConflictError.because(`The provisioning of "${tenant.slug}" lost its catalog entry while it ran; nothing was created`);
      Object.assign(tenant, written);
      return toTenantDetails(tenant);
    } catch (error) {
      await this.undo(tenant).catch(() => undefined);
      throw error;
    }
  }

  /**
   * Suspends or resumes a hospital that serves requests; NOT_FOUND for any other. The write is
   * conditional on the hospital still serving, so a deletion that came first is never undone.
   */
  async setStatus(slug: string, status: TenantStatus.ACTIVE | TenantStatus.SUSPENDED): Promise<TenantRecord> {
    const em = this.deps.central.em.fork();
    const tenant = await em.findOne(Tenant, { slug, status: { $in: SERVING } }, { populate: ['domains'] });
    if (!tenant) throw NotFoundError.forEntity('Hospital', slug);
    const written = await writeEntryIf(em, tenant.id, { status: { $in: SERVING } }, { status });
    if (!written) throw NotFoundError.forEntity('Hospital', slug);
    Object.assign(tenant, written);
    this.deps.store.invalidate(tenant.id);
    return toTenantRecord(tenant);
  }

  /**
   * Checks a new hospital's input before anything is created, with `more` problems the caller found in
   * its own part of the input: BAD_USER_INPUT naming every field at once by its input path. Null or
   * absent optional text means none; blank text is a problem. Returns the custom domains, normalised.
   */
  private check(input: NewTenant, more: Record<string, string> = {}): string[] {
    const domains = (input.domains ?? []).map((d) => d.trim().toLowerCase());
    const problems: Record<string, string | undefined> = {
      slug: slugProblem(input.slug) ?? undefined,
      name: hospitalNameProblem(input.name),
      ...Object.fromEntries(domains.map((d, i) => [`domains[${i}]`, domainProblem(d, this.deps.baseDomain) ?? undefined])),
      domains: new Set(domains).size !== domains.length ? 'must not repeat' : undefined,
      ...contactProblems(input),
      server: optionalTextProblem(input.server, (server) => this.serverProblem(input.isolation, server)),
      ...more,
    };
    const found = Object.entries(problems).filter(([, problem]) => problem);
    if (found.length > 0) throw BadInputError.forFields(Object.fromEntries(found) as Record<string, string>);
    return domains;
  }

  /** Why `server` is refused for a hospital in `isolation`, or undefined. */
  private serverProblem(isolation: Isolation, server: string): string | undefined {
    if (isolation !== Isolation.DATABASE) return 'applies to DATABASE isolation only';
    return this.deps.servers.has(server) ? undefined : 'is not a configured database server';
  }

  /**
   * Removes every provisioning that died part-way (its process killed, its machine lost): entries left
   * PROVISIONING for over STALE_PROVISIONING_MS whose lock is free, with whatever of their placement was
   * made (as a failed provisioning undoes itself), so that none keeps its slug, its domains or a
   * half-made schema or database. Runs at start-up and with every `migrate`, which wait for it, and
   * beside every provisioning, which does not. One sweep at a time per process: a call while one runs
   * gets its result. Each entry is removed on its own: one that fails is reported to onSweepFailed and
   * left for the next sweep. A provisioning still running holds its lock and is left alone. Returns the
   * slugs removed.
   */
  removeAbandoned(): Promise<string[]> {
    this.sweep ??= this.sweepOnce().finally(() => (this.sweep = undefined));
    return this.sweep;
  }

  private async sweepOnce(): Promise<string[]> {
    return this.undoEach(await this.staleEntries({}));
  }

  /** Removes the abandoned entries that hold `slug` or one of `domains`, so that a retry takes them over. */
  private async clearTheWay(slug: string, domains: string[]): Promise<void> {
    await this.undoEach(await this.staleEntries({ $or: [{ slug }, ...(domains.length > 0 ? [{ domains: { hostname: { $in: domains } } }] : [])] }));
  }

  /** Entries matching `where` left PROVISIONING for over STALE_PROVISIONING_MS, oldest first. */
  private staleEntries(where: FilterQuery<Tenant>): Promise<Tenant[]> {
    const before = new Date(Date.now() - STALE_PROVISIONING_MS);
    return this.deps.central.em.fork().find(Tenant, { $and: [where, { status: TenantStatus.PROVISIONING, createdAt: { $lt: before } }] }, { orderBy: { createdAt: 'asc' } });
  }

  /** Undoes each abandoned entry of `stale` on its own (see removeAbandoned); the slugs removed. */
  private async undoEach(stale: Tenant[]): Promise<string[]> {
    const removed: string[] = [];
    for (const entry of stale) {
      try {
        if (await this.undoIfAbandoned(entry)) removed.push(entry.slug);
      } catch (error) {
        this.onSweepFailed(error, entry.slug);
      }
    }
    return removed;
  }

  /** Undoes `entry` when its lock is free (its process is gone) and it is still PROVISIONING; whether it did. */
  private async undoIfAbandoned(entry: Tenant): Promise<boolean> {
    const lock = await ProvisioningLock.take(this.catalogUrl, entry.id);
    if (!lock) return false;
    try {
      // Read again under the lock: another process may have removed it since.
      const still = await this.deps.central.em.fork().findOne(Tenant, { id: entry.id, status: TenantStatus.PROVISIONING });
      if (!still) return false;
      await this.undo(still);
      return true;
    } finally {
      await lock.release();
    }
  }

  /**
   * Takes the new hospital's lock, then inserts its PROVISIONING catalog entry; a duplicate slug or
   * domain is a CONFLICT (abandoned entries holding them were removed just before).
   */
  private async reserve(input: NewTenant, domains: string[], trialEndsAt: Date | null | undefined): Promise<{ tenant: Tenant; lock: ProvisioningLock }> {
    const em = this.deps.central.em.fork();
    const existing = await em.findOne(Tenant, { slug: input.slug });
    if (existing?.status === TenantStatus.PROVISIONING) throw ConflictError.because(`A hospital with slug "${existing.slug}" is still being provisioned`);
    if (existing) throw ConflictError.because(`A hospital with slug "${existing.slug}" already exists`);
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
    tenant.trialEndsAt = trialEndsAt ?? (input.plan === Plan.TRIAL ? newTrialEnd() : null);
    domains.forEach((hostname, i) => tenant.domains.add(em.create(TenantDomain, { tenant, hostname, isPrimary: i === 0 })));
    // Held before the entry exists: no other attempt ever sees this entry with its lock free while we live.
    const lock = await ProvisioningLock.take(this.catalogUrl, tenant.id);
    if (!lock) throw ConflictError.because('Another provisioning holds the same lock; try again');
    try {
      await em.flush();
    } catch (error) {
      await lock.release();
      if (error instanceof UniqueConstraintViolationException) throw ConflictError.because('That slug or domain is already taken');
      throw error;
    }
    return { tenant, lock };
  }

  /**
   * Removes a PROVISIONING entry and its placement. A placement that cannot be removed (its server
   * unreachable, or no longer configured) is reported to onLeftBehind and the entry removed all the
   * same, so that it never blocks the slug.
   */
  private async undo(tenant: Tenant): Promise<void> {
    const placement = { server: tenant.serverName, database: tenant.databaseName, schema: tenant.schemaName };
    try {
      await this.deps.strategies[tenant.isolation].destroy(placement, tenant.id);
    } catch (error) {
      this.onLeftBehind({ tenantId: tenant.id, slug: tenant.slug, isolation: tenant.isolation, placement, error, cleanup: cleanupOf(tenant.isolation, placement, tenant.id) });
    }
    await this.deps.central.em.fork().nativeDelete(Tenant, { id: tenant.id, status: TenantStatus.PROVISIONING });
    this.deps.store.invalidate(tenant.id);
  }

  /** The catalog's database, where the provisioning locks live. */
  private get catalogUrl(): string {
    return this.deps.servers.ownerUrl(MAIN_SERVER);
  }
}
