import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../context';
import { Connection } from '../common/connection';
import { tenantEm } from '../common/tenant-em';
import { Patient } from '../patients/patient.entity';
import { User } from '../users/user.entity';
import { LabOrder, LabOrderStatus, LabResult } from './lab.entity';
import { LabOrdersArgs, OrderLabTestInput, RecordLabResultInput } from './lab.inputs';
import * as lab from './lab.service';

const LabOrderConnection = Connection(LabOrder, 'LabOrder');

function actorId(ctx: RequestContext): string | null {
  return ctx.principal?.kind === 'tenant' ? ctx.principal.id : null;
}

@Resolver(() => LabOrder)
export class LabResolver {
  @Query(() => LabOrderConnection, { description: 'Lab orders, newest first.' })
  async labOrders(@Args() args: LabOrdersArgs, @Ctx() ctx: RequestContext) {
    return lab.listLabOrders(await tenantEm(ctx), args);
  }

  @Query(() => LabOrder, { nullable: true })
  labOrder(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<LabOrder | null> {
    return ctx.loaders.labOrder.load(id);
  }

  @Mutation(() => LabOrder)
  async orderLabTest(@Arg('input') input: OrderLabTestInput, @Ctx() ctx: RequestContext): Promise<LabOrder> {
    return lab.orderLabTest(await tenantEm(ctx), input, actorId(ctx));
  }

  @Mutation(() => LabOrder, { description: 'ORDERED → COLLECTED.' })
  async collectLabSample(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<LabOrder> {
    return lab.setLabOrderStatus(await tenantEm(ctx), id, LabOrderStatus.COLLECTED);
  }

  @Mutation(() => LabOrder, { description: 'Cancels an order that has no result yet.' })
  async cancelLabOrder(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<LabOrder> {
    return lab.setLabOrderStatus(await tenantEm(ctx), id, LabOrderStatus.CANCELLED);
  }

  @Mutation(() => LabResult)
  async recordLabResult(@Arg('input') input: RecordLabResultInput, @Ctx() ctx: RequestContext): Promise<LabResult> {
    return lab.recordLabResult(await tenantEm(ctx), input, actorId(ctx));
  }

  @FieldResolver(() => Patient)
  async patient(@Root() o: LabOrder, @Ctx() ctx: RequestContext): Promise<Patient> {
    return (await ctx.loaders.patient.load(o.patientId))!;
  }

  @FieldResolver(() => User)
  async orderedBy(@Root() o: LabOrder, @Ctx() ctx: RequestContext): Promise<User> {
    return (await ctx.loaders.user.load(o.orderedById))!;
  }

  @FieldResolver(() => [LabResult])
  results(@Root() o: LabOrder, @Ctx() ctx: RequestContext): Promise<LabResult[]> {
    return ctx.loaders.labResultsByOrder.load(o.id);
  }
}
