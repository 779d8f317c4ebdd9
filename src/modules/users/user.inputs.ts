import { IsOptional, Length } from 'class-validator';
import { Field, InputType } from 'type-graphql';
import { NotBlank } from '../common/input-rules';
import { TenantRoleEnum } from './roles';

@InputType()
export class CreateUserInput {
  @Field()
  email!: string;

  @Field({ description: '12–200 characters; the user changes it with changePassword.' })
  password!: string;

  @Field(() => TenantRoleEnum, { description: 'First role; setUserRoles gives more.' })
  role!: TenantRoleEnum;

  @Field({ nullable: true })
  @IsOptional()
  @Length(1, 200)
  @NotBlank()
  displayName?: string;
}
