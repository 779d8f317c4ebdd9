import { IsOptional, Length, Matches } from 'class-validator';
import { GraphQLLocalDate } from 'graphql-scalars';
import { ArgsType, Field, ID, InputType } from 'type-graphql';
import { ConnectionArgs } from '../common/connection';
import { IsBirthDate, NotBlank } from '../common/input-rules';

const MRN = /^[A-Za-z0-9][A-Za-z0-9-]{0,39}$/;
const MRN_MESSAGE = 'mrn must be 1–40 letters, digits or hyphens';

@InputType()
export class CreatePatientInput {
  @Field()
  @Length(1, 100)
  @NotBlank()
  firstName!: string;

  @Field()
  @Length(1, 100)
  @NotBlank()
  lastName!: string;

  @Field(() => GraphQLLocalDate)
  @IsBirthDate()
  birthDate!: string;

  @Field({ nullable: true, description: 'Generated (MRN-XXXXXXXX) when not given.' })
  @IsOptional()
  @Matches(MRN, { message: MRN_MESSAGE })
  mrn?: string;
}

@InputType()
export class UpdatePatientInput {
  @Field({ nullable: true })
  @IsOptional()
  @Length(1, 100)
  @NotBlank()
  firstName?: string;

  @Field({ nullable: true })
  @IsOptional()
  @Length(1, 100)
  @NotBlank()
  lastName?: string;

  @Field(() => GraphQLLocalDate, { nullable: true })
  @IsOptional()
  @IsBirthDate()
  birthDate?: string;

  @Field({ nullable: true })
  @IsOptional()
  @Matches(MRN, { message: MRN_MESSAGE })
  mrn?: string;
}

@ArgsType()
export class RecordClinicalNotesArgs {
  @Field(() => ID)
  patientId!: string;

  @Field(() => String, { nullable: true, description: 'The new notes; null clears them.' })
  @IsOptional()
  @NotBlank()
  notes?: string | null;
}

@ArgsType()
export class PatientsArgs extends ConnectionArgs {
  @Field({ nullable: true, description: 'Full-text match on names and MRN (any word order), or a prefix of a name or MRN.' })
  @IsOptional()
  @Length(1, 100)
  @NotBlank()
  search?: string;

  @Field({ defaultValue: false, description: 'Include archived patients.' })
  includeArchived: boolean = false;
}
