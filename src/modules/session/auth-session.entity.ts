import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { TenantScoped } from '../../tenancy/tenant-scoped';

/**
 * A hospital user's sign-in session: one refresh-token family, in the hospital's placement. Only the
 * hash of the current refresh token is kept; access tokens name the session (`sid`) and stop working
 * once it is revoked.
 */
@Entity({ schema: '*', tableName: 'auth_sessions' })
export class AuthSession extends TenantScoped {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  userId!: string;

  @Property({ type: 'text', hidden: true })
  tokenHash!: string;

  /** True when the session was opened (or later confirmed) with a second factor. */
  @Property({ type: 'boolean' })
  mfa: boolean = false;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz' })
  lastUsedAt: Date = new Date();

  @Property({ type: 'timestamptz' })
  expiresAt!: Date;

  @Property({ type: 'timestamptz', nullable: true })
  revokedAt: Date | null = null;
}
