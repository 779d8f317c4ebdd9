import { IsOptional, IsUUID, Length, Matches } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { NotBlank } from '../common/input-rules';

const CODE = /^[A-Z0-9][A-Z0-9-]{0,19}$/;

@InputType()
export class CreateDepartmentInput {
  @Field()
  @Length(1, 100)
  @NotBlank()
  name!: string;

  @Field({ description: '1–20 upper-case letters, digits or hyphens.' })
  @Matches(CODE, { message: 'code must be 1–20 upper-case letters, digits or hyphens' })
  code!: string;
}

@InputType()
export class UpdateDepartmentInput {
  @Field({ nullable: true })
  @IsOptional()
  @Length(1, 100)
  @NotBlank()
  name?: string;
}

@InputType()
export class AssignStaffInput {
  @Field(() => ID)
  @IsUUID('all', { message: 'userId must be an id' })
  userId!: string;

  @Field(() => ID)
  @IsUUID('all', { message: 'departmentId must be an id' })
  departmentId!: string;

  @Field()
  @Length(1, 100)
  @NotBlank()
  jobTitle!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 100)
  @NotBlank()
  specialty?: string | null;
}
