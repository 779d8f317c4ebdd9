import { Length } from 'class-validator';
import { Args, ArgsType, Ctx, Field, Query, Resolver } from 'type-graphql';
import type { TenantRole } from '../../auth/principal';
import type { RequestContext } from '../../context';
import { pageSize, PageSizeArgs } from '../common/connection';
import { NotBlank } from '../common/input-rules';
import { FRONT_DESK, LAB_READERS } from '../common/roles';
import { tenantEm } from '../common/tenant-em';
import { isModuleEnabled } from '../settings/module.rules';
import { HospitalModule } from '../settings/settings.entity';
import { search } from './search.service';
import { SearchHit } from './search.types';

@ArgsType()
class SearchArgs extends PageSizeArgs(20) {
  @Field()
  @Length(1, 100)
  @NotBlank()
  query!: string;
}

/** Whether the caller may read what `roles` may: a platform admin, or a hospital user or API key with one of them. */
function holds(ctx: RequestContext, roles: TenantRole[]): boolean {
  const principal = ctx.principal;
  if (!principal) return false;
  return principal.kind === 'platform' || principal.roles.some((r) => roles.includes(r));
}

@Resolver()
export class SearchResolver {
  @Query(() => [SearchHit], { description: 'Patients, appointments and lab orders of the current hospital matching `query`, best first (only the kinds the caller may see).' })
  async search(@Args() args: SearchArgs, @Ctx() ctx: RequestContext): Promise<SearchHit[]> {
    const em = await tenantEm(ctx);
    const scope = {
      appointments: holds(ctx, FRONT_DESK) && (await isModuleEnabled(ctx, HospitalModule.APPOINTMENTS)),
      labOrders: holds(ctx, LAB_READERS) && (await isModuleEnabled(ctx, HospitalModule.LAB)),
    };
    return search(em, args.query.trim(), pageSize(args.first), scope);
  }
}
