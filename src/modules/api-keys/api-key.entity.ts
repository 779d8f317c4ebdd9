import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { GraphQLDateTime } from 'graphql-scalars';
import { Field, ID, ObjectType } from 'type-graphql';
import type { TenantRole } from '../../auth/principal';
import { TenantScoped } from '../../tenancy/tenant-scoped';
import { TenantRoleEnum } from '../users/roles';

/** A hospital's credential for a machine client; only the hash of its secret is stored. */
@ObjectType('ApiKey', { simpleResolvers: true, description: 'A credential for a machine client of this hospital. The key itself is shown once, at creation.' })
@Entity({ schema: '*', tableName: 'api_keys' })
export class ApiKey extends TenantScoped {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Field()
  @Property({ type: 'text' })
  name!: string;

  @Field(() => TenantRoleEnum, { description: 'The one role the key acts with.' })
  @Property({ type: 'text' })
  role!: TenantRole;

  @Property({ type: 'text', hidden: true, lazy: true })
  secretHash!: string;

  /** The ADMIN who created it (null when a platform admin did). */
  @Property({ type: 'uuid', nullable: true })
  createdById: string | null = null;

  @Field(() => GraphQLDateTime)
  @Property({ type: 'timestamptz', length: 3 })
  createdAt: Date = new Date();

  @Field(() => GraphQLDateTime, { nullable: true, description: 'Last request made with the key (updated at most once a minute).' })
  @Property({ type: 'timestamptz', nullable: true })
  lastUsedAt: Date | null = null;

  @Field(() => GraphQLDateTime, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  revokedAt: Date | null = null;

  @Field({ description: 'The start of the key, to recognise it.' })
  get prefix(): string {
    return `sov_${this.id.replace(/-/g, '').slice(0, 8)}`;
  }
}
