import { IsOptional, IsUrl, Length, Matches } from 'class-validator';
import { Field, InputType } from 'type-graphql';
import { NotBlank } from '../common/input-rules';
import { HospitalModule } from './settings.entity';

@InputType({ description: 'Only the fields given change; null clears a branding field.' })
export class UpdateHospitalSettingsInput {
  @Field({ nullable: true })
  @IsOptional()
  @NotBlank()
  timezone?: string;

  @Field({ nullable: true })
  @IsOptional()
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code such as EUR' })
  currency?: string;

  @Field({ nullable: true })
  @IsOptional()
  @NotBlank()
  locale?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 200)
  @NotBlank()
  brandName?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsUrl({ protocols: ['https'], require_protocol: true }, { message: 'logoUrl must be an https URL' })
  logoUrl?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(/^#[0-9A-Fa-f]{6}$/, { message: 'primaryColor must be a hex colour such as #0057B8' })
  primaryColor?: string | null;

  @Field({ nullable: true, description: 'Require a second factor of every user; users without one can only enrol until they do.' })
  @IsOptional()
  requireMfa?: boolean;

  @Field(() => [HospitalModule], { nullable: true })
  @IsOptional()
  enabledModules?: HospitalModule[];
}
