import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { GraphQLDateTime } from 'graphql-scalars';
import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { TenantScoped } from '../../tenancy/tenant-scoped';

/** Modules a hospital can switch off; patients, departments and settings are always on. */
export enum HospitalModule {
  APPOINTMENTS = 'APPOINTMENTS',
  CLINICAL = 'CLINICAL',
  LAB = 'LAB',
  BILLING = 'BILLING',
}
registerEnumType(HospitalModule, { name: 'HospitalModule' });

export const ALL_MODULES = Object.values(HospitalModule);

/** One row per hospital; a hospital without a row has the defaults. */
@ObjectType('HospitalSettings', { simpleResolvers: true })
@Entity({ schema: '*', tableName: 'hospital_settings' })
export class HospitalSettings extends TenantScoped {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Field({ description: 'IANA time zone, e.g. Europe/Paris.' })
  @Property({ type: 'text' })
  timezone: string = 'UTC';

  @Field({ description: 'ISO 4217 code used for new invoices.' })
  @Property({ type: 'text' })
  currency: string = 'USD';

  @Field({ description: 'BCP 47 tag, e.g. fr-FR.' })
  @Property({ type: 'text' })
  locale: string = 'en-US';

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  brandName: string | null = null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  logoUrl: string | null = null;

  @Field(() => String, { nullable: true, description: 'Hex colour, e.g. #0057B8.' })
  @Property({ type: 'text', nullable: true })
  primaryColor: string | null = null;

  @Field(() => [HospitalModule])
  @Property({ type: 'text[]' })
  enabledModules: HospitalModule[] = [...ALL_MODULES];

  @Field({ description: 'Every user of the hospital must sign in with a second factor (TOTP).' })
  @Property({ type: 'boolean' })
  requireMfa: boolean = false;

  @Field(() => GraphQLDateTime)
  @Property({ type: 'timestamptz', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
