import { IsOptional, IsUUID, Length } from 'class-validator';
import { GraphQLLocalDate } from 'graphql-scalars';
import { ArgsType, Field, ID, InputType } from 'type-graphql';
import { IsSupportedDate, NotBlank } from '../common/input-rules';
import { AllergySeverity, ContactKind } from './patient-details.entity';

@InputType()
export class AddPatientContactInput {
  @Field(() => ID)
  @IsUUID('all', { message: 'patientId must be an id' })
  patientId!: string;

  @Field(() => ContactKind)
  kind!: ContactKind;

  @Field()
  @Length(1, 300)
  @NotBlank()
  value!: string;

  @Field({ nullable: true })
  @IsOptional()
  @Length(1, 100)
  @NotBlank()
  label?: string;
}

@InputType()
export class RecordAllergyInput {
  @Field(() => ID)
  @IsUUID('all', { message: 'patientId must be an id' })
  patientId!: string;

  @Field()
  @Length(1, 200)
  @NotBlank()
  substance!: string;

  @Field({ nullable: true })
  @IsOptional()
  @Length(1, 500)
  @NotBlank()
  reaction?: string;

  @Field(() => AllergySeverity)
  severity!: AllergySeverity;
}

@InputType()
export class AddPatientInsuranceInput {
  @Field(() => ID)
  @IsUUID('all', { message: 'patientId must be an id' })
  patientId!: string;

  @Field()
  @Length(1, 200)
  @NotBlank()
  provider!: string;

  @Field()
  @Length(1, 100)
  @NotBlank()
  policyNumber!: string;

  @Field(() => GraphQLLocalDate, { nullable: true })
  @IsOptional()
  @IsSupportedDate()
  validUntil?: string;
}

@ArgsType()
export class SetPatientDepartmentArgs {
  @Field(() => ID)
  id!: string;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID('all', { message: 'departmentId must be an id' })
  departmentId?: string | null;
}
