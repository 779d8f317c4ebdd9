import { IsOptional, IsUUID, Length } from 'class-validator';
import { GraphQLLocalDate } from 'graphql-scalars';
import { Field, ID, InputType } from 'type-graphql';
import { IsSupportedDate } from '../common/input-rules';
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
  value!: string;

  @Field({ nullable: true })
  @IsOptional()
  @Length(1, 100)
  label?: string;
}

@InputType()
export class RecordAllergyInput {
  @Field(() => ID)
  @IsUUID('all', { message: 'patientId must be an id' })
  patientId!: string;

  @Field()
  @Length(1, 200)
  substance!: string;

  @Field({ nullable: true })
  @IsOptional()
  @Length(1, 500)
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
  provider!: string;

  @Field()
  @Length(1, 100)
  policyNumber!: string;

  @Field(() => GraphQLLocalDate, { nullable: true })
  @IsOptional()
  @IsSupportedDate()
  validUntil?: string;
}
