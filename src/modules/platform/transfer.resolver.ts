import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { RequestContext } from '../../context';
import { Isolation } from '../../tenancy';
import { MoveTenantPayload } from './transfer.types';

/** Platform operations that move hospitals' data; central work only, for SUPERADMIN. */
@Resolver()
export class TransferResolver {
  @Mutation(() => MoveTenantPayload, {
    description:
      'Moves a live hospital to another isolation mode (and, for DATABASE, server): copies while it serves, holds its requests only for ' +
      'the final switch, verifies counts and checksums, then removes the old placement. On failure the hospital stays where it was.',
  })
  async moveTenant(
    @Arg('slug') slug: string,
    @Arg('to', () => Isolation) to: Isolation,
    @Arg('server', () => String, { nullable: true, description: 'DATABASE only: the named database server (default: main).' }) server: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<MoveTenantPayload> {
    return MoveTenantPayload.from(await ctx.services.tenancy.transfer.move(slug, to, { server: server ?? undefined }));
  }
}
