import { ArgsType, Field } from 'type-graphql';
import { ConnectionArgs } from '../common/connection';

@ArgsType()
export class TenantsArgs extends ConnectionArgs {
  @Field({ defaultValue: false, description: 'Also list deleted hospitals (status DELETED), which keep their slug until they are purged.' })
  includeDeleted: boolean = false;
}
