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

  /** Clinical: readable by ADMIN, DOCTOR and NURSE only (field rule), written by DOCTOR. */
  @Field(() => String, { nullable: true, description: 'Clinical notes. Null with a FORBIDDEN error for roles that may not see clinical data.' })
  @Property({ type: 'text', nullable: true })
  clinicalNotes: string | null = null;

  /** The hospital user who registered the patient (null when a platform admin did). */
  @Property({ type: 'uuid', nullable: true })
  createdById: string | null = null;

  @Field(() => GraphQLDateTime)
  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Field(() => GraphQLDateTime)
  @Property({ type: 'timestamptz', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
