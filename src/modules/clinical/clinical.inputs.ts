import { IsInt, IsNumber, IsOptional, IsUUID, Length, Matches, Max, Min } from 'class-validator';
import { ArgsType, Field, Float, ID, InputType, Int } from 'type-graphql';
import { ConnectionArgs } from '../common/connection';
import { NotBlank } from '../common/input-rules';

const ICD10 = /^[A-TV-Z][0-9][0-9AB](\.[0-9A-TV-Z]{1,4})?$/;

@InputType()
export class CreateEncounterInput {
  @Field(() => ID)
  @IsUUID('all', { message: 'patientId must be an id' })
  patientId!: string;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID('all', { message: 'departmentId must be an id' })
  departmentId?: string | null;

  @Field(() => ID, { nullable: true, description: 'The appointment this encounter belongs to (same patient).' })
  @IsOptional()
  @IsUUID('all', { message: 'appointmentId must be an id' })
  appointmentId?: string | null;

  @Field({ nullable: true })
  @IsOptional()
  @Length(0, 20_000)
  @NotBlank()
  notes?: string;
}

@InputType()
export class AddDiagnosisInput {
  @Field(() => ID)
  @IsUUID('all', { message: 'encounterId must be an id' })
  encounterId!: string;

  @Field({ description: 'ICD-10 code, e.g. J45.909.' })
  @Matches(ICD10, { message: 'icd10Code must be an ICD-10 code such as J45.909' })
  icd10Code!: string;

  @Field()
  @Length(1, 500)
  @NotBlank()
  description!: string;
}

@InputType()
export class PrescribeMedicationInput {
  @Field(() => ID)
  @IsUUID('all', { message: 'encounterId must be an id' })
  encounterId!: string;

  @Field()
  @Length(1, 200)
  @NotBlank()
  medication!: string;

  @Field()
  @Length(1, 100)
  @NotBlank()
  dosage!: string;

  @Field()
  @Length(1, 100)
  @NotBlank()
  frequency!: string;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(365)
  durationDays?: number | null;
}

@InputType()
export class RecordVitalsInput {
  @Field(() => ID)
  @IsUUID('all', { message: 'patientId must be an id' })
  patientId!: string;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID('all', { message: 'encounterId must be an id' })
  encounterId?: string | null;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @Min(20)
  @Max(300)
  heartRate?: number | null;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @Min(40)
  @Max(300)
  systolic?: number | null;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @Min(20)
  @Max(200)
  diastolic?: number | null;

  @Field(() => Float, { nullable: true })
  @IsOptional()
  @IsNumber()
  @Min(25)
  @Max(45)
  temperatureC?: number | null;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @Min(1)
  @Max(100)
  respiratoryRate?: number | null;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @Min(0)
  @Max(100)
  oxygenSaturation?: number | null;
}

@ArgsType()
export class EncountersArgs extends ConnectionArgs {
  @Field(() => ID)
  @IsUUID('all', { message: 'patientId must be an id' })
  patientId!: string;
}
