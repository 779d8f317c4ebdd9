import { IsOptional, Length } from 'class-validator';
import { Field, InputType } from 'type-graphql';
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
  @Length(0, 200)
  displayName?: string;
}
