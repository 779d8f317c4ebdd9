import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { GraphQLDateTime } from 'graphql-scalars';
import { Field, ID, ObjectType } from 'type-graphql';
import { TenantScoped } from '../../tenancy/tenant-scoped';

@ObjectType('Department', { simpleResolvers: true })
@Entity({ schema: '*', tableName: 'departments' })
export class Department extends TenantScoped {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Field()
  @Property({ type: 'text' })
  name!: string;

  @Field({ description: 'Short code, unique within the hospital (e.g. CARD).' })
  @Property({ type: 'text' })
  code!: string;

  @Field(() => GraphQLDateTime)
  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}

/** A staff member's place in a department. */
@ObjectType('StaffAssignment', { simpleResolvers: true })
@Entity({ schema: '*', tableName: 'staff_assignments' })
export class StaffAssignment extends TenantScoped {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  userId!: string;

  @Property({ type: 'uuid' })
  departmentId!: string;

  @Field()
  @Property({ type: 'text' })
  jobTitle!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  specialty: string | null = null;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}
