import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { GraphQLDateTime } from 'graphql-scalars';
import { Field, ID, ObjectType } from 'type-graphql';
import { TenantScoped } from '../../tenancy/tenant-scoped';
import type { TenantRole } from '../../auth/principal';
import { TenantRoleEnum } from './roles';

/** A member of a hospital's staff; lives in the hospital's placement. */
@ObjectType('User', { simpleResolvers: true, description: 'A member of the hospital’s staff.' })
@Entity({ schema: '*', tableName: 'users' })
export class User extends TenantScoped {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Field({ nullable: true, description: 'Unique within the hospital; the same address may exist in another hospital as another user. Account detail: null (FORBIDDEN) but to the hospital’s ADMINs and the user themself.' })
  @Property({ type: 'text' })
  email!: string;

  @Field()
  @Property({ type: 'text' })
  displayName: string = '';

  @Property({ type: 'text', hidden: true, lazy: true })
  passwordHash!: string;

  /** Hospital roles only (a database check refuses anything else); read on every request. */
  @Field(() => [TenantRoleEnum], { nullable: true, description: 'Account detail: null (FORBIDDEN) but to the hospital’s ADMINs and the user themself.' })
  @Property({ type: 'text[]' })
  roles: TenantRole[] = [];

  /** A deactivated user cannot sign in, and their tokens stop working on the next request. */
  @Field({ nullable: true, description: 'Account detail: null (FORBIDDEN) but to the hospital’s ADMINs and the user themself.' })
  @Property({ type: 'boolean' })
  active: boolean = true;

  @Property({ type: 'timestamptz', nullable: true })
  deactivatedAt: Date | null = null;

  /** Base32 TOTP secret once enrolment is confirmed; null while MFA is off. */
  @Property({ type: 'text', nullable: true, hidden: true, lazy: true })
  mfaSecret: string | null = null;

  /** Secret handed out by an enrolment that is not confirmed yet. */
  @Property({ type: 'text', nullable: true, hidden: true, lazy: true })
  mfaPendingSecret: string | null = null;

  /** SHA-256 of each unused MFA recovery code (src/auth/recovery-codes.ts). */
  @Property({ type: 'text[]', hidden: true, lazy: true })
  mfaRecoveryCodes: string[] = [];

  @Property({ type: 'timestamptz', nullable: true })
  mfaEnabledAt: Date | null = null;

  /** Last TOTP time step accepted, so a code is never accepted twice. */
  @Property({ type: 'integer', nullable: true })
  mfaLastStep: number | null = null;

  @Field(() => GraphQLDateTime)
  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', onUpdate: () => new Date() })
  updatedAt: Date = new Date();

  @Field({ nullable: true, description: 'Whether the user signs in with a second factor (TOTP). Account detail: null (FORBIDDEN) but to the hospital’s ADMINs and the user themself.' })
  get mfaEnabled(): boolean {
    return this.mfaEnabledAt !== null;
  }
}
