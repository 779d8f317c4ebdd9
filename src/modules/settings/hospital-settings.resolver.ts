import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../../context';
import { tenantEm } from '../common/tenant-em';
import { HospitalSettings } from './hospital-settings.entity';
import { UpdateHospitalSettingsInput } from './hospital-settings.inputs';
import * as settings from './hospital-settings.service';

@Resolver(() => HospitalSettings)
export class HospitalSettingsResolver {
  @Query(() => HospitalSettings)
  async hospitalSettings(@Ctx() ctx: RequestContext): Promise<HospitalSettings> {
    return settings.getHospitalSettings(await tenantEm(ctx));
  }

  @Mutation(() => HospitalSettings)
  async updateHospitalSettings(@Arg('input') input: UpdateHospitalSettingsInput, @Ctx() ctx: RequestContext): Promise<HospitalSettings> {
    return settings.updateHospitalSettings(await tenantEm(ctx), input);
  }
}
