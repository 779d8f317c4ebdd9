import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Ctx, Info, Int, Mutation, Resolver } from 'type-graphql';
import type { RequestContext } from '../../context';
import { noteDetail } from '../../graphql/audit-fields';
import { describeLimitChange } from './change-detail';
import { changeTenantLimits } from './tenant-limits.service';
import { TenantNode } from './tenant.types';

const LIMIT = 'A whole number from 0 to 2147483647 (0 allows none); null clears it (the plan’s limit applies); left out, it stays.';

@Resolver(() => TenantNode)
export class TenantLimitsResolver {
  @Mutation(() => TenantNode, {
    description:
      'Sets, changes or clears a hospital’s own limits, which replace its plan’s; takes effect on its next request. ' +
      'A limit below what the hospital already has deletes nothing: further creates are refused.',
  })
  async changeTenantLimits(
    @Arg('slug') slug: string,
    @Arg('maxUsers', () => Int, { nullable: true, description: `Users. ${LIMIT}` }) maxUsers: number | null | undefined,
    @Arg('maxAssets', () => Int, { nullable: true, description: `Patients. ${LIMIT}` }) maxAssets: number | null | undefined,
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<TenantNode> {
    const change = await changeTenantLimits(ctx.services.tenancy, slug, { maxUsers, maxAssets });
    noteDetail(ctx.audit, info.path, describeLimitChange(change));
    return TenantNode.from(change.after);
  }
}
