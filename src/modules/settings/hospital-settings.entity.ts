import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { GraphQLDateTime } from 'graphql-scalars';
import { Field, ObjectType } from 'type-graphql';
import { TenantScoped } from '../../tenancy/tenant-scoped';

/** One row per hospital (created on first change; absent means the defaults). */
@ObjectType('HospitalSettings', { description: 'Settings of the current hospital.' })
@Entity({ schema: '*', tableName: 'tenant_settings' })
export class HospitalSettings extends TenantScoped {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Field({ description: 'Every user of the hospital must sign in with a second factor (TOTP).' })
  @Property({ type: 'boolean' })
  requireMfa: boolean = false;

  @Field(() => GraphQLDateTime)
  @Property({ type: 'timestamptz', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
