import { IsOptional, IsUUID, Length, ValidateNested } from 'class-validator';
import { GraphQLDateTime } from 'graphql-scalars';
import { ArgsType, Field, ID, InputType, registerEnumType } from 'type-graphql';
import { ConnectionArgs } from '../common/connection';
import { IsSupportedDate, NotBlank } from '../common/input-rules';
import { AppointmentStatus } from './appointment.entity';

@InputType()
export class CreateAppointmentInput {
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

  @Field(() => GraphQLDateTime)
  @IsSupportedDate()
  startsAt!: Date;

  @Field(() => GraphQLDateTime)
  @IsSupportedDate()
  endsAt!: Date;

  @Field({ nullable: true })
  @IsOptional()
  @Length(0, 500)
  @NotBlank()
  reason?: string;
}

@ArgsType()
export class RescheduleAppointmentArgs {
  @Field(() => ID)
  id!: string;

  @Field(() => GraphQLDateTime)
  @IsSupportedDate()
  startsAt!: Date;

  @Field(() => GraphQLDateTime)
  @IsSupportedDate()
  endsAt!: Date;
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
