import { GraphQLDateTime } from 'graphql-scalars';
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Isolation, Plan, TenantStatus } from '../../tenancy';
import type { TenantDetails, TenantRecord } from '../../tenancy';

registerEnumType(Isolation, { name: 'Isolation', description: 'Where a hospital’s rows live.' });
registerEnumType(Plan, { name: 'Plan' });
registerEnumType(TenantStatus, { name: 'TenantStatus' });

@ObjectType('Tenant', { simpleResolvers: true, description: 'A hospital, as the platform team sees it.' })
export class TenantNode {
  @Field(() => ID)
  id!: string;

  @Field()
  slug!: string;

  @Field()
  name!: string;

  @Field(() => Isolation)
  isolation!: Isolation;

  @Field(() => Plan)
  plan!: Plan;

  @Field(() => TenantStatus)
  status!: TenantStatus;

  @Field({ description: 'Database server holding the hospital’s placement.' })
  server!: string;

  @Field(() => [String])
  domains!: string[];

  @Field(() => GraphQLDateTime)
  createdAt!: Date;

  @Field(() => Int, { nullable: true, description: 'The hospital’s own limit of users, replacing its plan’s (0 allows none); null: the plan’s limit applies.' })
  maxUsers!: number | null;

  @Field(() => Int, { nullable: true, description: 'The hospital’s own limit of patients, replacing its plan’s (0 allows none); null: the plan’s limit applies.' })
  maxAssets!: number | null;

  @Field(() => String, { nullable: true })
  contactEmail!: string | null;

  @Field(() => String, { nullable: true })
  contactPhone!: string | null;

  @Field(() => String, { nullable: true })
  address!: string | null;

  @Field(() => GraphQLDateTime, { nullable: true, description: 'When the hospital was deleted (its data is kept until purgeAfter).' })
  deletedAt!: Date | null;

  @Field(() => GraphQLDateTime, { nullable: true, description: 'When a deleted hospital may be purged.' })
  purgeAfter!: Date | null;

  @Field({ description: 'A legal hold keeps a deleted hospital’s data: it cannot be purged.' })
  legalHold!: boolean;

  static from(record: TenantRecord | TenantDetails): TenantNode {
    const details = 'legalHold' in record ? record : null;
    return Object.assign(new TenantNode(), {
      contactEmail: details?.contactEmail ?? null,
      contactPhone: details?.contactPhone ?? null,
      address: details?.address ?? null,
      deletedAt: details?.deletedAt ?? null,
      purgeAfter: details?.purgeAfter ?? null,
      legalHold: details?.legalHold ?? false,
      id: record.id,
      slug: record.slug,
      name: record.name,
      isolation: record.isolation,
      plan: record.plan,
      status: record.status,
      server: record.placement.server,
      domains: [...record.domains],
      createdAt: record.createdAt,
      maxUsers: record.maxUsers,
      maxAssets: record.maxAssets,
    });
  }
}

@InputType()
export class TenantAdminInput {
  @Field()
  email!: string;

  @Field()
  password!: string;
}

@InputType()
export class CreateTenantInput {
  @Field({ description: '3–40 lower-case letters, digits or hyphens; selects the hospital in URLs and host names.' })
  slug!: string;

  // 1–200 characters on one line: checked with the rest of the hospital when it is provisioned.
  @Field()
  name!: string;

  @Field(() => Isolation, { defaultValue: Isolation.SHARED })
  isolation: Isolation = Isolation.SHARED;

  @Field(() => Plan, { defaultValue: Plan.TRIAL })
  plan: Plan = Plan.TRIAL;

  // The server and the contact details are checked with the rest of the hospital when it is provisioned:
  // null or absent means none (for the server: main); blank text is refused.
  @Field(() => String, { nullable: true, description: 'DATABASE isolation only: the named database server (default: main).' })
  server?: string | null;

  @Field(() => TenantAdminInput, { description: 'The hospital’s first ADMIN user.' })
  admin!: TenantAdminInput;

  @Field(() => [String], { defaultValue: [], description: 'Custom host names; the first is primary.' })
  domains!: string[];

  @Field(() => String, { nullable: true, description: 'Contact email of the hospital (not a login).' })
  contactEmail?: string | null;

  @Field(() => String, { nullable: true })
  contactPhone?: string | null;

  @Field(() => String, { nullable: true, description: 'Postal address.' })
  address?: string | null;

  // 0..2147483647, checked with the rest of the hospital when it is provisioned.
  @Field(() => Int, { nullable: true, description: 'Own limit of users, replacing the plan’s (0 allows none); null or absent: the plan’s.' })
  maxUsers?: number | null;

  @Field(() => Int, { nullable: true, description: 'Own limit of patients, replacing the plan’s (0 allows none); null or absent: the plan’s.' })
  maxAssets?: number | null;
}
