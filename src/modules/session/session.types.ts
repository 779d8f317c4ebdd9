import { Field, ID, ObjectType } from 'type-graphql';

@ObjectType({ description: 'The hospital a principal belongs to.' })
export class TenantSummary {
  @Field()
  slug!: string;

  @Field()
  name!: string;
}

@ObjectType({ description: 'The signed-in principal: a hospital user, or a platform user (tenant null).' })
export class Me {
  @Field(() => ID)
  id!: string;

  @Field()
  email!: string;

  @Field(() => [String])
  roles!: string[];

  @Field(() => TenantSummary, { nullable: true })
  tenant!: TenantSummary | null;
}

@ObjectType()
export class AuthPayload {
  @Field()
  token!: string;

  @Field(() => Me)
  user!: Me;
}
