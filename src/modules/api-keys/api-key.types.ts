import { Length } from 'class-validator';
import { Field, InputType, ObjectType } from 'type-graphql';
import { NotBlank } from '../common/input-rules';
import { TenantRoleEnum } from '../users/roles';
import { ApiKey } from './api-key.entity';

@InputType()
export class CreateApiKeyInput {
  @Field({ description: 'Unique among the hospital’s active keys.' })
  @Length(1, 100)
  @NotBlank()
  name!: string;

  @Field(() => TenantRoleEnum, { description: 'Any hospital role except ADMIN.' })
  role!: TenantRoleEnum;
}

@ObjectType({ simpleResolvers: true })
export class CreatedApiKey {
  @Field({ description: 'The key, shown this once: send it as `Authorization: ApiKey <key>` or `X-API-Key: <key>`.' })
  key!: string;

  @Field(() => ApiKey)
  apiKey!: ApiKey;
}
