import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Ctx, Info, Mutation, Resolver } from 'type-graphql';
import type { RequestContext } from '../../context';
import { noteDetail } from '../../graphql/audit-fields';
import { Plan } from '../../tenancy';
import { describePlanChange } from './change-detail';
import { changeTenantPlan } from './tenant-plan.service';
import { TenantNode } from './tenant.types';

@Resolver(() => TenantNode)
export class TenantPlanResolver {
  @Mutation(() => TenantNode, {
    description:
      'Moves a hospital to another plan; takes effect on its next request. A hospital has one trial: the first move to TRIAL starts it ' +
      '(30 days), moving back to TRIAL resumes it, and once it has ended moving to TRIAL is CONFLICT.',
  })
  async changeTenantPlan(
    @Arg('slug') slug: string,
    @Arg('plan', () => Plan) plan: Plan,
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<TenantNode> {
    const change = await changeTenantPlan(ctx.services.tenancy, slug, plan);
    noteDetail(ctx.audit, info.path, describePlanChange(change));
    return TenantNode.from(change.after);
  }
}
