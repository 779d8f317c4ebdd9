import { Arg, Args, ArgsType, Ctx, Field, Mutation, Query, Resolver } from 'type-graphql';
import { IsOptional } from 'class-validator';
import type { RequestContext } from '../../context';
import { DemoRequestStatus } from '../../tenancy/catalog';
import { Connection, ConnectionArgs } from '../common/connection';
import { TenantNode } from '../platform/tenant.types';
import * as demos from './demo.service';
import { ConvertDemoPayload, ConvertDemoToTenantInput, DemoRequestNode, DemoRequestReceipt, RequestDemoInput } from './demo.types';

const DemoRequestConnection = Connection(DemoRequestNode, 'DemoRequest');

@ArgsType()
class DemoRequestsArgs extends ConnectionArgs {
  @Field(() => DemoRequestStatus, { nullable: true })
  @IsOptional()
  status?: DemoRequestStatus;
}

@Resolver()
export class DemoResolver {
  @Mutation(() => DemoRequestReceipt, { description: 'Asks for a demo (public, on the platform host; rate-limited per client address).' })
  async requestDemo(@Arg('input') input: RequestDemoInput, @Ctx() ctx: RequestContext): Promise<DemoRequestReceipt> {
    const request = await demos.requestDemo(ctx.services.tenancy.central, input, ctx.clientAddress);
    return { id: request.id, status: request.status };
  }

  @Query(() => DemoRequestConnection, { description: 'Demo requests, newest first (SUPERADMIN).' })
  async demoRequests(@Args() args: DemoRequestsArgs, @Ctx() ctx: RequestContext) {
    return demos.listDemoRequests(ctx.services.tenancy.central, args);
  }

  @Mutation(() => ConvertDemoPayload, { description: 'Provisions a hospital from a pending demo request (SUPERADMIN).' })
  async convertDemoToTenant(@Arg('input') input: ConvertDemoToTenantInput, @Ctx() ctx: RequestContext): Promise<ConvertDemoPayload> {
    const result = await demos.convertDemoToTenant(ctx.services.tenancy, input);
    return { tenant: TenantNode.from(result.tenant), adminEmail: result.adminEmail, initialPassword: result.initialPassword };
  }
}
