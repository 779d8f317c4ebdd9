import { Entity, Enum, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { GraphQLLocalDate } from 'graphql-scalars';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { TenantScoped } from '../../tenancy/tenant-scoped';

export enum ContactKind {
  PHONE = 'PHONE',
  EMAIL = 'EMAIL',
  ADDRESS = 'ADDRESS',
  EMERGENCY_CONTACT = 'EMERGENCY_CONTACT',
}
registerEnumType(ContactKind, { name: 'ContactKind' });

export enum AllergySeverity {
  MILD = 'MILD',
  MODERATE = 'MODERATE',
  SEVERE = 'SEVERE',
}
registerEnumType(AllergySeverity, { name: 'AllergySeverity' });

@ObjectType('PatientContact', { simpleResolvers: true })
@Entity({ schema: '*', tableName: 'patient_contacts' })
export class PatientContact extends TenantScoped {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  patientId!: string;

  @Field(() => ContactKind)
  @Enum({ items: () => ContactKind })
  kind!: ContactKind;

  @Field()
  @Property({ type: 'text' })
  value!: string;

  @Field(() => String, { nullable: true, description: 'e.g. "mobile", "daughter".' })
  @Property({ type: 'text', nullable: true })
  label: string | null = null;
}

/** Clinical: hidden from non-clinical roles. */
@ObjectType('PatientAllergy', { simpleResolvers: true })
@Entity({ schema: '*', tableName: 'patient_allergies' })
export class PatientAllergy extends TenantScoped {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  patientId!: string;

  @Field()
  @Property({ type: 'text' })
  substance!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  reaction: string | null = null;

  @Field(() => AllergySeverity)
  @Enum({ items: () => AllergySeverity })
  severity!: AllergySeverity;
}

@ObjectType('PatientInsurance', { simpleResolvers: true })
@Entity({ schema: '*', tableName: 'patient_insurances' })
export class PatientInsurance extends TenantScoped {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  patientId!: string;

  @Field()
  @Property({ type: 'text' })
  provider!: string;

  @Field()
  @Property({ type: 'text' })
  policyNumber!: string;

  @Field(() => GraphQLLocalDate, { nullable: true })
  @Property({ type: 'date', nullable: true })
  validUntil: string | null = null;
}
