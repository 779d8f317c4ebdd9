import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { GraphQLDateTime } from 'graphql-scalars';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { TenantScoped } from '../../tenancy/tenant-scoped';

export enum AuditOutcome {
  SUCCESS = 'SUCCESS',
  FAILURE = 'FAILURE',
  ROLLED_BACK = 'ROLLED_BACK',
}

export enum AuditActorKind {
  tenant = 'tenant',
  platform = 'platform',
  apiKey = 'apiKey',
  anonymous = 'anonymous',
}

registerEnumType(AuditOutcome, {
  name: 'AuditOutcome',
  valuesConfig: { ROLLED_BACK: { description: 'It worked, but its request was undone because another part of it failed.' } },
});
registerEnumType(AuditActorKind, { name: 'AuditActorKind' });

/**
 * One audited operation in a hospital: who (user id, kind, roles), what (operation and the ids of the
 * records it touched or read), when, from where, and how it ended. Never any patient data beyond ids.
 * Append-only: the runtime role may only INSERT and SELECT, and a trigger refuses changes.
 */
@ObjectType('AuditEntry', { simpleResolvers: true })
@Entity({ schema: '*', tableName: 'audit_log' })
export class AuditEntry extends TenantScoped {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Field(() => GraphQLDateTime)
  @Property({ type: 'timestamptz', length: 3 })
  at: Date = new Date();

  @Field(() => ID, { nullable: true, description: 'The user (hospital or platform) who acted; null when anonymous.' })
  @Property({ type: 'uuid', nullable: true })
  actorId: string | null = null;

  @Field(() => AuditActorKind)
  @Property({ type: 'text' })
  actorKind!: AuditActorKind;

  @Field(() => String, { nullable: true, description: 'The roles the actor held, comma-separated.' })
  @Property({ type: 'text', nullable: true })
  actorRole: string | null = null;

  @Field({ description: 'The GraphQL field, e.g. createPatient or patient.' })
  @Property({ type: 'text' })
  operation!: string;

  @Field({ description: 'query or mutation.' })
  @Property({ type: 'text' })
  operationType!: 'query' | 'mutation';

  @Field(() => [String])
  @Property({ type: 'text[]' })
  recordIds: string[] = [];

  @Field(() => AuditOutcome)
  @Property({ type: 'text' })
  outcome!: AuditOutcome;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  errorCode: string | null = null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  clientAddress: string | null = null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  requestId: string | null = null;

  @Field(() => String, { nullable: true, description: 'A note beyond the above, e.g. `second factor: recovery code` for a sign-in that used one.' })
  @Property({ type: 'text', nullable: true })
  detail: string | null = null;
}
