import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { GraphQLDateTime, GraphQLLocalDate } from 'graphql-scalars';
import { Field, ID, ObjectType } from 'type-graphql';
import { TenantScoped } from '../../tenancy/tenant-scoped';

@ObjectType('Patient')
@Entity({ schema: '*', tableName: 'patients' })
export class Patient extends TenantScoped {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Field({ description: 'Medical record number, unique within the hospital.' })
  @Property({ type: 'text' })
  mrn!: string;

  @Field()
  @Property({ type: 'text' })
  firstName!: string;

  @Field()
  @Property({ type: 'text' })
  lastName!: string;

  @Field(() => GraphQLLocalDate)
  @Property({ type: 'date' })
  birthDate!: string;

  /** The hospital user who registered the patient (null when a platform admin did). */
  @Property({ type: 'uuid', nullable: true })
  createdById: string | null = null;

  /** Primary department (resolved through the request's loaders). */
  @Property({ type: 'uuid', nullable: true })
  departmentId: string | null = null;

  @Field(() => GraphQLDateTime, { nullable: true, description: 'Set when the patient was archived (hidden from lists unless asked for).' })
  @Property({ type: 'timestamptz', nullable: true })
  archivedAt: Date | null = null;

  @Field(() => GraphQLDateTime)
  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Field(() => GraphQLDateTime)
  @Property({ type: 'timestamptz', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
