import { GraphQLDateTime } from 'graphql-scalars';
import { Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { Isolation, Plan } from '../../tenancy';
import { DemoRequestStatus } from '../../tenancy/catalog';
import { TenantNode } from '../platform/tenant.types';

registerEnumType(DemoRequestStatus, { name: 'DemoRequestStatus' });

@InputType()
export class RequestDemoInput {
  // The names and the email are checked in requestDemo: the hospital name as provisioning checks it,
  // the email as every account's is (it becomes the first ADMIN's).
  @Field()
  hospitalName!: string;

  @Field()
  contactName!: string;

  @Field()
  email!: string;

  // Optional: null or absent means none; blank text, a phone that is not one and a message over 2000
  // characters are refused in requestDemo, with the other fields.
  @Field(() => String, { nullable: true })
  phone?: string | null;

  @Field(() => String, { nullable: true })
  message?: string | null;
}

@ObjectType('DemoRequest', { simpleResolvers: true, description: 'A request for a demo from a prospective hospital.' })
export class DemoRequestNode {
  @Field(() => ID)
  id!: string;

  @Field()
  hospitalName!: string;

  @Field()
  contactName!: string;

  @Field()
  email!: string;

  @Field(() => String, { nullable: true })
  phone!: string | null;

  @Field(() => String, { nullable: true })
  message!: string | null;

  @Field(() => DemoRequestStatus)
  status!: DemoRequestStatus;

  @Field(() => GraphQLDateTime)
  createdAt!: Date;
}

@ObjectType({ simpleResolvers: true, description: 'What the public sees after asking for a demo.' })
export class DemoRequestReceipt {
  @Field(() => ID)
  id!: string;

  @Field(() => DemoRequestStatus)
  status!: DemoRequestStatus;
}

@InputType()
export class ConvertDemoToTenantInput {
  @Field(() => ID)
  demoRequestId!: string;

  @Field({ description: 'Slug of the new hospital.' })
  slug!: string;

  @Field(() => Isolation, { defaultValue: Isolation.SHARED })
  isolation: Isolation = Isolation.SHARED;

  @Field(() => Plan, { defaultValue: Plan.TRIAL })
  plan: Plan = Plan.TRIAL;

  // Checked with the rest of the hospital when it is provisioned (null or absent: main; blank is refused).
  @Field(() => String, { nullable: true, description: 'DATABASE isolation only: the named database server.' })
  server?: string | null;
}

@ObjectType({ simpleResolvers: true, description: 'The hospital made from a demo request, and its first ADMIN’s initial password (shown only here, once).' })
export class ConvertDemoPayload {
  @Field(() => TenantNode)
  tenant!: TenantNode;

  @Field()
  adminEmail!: string;

  @Field({ description: 'Hand it to the ADMIN out of band; it is stored only as a hash.' })
  initialPassword!: string;
}
