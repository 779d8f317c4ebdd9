import { Entity, Enum, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { GraphQLDateTime } from 'graphql-scalars';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { TenantScoped } from '../../tenancy/tenant-scoped';

export enum AppointmentStatus {
  SCHEDULED = 'SCHEDULED',
  CHECKED_IN = 'CHECKED_IN',
  COMPLETED = 'COMPLETED',
  CANCELLED = 'CANCELLED',
  NO_SHOW = 'NO_SHOW',
}
registerEnumType(AppointmentStatus, { name: 'AppointmentStatus' });

/** SCHEDULED → CHECKED_IN → COMPLETED, or SCHEDULED → CANCELLED / NO_SHOW; nothing else. */
export const APPOINTMENT_TRANSITIONS: Record<AppointmentStatus, AppointmentStatus[]> = {
  [AppointmentStatus.SCHEDULED]: [AppointmentStatus.CHECKED_IN, AppointmentStatus.CANCELLED, AppointmentStatus.NO_SHOW],
  [AppointmentStatus.CHECKED_IN]: [AppointmentStatus.COMPLETED],
  [AppointmentStatus.COMPLETED]: [],
  [AppointmentStatus.CANCELLED]: [],
  [AppointmentStatus.NO_SHOW]: [],
};

/** Called off: such an appointment takes no encounter, and one with an encounter (care was given) cannot be called off. */
export const CALLED_OFF: readonly AppointmentStatus[] = [AppointmentStatus.CANCELLED, AppointmentStatus.NO_SHOW];

@ObjectType('Appointment', { simpleResolvers: true })
@Entity({ schema: '*', tableName: 'appointments' })
export class Appointment extends TenantScoped {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  patientId!: string;

  @Property({ type: 'uuid' })
  clinicianId!: string;

  @Property({ type: 'uuid', nullable: true })
  departmentId: string | null = null;

  @Field(() => GraphQLDateTime)
  @Property({ type: 'timestamptz', length: 3 })
  startsAt!: Date;

  @Field(() => GraphQLDateTime)
  @Property({ type: 'timestamptz', length: 3 })
  endsAt!: Date;

  @Field()
  @Property({ type: 'text' })
  reason: string = '';

  @Field(() => AppointmentStatus)
  @Enum({ items: () => AppointmentStatus })
  status: AppointmentStatus = AppointmentStatus.SCHEDULED;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}
