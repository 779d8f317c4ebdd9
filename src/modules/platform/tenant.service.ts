import { passwordProblem } from '../../auth/passwords';
import { BadInputError } from '../../errors';
import { TenantStatus, type Tenancy, type TenantDetails } from '../../tenancy';
import { Tenant } from '../../tenancy/catalog';
import type { NewTenant } from '../../tenancy/provisioning';
import { toTenantDetails } from '../../tenancy/tenant-record';
import type { Page } from '../common/connection';
import { mapNodes, paginate } from '../common/paginate';
import { createUser } from '../users/user.service';

/** Provisions a hospital with its first ADMIN user, all or nothing. */
export async function createTenant(tenancy: Tenancy, input: NewTenant & { admin: { email: string; password: string } }) {
  const issue = passwordProblem(input.admin.password);
  if (issue) throw BadInputError.forFields({ 'admin.password': issue });
  return tenancy.provisioner.create(input, {
    seed: async (em) => {
      await createUser(em, { email: input.admin.email, password: input.admin.password, roles: ['ADMIN'], displayName: 'Administrator' });
    },
  });
}

const LISTED = [TenantStatus.ACTIVE, TenantStatus.SUSPENDED];

export async function listTenants(tenancy: Tenancy, args: { first: number; after?: string | null }): Promise<Page<TenantDetails>> {
  const page = await paginate(tenancy.central.em.fork(), Tenant, { status: { $in: LISTED } }, args, { slug: 'asc' });
  await tenancy.central.em.fork().populate(page.edges.map((e) => e.node), ['domains']);
  return mapNodes(page, toTenantDetails);
}

export async function findTenant(tenancy: Tenancy, slug: string): Promise<TenantDetails | null> {
  const tenant = await tenancy.central.em.fork().findOne(Tenant, { slug, status: { $in: LISTED } }, { populate: ['domains'] });
  return tenant ? toTenantDetails(tenant) : null;
}
