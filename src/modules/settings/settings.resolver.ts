import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../../context';
import { tenantEm } from '../common/tenant-em';
import { HospitalSettings } from './settings.entity';
import { UpdateHospitalSettingsInput } from './settings.inputs';
import * as settings from './settings.service';

@Resolver(() => HospitalSettings)
export class SettingsResolver {
  @Query(() => HospitalSettings, { description: 'The current hospital’s settings and branding.' })
  async hospitalSettings(@Ctx() ctx: RequestContext): Promise<HospitalSettings> {
    return settings.getSettings(await tenantEm(ctx));
  }

  @Mutation(() => HospitalSettings)
  async updateHospitalSettings(@Arg('input') input: UpdateHospitalSettingsInput, @Ctx() ctx: RequestContext): Promise<HospitalSettings> {
    return settings.updateSettings(await tenantEm(ctx), input);
  }
}
