import { Arg, Args, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../../context';
import { TenantStatus } from '../../tenancy';
import { Connection } from '../common/connection';
import { mapNodes } from '../common/paginate';
import { TenantsArgs } from './tenant.inputs';
import { CreateTenantInput, TenantNode } from './tenant.types';
import * as tenants from './tenant.service';

const TenantConnection = Connection(TenantNode, 'Tenant');

/** Platform operations; central work only, for SUPERADMIN. */
@Resolver(() => TenantNode)
export class TenantResolver {
  @Mutation(() => TenantNode, { description: 'Provisions a hospital, its placement and its first ADMIN user, all or nothing.' })
  async createTenant(@Arg('input') input: CreateTenantInput, @Ctx() ctx: RequestContext): Promise<TenantNode> {
    return TenantNode.from(await tenants.createTenant(ctx.services.tenancy, input));
  }

  @Query(() => TenantConnection)
  async tenants(@Args() args: TenantsArgs, @Ctx() ctx: RequestContext) {
    const page = await tenants.listTenants(ctx.services.tenancy, args);
    return mapNodes(page, (node) => TenantNode.from(node));
  }

  @Query(() => TenantNode, { nullable: true, description: 'The hospital with this slug, a deleted one included (status DELETED, until it is purged).' })
  async tenant(@Arg('slug') slug: string, @Ctx() ctx: RequestContext): Promise<TenantNode | null> {
    const record = await tenants.findTenant(ctx.services.tenancy, slug);
    return record ? TenantNode.from(record) : null;
  }

  @Mutation(() => TenantNode)
  async suspendTenant(@Arg('slug') slug: string, @Ctx() ctx: RequestContext): Promise<TenantNode> {
    return TenantNode.from(await ctx.services.tenancy.provisioner.setStatus(slug, TenantStatus.SUSPENDED));
  }

  @Mutation(() => TenantNode)
  async resumeTenant(@Arg('slug') slug: string, @Ctx() ctx: RequestContext): Promise<TenantNode> {
    return TenantNode.from(await ctx.services.tenancy.provisioner.setStatus(slug, TenantStatus.ACTIVE));
  }

  @Mutation(() => TenantNode, { description: 'Marks the hospital deleted: it stops resolving at once; its data is kept for the retention period.' })
  async deleteTenant(@Arg('slug') slug: string, @Ctx() ctx: RequestContext): Promise<TenantNode> {
    return TenantNode.from(await ctx.services.tenancy.lifecycle.softDelete(slug));
  }
}
