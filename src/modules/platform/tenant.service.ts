import { hashPassword, passwordProblem } from '../../auth/passwords';
import { SERVING, TenantStatus, type Tenancy, type TenantDetails } from '../../tenancy';
import { Tenant } from '../../tenancy/catalog';
import type { NewTenant } from '../../tenancy/provisioning';
import { toTenantDetails } from '../../tenancy/tenant-record';
import { emailProblem } from '../../text-rules';
import type { Page } from '../common/connection';
import { mapNodes, paginate } from '../common/paginate';
import { normaliseEmail } from '../users/email';
import { createUser } from '../users/user.service';

/** Problems with a new hospital's first ADMIN, by input path (`admin.email`, `admin.password`). */
function adminProblems(admin: { email: string; password: string }): Record<string, string> {
  const email = normaliseEmail(admin.email);
  const problems = { 'admin.email': emailProblem(email), 'admin.password': passwordProblem(admin.password, email) };
  return Object.fromEntries(Object.entries(problems).filter(([, problem]) => problem)) as Record<string, string>;
}

/**
 * Provisions a hospital with its first ADMIN user, all or nothing. The whole input, the ADMIN's email
 * and password included, is checked once, before anything is created. The admin's password is hashed
 * while the placement is being created (argon2 runs on the thread pool), not before or after it.
 */
export async function createTenant(tenancy: Tenancy, input: NewTenant & { admin: { email: string; password: string } }) {
  let passwordHash: Promise<string> | undefined;
  return tenancy.provisioner.create(input, {
    problems: adminProblems(input.admin),
    onChecked: () => {
      passwordHash = hashPassword(input.admin.password);
      passwordHash.catch(() => undefined); // awaited by the seed; provisioning may fail before it gets there
    },
    seed: async (em) => {
      await createUser(em, { email: input.admin.email, password: input.admin.password, roles: ['ADMIN'], displayName: 'Administrator' }, passwordHash);
    },
  });
}

/** Hospitals by slug: those serving, and with `includeDeleted` the deleted ones too (never one still being provisioned). */
export async function listTenants(tenancy: Tenancy, args: { first: number; after?: string | null; includeDeleted?: boolean }): Promise<Page<TenantDetails>> {
  const statuses = args.includeDeleted ? [...SERVING, TenantStatus.DELETED] : SERVING;
  const page = await paginate(tenancy.central.em.fork(), Tenant, { status: { $in: statuses } }, args, { slug: 'asc' }, { managed: true });
  await tenancy.central.em.fork().populate(page.edges.map((e) => e.node), ['domains']);
  return mapNodes(page, toTenantDetails);
}

/** The hospital with `slug`, deleted ones included (they keep their slug until purged); null while it is being provisioned. */
export async function findTenant(tenancy: Tenancy, slug: string): Promise<TenantDetails | null> {
  const tenant = await tenancy.central.em.fork().findOne(Tenant, { slug, status: { $ne: TenantStatus.PROVISIONING } }, { populate: ['domains'] });
  return tenant ? toTenantDetails(tenant) : null;
}
