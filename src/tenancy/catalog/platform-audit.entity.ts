import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';

/** Outcome of an audited operation; ROLLED_BACK: it succeeded but its request was undone by another failure. */
export type AuditOutcome = 'SUCCESS' | 'FAILURE' | 'ROLLED_BACK';

/**
 * One platform action (create, suspend, delete a hospital, convert a demo, an operator command…),
 * recorded centrally. Append-only: a trigger refuses UPDATE, DELETE and TRUNCATE.
 */
@Entity({ schema: 'catalog', tableName: 'platform_audit' })
export class PlatformAuditEntry {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'timestamptz' })
  at: Date = new Date();

  @Property({ type: 'uuid', nullable: true })
  actorId: string | null = null;

  @Property({ type: 'text', nullable: true })
  actorEmail: string | null = null;

  @Property({ type: 'text' })
  operation!: string;

  @Property({ type: 'uuid', nullable: true })
  tenantId: string | null = null;

  @Property({ type: 'text', nullable: true })
  tenantSlug: string | null = null;

  @Property({ type: 'text[]' })
  recordIds: string[] = [];

  @Property({ type: 'text' })
  outcome!: AuditOutcome;

  @Property({ type: 'text', nullable: true })
  errorCode: string | null = null;

  @Property({ type: 'text', nullable: true })
  clientAddress: string | null = null;

  @Property({ type: 'text', nullable: true })
  requestId: string | null = null;

  /** A note beyond the above, e.g. that a sign-in's second factor was a recovery code. */
  @Property({ type: 'text', nullable: true })
  detail: string | null = null;

  /** API (a GraphQL request) or CLI (an operator command). */
  @Property({ type: 'text' })
  source: 'API' | 'CLI' = 'API';
}
