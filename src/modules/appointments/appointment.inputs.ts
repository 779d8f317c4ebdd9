import { IsOptional, IsUUID, Length, ValidateNested } from 'class-validator';
import { GraphQLDateTime } from 'graphql-scalars';
import { ArgsType, Field, ID, InputType, registerEnumType } from 'type-graphql';
import { ConnectionArgs } from '../common/connection';
import { IsSupportedDate, NotBlank } from '../common/input-rules';
import { AppointmentStatus } from './appointment.entity';

/**
 * When an appointment takes place, as a booking and a reschedule take it: the same fields and checks.
 * Both decorators, so an input type and an args type can each extend it (type-graphql reads a
 * class's inherited fields only from a parent of its own kind); on its own it is in no schema.
 */
@InputType()
@ArgsType()
export class AppointmentTimesFields {
  @Field(() => GraphQLDateTime)
  @IsSupportedDate()
  startsAt!: Date;

  @Field(() => GraphQLDateTime)
  @IsSupportedDate()
  endsAt!: Date;
}

@InputType()
export class CreateAppointmentInput extends AppointmentTimesFields {
  @Field(() => ID)
  @IsUUID('all', { message: 'patientId must be an id' })
  patientId!: string;

  @Field(() => ID, { description: 'A hospital user who holds the DOCTOR or NURSE role.' })
  @IsUUID('all', { message: 'clinicianId must be an id' })
  clinicianId!: string;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID('all', { message: 'departmentId must be an id' })
  departmentId?: string | null;

  @Field({ nullable: true })
  @IsOptional()
  @Length(0, 500)
  @NotBlank()
  reason?: string;
}

@ArgsType()
export class RescheduleAppointmentArgs extends AppointmentTimesFields {
  @Field(() => ID)
  id!: string;
}

export enum AppointmentSort {
  STARTS_AT_ASC = 'STARTS_AT_ASC',
  STARTS_AT_DESC = 'STARTS_AT_DESC',
}
registerEnumType(AppointmentSort, { name: 'AppointmentSort' });

@InputType({ description: 'All given conditions must hold.' })
export class AppointmentFilter {
  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID('all', { message: 'patientId must be an id' })
  patientId?: string;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID('all', { message: 'clinicianId must be an id' })
  clinicianId?: string;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID('all', { message: 'departmentId must be an id' })
  departmentId?: string;

  @Field(() => [AppointmentStatus], { nullable: true })
  @IsOptional()
  status?: AppointmentStatus[];

  @Field(() => GraphQLDateTime, { nullable: true, description: 'Starts at or after.' })
  @IsOptional()
  @IsSupportedDate()
  from?: Date;

  @Field(() => GraphQLDateTime, { nullable: true, description: 'Starts before.' })
  @IsOptional()
  @IsSupportedDate()
  to?: Date;
}

@ArgsType()
export class AppointmentsArgs extends ConnectionArgs {
  @Field(() => AppointmentFilter, { nullable: true })
  @IsOptional()
  @ValidateNested()
  filter?: AppointmentFilter;

  @Field(() => AppointmentSort, { defaultValue: AppointmentSort.STARTS_AT_ASC })
  sort: AppointmentSort = AppointmentSort.STARTS_AT_ASC;
}
