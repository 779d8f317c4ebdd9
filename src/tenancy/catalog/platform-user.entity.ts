import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';

/** A member of the platform team (role SUPERADMIN); lives in the catalog, never in a placement. */
@Entity({ schema: 'catalog', tableName: 'platform_users' })
export class PlatformUser {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'text', unique: true })
  email!: string;

  @Property({ type: 'text' })
  displayName: string = '';

  @Property({ type: 'text', hidden: true, lazy: true })
  passwordHash!: string;

  /** A deactivated platform user cannot sign in, and their tokens stop working on the next request. */
  @Property({ type: 'boolean' })
  active: boolean = true;

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

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
