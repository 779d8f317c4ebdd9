import { Args, Ctx, Mutation, Resolver } from 'type-graphql';
import type { RequestContext } from '../../context';
import { MoveTenantArgs, MoveTenantPayload } from './transfer.types';

/** Platform operations that move hospitals' data; central work only, for SUPERADMIN. */
@Resolver()
export class TransferResolver {
  @Mutation(() => MoveTenantPayload, {
    description:
      'Moves a live hospital to another isolation mode (and, for DATABASE, server): copies while it serves, holds its requests only for ' +
      'the final switch, verifies counts and checksums, then removes the old placement. On failure the hospital stays where it was.',
  })
  async moveTenant(@Args() { slug, to, server }: MoveTenantArgs, @Ctx() ctx: RequestContext): Promise<MoveTenantPayload> {
    return MoveTenantPayload.from(await ctx.services.tenancy.transfer.move(slug, to, { server: server ?? undefined, stop: ctx.deadline }));
  }
}
