import { Entity, Enum, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { GraphQLDateTime } from 'graphql-scalars';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { TenantScoped } from '../../tenancy/tenant-scoped';

export enum LabOrderStatus {
  ORDERED = 'ORDERED',
  COLLECTED = 'COLLECTED',
  RESULTED = 'RESULTED',
  CANCELLED = 'CANCELLED',
}
registerEnumType(LabOrderStatus, { name: 'LabOrderStatus' });

/** ORDERED → COLLECTED → RESULTED (a result may also be recorded straight from ORDERED); CANCELLED before a result. */
export const LAB_TRANSITIONS: Record<LabOrderStatus, LabOrderStatus[]> = {
  [LabOrderStatus.ORDERED]: [LabOrderStatus.COLLECTED, LabOrderStatus.RESULTED, LabOrderStatus.CANCELLED],
  [LabOrderStatus.COLLECTED]: [LabOrderStatus.RESULTED, LabOrderStatus.CANCELLED],
  [LabOrderStatus.RESULTED]: [LabOrderStatus.RESULTED],
  [LabOrderStatus.CANCELLED]: [],
};

@ObjectType('LabOrder', { simpleResolvers: true })
@Entity({ schema: '*', tableName: 'lab_orders' })
export class LabOrder extends TenantScoped {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  patientId!: string;

  @Property({ type: 'uuid' })
  orderedById!: string;

  @Field({ description: 'Test code, e.g. a LOINC code.' })
  @Property({ type: 'text' })
  testCode!: string;

  @Field()
  @Property({ type: 'text' })
  testName!: string;

  @Field(() => LabOrderStatus)
  @Enum({ items: () => LabOrderStatus })
  status: LabOrderStatus = LabOrderStatus.ORDERED;

  @Field(() => GraphQLDateTime)
  @Property({ type: 'timestamptz', length: 3 })
  orderedAt: Date = new Date();
}

@ObjectType('LabResult', { simpleResolvers: true })
@Entity({ schema: '*', tableName: 'lab_results' })
export class LabResult extends TenantScoped {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Field(() => ID)
  @Property({ type: 'uuid' })
  labOrderId!: string;

  @Property({ type: 'uuid' })
  patientId!: string;

  @Property({ type: 'uuid' })
  recordedById!: string;

  @Field({ description: 'What was measured, e.g. Haemoglobin.' })
  @Property({ type: 'text' })
  analyte!: string;

  @Field()
  @Property({ type: 'text' })
  value!: string;

  @Field()
  @Property({ type: 'text' })
  unit: string = '';

  @Field({ description: 'e.g. 13.5–17.5' })
  @Property({ type: 'text' })
  referenceRange: string = '';

  @Field()
  @Property({ type: 'boolean' })
  abnormal: boolean = false;

  @Field(() => GraphQLDateTime)
  @Property({ type: 'timestamptz' })
  recordedAt: Date = new Date();
}
