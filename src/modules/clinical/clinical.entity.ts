import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { GraphQLDateTime } from 'graphql-scalars';
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { TenantScoped } from '../../tenancy/tenant-scoped';

/** A clinical contact with a patient; diagnoses, prescriptions and vitals hang off it. */
@ObjectType('Encounter', { simpleResolvers: true })
@Entity({ schema: '*', tableName: 'encounters' })
export class Encounter extends TenantScoped {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  patientId!: string;

  @Property({ type: 'uuid' })
  clinicianId!: string;

  @Property({ type: 'uuid', nullable: true })
  departmentId: string | null = null;

  @Field(() => ID, { nullable: true })
  @Property({ type: 'uuid', nullable: true })
  appointmentId: string | null = null;

  @Field(() => GraphQLDateTime)
  @Property({ type: 'timestamptz', length: 3 })
  startedAt: Date = new Date();

  @Field()
  @Property({ type: 'text' })
  notes: string = '';
}

@ObjectType('Diagnosis', { simpleResolvers: true })
@Entity({ schema: '*', tableName: 'diagnoses' })
export class Diagnosis extends TenantScoped {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  encounterId!: string;

  @Field({ description: 'ICD-10 code, e.g. J45.909.' })
  @Property({ type: 'text', fieldName: 'icd10_code' })
  icd10Code!: string;

  @Field()
  @Property({ type: 'text' })
  description!: string;

  @Field(() => GraphQLDateTime)
  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}

@ObjectType('Prescription', { simpleResolvers: true })
@Entity({ schema: '*', tableName: 'prescriptions' })
export class Prescription extends TenantScoped {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  encounterId!: string;

  @Property({ type: 'uuid' })
  prescribedById!: string;

  @Field()
  @Property({ type: 'text' })
  medication!: string;

  @Field()
  @Property({ type: 'text' })
  dosage!: string;

  @Field()
  @Property({ type: 'text' })
  frequency!: string;

  @Field(() => Int, { nullable: true })
  @Property({ type: 'integer', nullable: true })
  durationDays: number | null = null;

  @Field(() => GraphQLDateTime)
  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}

@ObjectType('Vitals', { simpleResolvers: true })
@Entity({ schema: '*', tableName: 'vitals' })
export class Vitals extends TenantScoped {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  patientId!: string;

  @Field(() => ID, { nullable: true })
  @Property({ type: 'uuid', nullable: true })
  encounterId: string | null = null;

  @Property({ type: 'uuid' })
  recordedById!: string;

  @Field(() => GraphQLDateTime)
  @Property({ type: 'timestamptz', length: 3 })
  recordedAt: Date = new Date();

  @Field(() => Int, { nullable: true })
  @Property({ type: 'integer', nullable: true })
  heartRate: number | null = null;

  @Field(() => Int, { nullable: true })
  @Property({ type: 'integer', nullable: true })
  systolic: number | null = null;

  @Field(() => Int, { nullable: true })
  @Property({ type: 'integer', nullable: true })
  diastolic: number | null = null;

  @Field(() => Float, { nullable: true })
  @Property({ type: 'double', nullable: true })
  temperatureC: number | null = null;

  @Field(() => Int, { nullable: true })
  @Property({ type: 'integer', nullable: true })
  respiratoryRate: number | null = null;

  @Field(() => Int, { nullable: true })
  @Property({ type: 'integer', nullable: true })
  oxygenSaturation: number | null = null;
}
