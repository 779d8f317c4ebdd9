import { IsOptional, IsUUID, ValidateNested } from 'class-validator';
import { GraphQLDateTime } from 'graphql-scalars';
import { ArgsType, Field, ID, InputType } from 'type-graphql';
import { ConnectionArgs } from '../common/connection';
import { IsSupportedDate, NotBlank } from '../common/input-rules';
import { AuditOutcome } from './audit-entry.entity';

@InputType({ description: 'Every given condition must hold.' })
export class AuditLogFilter {
  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID('all', { message: 'actorId must be an id' })
  actorId?: string;

  @Field({ nullable: true, description: 'The GraphQL field, e.g. updatePatient.' })
  @IsOptional()
  @NotBlank()
  operation?: string;

  @Field(() => ID, { nullable: true, description: 'Entries that touched or read this record.' })
  @IsOptional()
  @IsUUID('all', { message: 'recordId must be an id' })
  recordId?: string;

  @Field(() => AuditOutcome, { nullable: true })
  @IsOptional()
  outcome?: AuditOutcome;

  @Field(() => GraphQLDateTime, { nullable: true, description: 'At or after this time.' })
  @IsOptional()
  @IsSupportedDate()
  from?: Date;

  @Field(() => GraphQLDateTime, { nullable: true, description: 'Before this time.' })
  @IsOptional()
  @IsSupportedDate()
  to?: Date;
}

@ArgsType()
export class AuditLogArgs extends ConnectionArgs {
  @Field(() => AuditLogFilter, { nullable: true })
  @IsOptional()
  @ValidateNested()
  filter?: AuditLogFilter;
}
