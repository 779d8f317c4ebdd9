import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Field, ID, ObjectType } from 'type-graphql';
import { TenantScoped } from '../../tenancy/tenant-scoped';
import type { TenantRole } from '../../auth/principal';

/** A member of a hospital's staff; lives in the hospital's placement. */
@ObjectType('User')
@Entity({ schema: '*', tableName: 'users' })
export class User extends TenantScoped {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Field()
  @Property({ type: 'text' })
  email!: string;

  @Field()
  @Property({ type: 'text' })
  displayName: string = '';

  @Property({ type: 'text', hidden: true, lazy: true })
  passwordHash!: string;

  @Field(() => [String])
  @Property({ type: 'text[]' })
  roles: TenantRole[] = [];

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}
