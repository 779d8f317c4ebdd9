import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { RequestContext } from '../../context';
import { Plan } from '../../tenancy';
import { changeTenantPlan } from './tenant-plan.service';
import { TenantNode } from './tenant.types';

@Resolver(() => TenantNode)
export class TenantPlanResolver {
  @Mutation(() => TenantNode, { description: 'Moves a hospital to another plan; takes effect on its next request.' })
  async changeTenantPlan(@Arg('slug') slug: string, @Arg('plan', () => Plan) plan: Plan, @Ctx() ctx: RequestContext): Promise<TenantNode> {
    return TenantNode.from(await changeTenantPlan(ctx.services.tenancy, slug, plan));
  }
}
