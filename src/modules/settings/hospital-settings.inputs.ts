import { IsOptional } from 'class-validator';
import { Field, InputType } from 'type-graphql';

@InputType()
export class UpdateHospitalSettingsInput {
  @Field({ nullable: true, description: 'Require a second factor of every user; users without one can only enrol until they do.' })
  @IsOptional()
  requireMfa?: boolean;
}
