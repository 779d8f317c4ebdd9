import { hashPassword, passwordProblem } from '../../auth/passwords';
import { BadInputError } from '../../errors';
import { TenantStatus, type Tenancy, type TenantDetails } from '../../tenancy';
import { Tenant } from '../../tenancy/catalog';
import type { NewTenant } from '../../tenancy/provisioning';
import { toTenantDetails } from '../../tenancy/tenant-record';
import type { Page } from '../common/connection';
import { mapNodes, paginate } from '../common/paginate';
import { createUser } from '../users/user.service';

/**
 * Provisions a hospital with its first ADMIN user, all or nothing. The admin's password is hashed
 * while the placement is being created (argon2 runs on the thread pool), not before or after it.
 */
export async function createTenant(tenancy: Tenancy, input: NewTenant & { admin: { email: string; password: string } }) {
  const issue = passwordProblem(input.admin.password, input.admin.email);
  if (issue) throw BadInputError.forFields({ 'admin.password': issue });
  const passwordHash = hashPassword(input.admin.password);
  passwordHash.catch(() => undefined); // awaited by the seed; provisioning may fail before it gets there
  return tenancy.provisioner.create(input, {
    seed: async (em) => {
      await createUser(em, { email: input.admin.email, password: input.admin.password, roles: ['ADMIN'], displayName: 'Administrator' }, passwordHash);
    },
  });
}

const LISTED = [TenantStatus.ACTIVE, TenantStatus.SUSPENDED];

export async function listTenants(tenancy: Tenancy, args: { first: number; after?: string | null }): Promise<Page<TenantDetails>> {
  const page = await paginate(tenancy.central.em.fork(), Tenant, { status: { $in: LISTED } }, args, { slug: 'asc' }, { managed: true });
  await tenancy.central.em.fork().populate(page.edges.map((e) => e.node), ['domains']);
  return mapNodes(page, toTenantDetails);
}

export async function findTenant(tenancy: Tenancy, slug: string): Promise<TenantDetails | null> {
  const tenant = await tenancy.central.em.fork().findOne(Tenant, { slug, status: { $in: LISTED } }, { populate: ['domains'] });
  return tenant ? toTenantDetails(tenant) : null;
}
