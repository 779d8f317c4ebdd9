import type { MikroORM } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Principal } from '../../auth/principal';
import { PlatformSession, PlatformUser } from '../../tenancy/catalog';
import { isUuid } from '../common/ids';
import { requiresMfa } from '../settings/settings.service';
import { User } from '../users/user.entity';
import { AuthSession } from './auth-session.entity';

function live(session: { revokedAt: Date | null; expiresAt: Date } | null): boolean {
  return session !== null && session.revokedAt === null && session.expiresAt > new Date();
}

/**
 * A hospital user's principal for this request, from the placement: the user must be active and
 * the session live. Roles and the MFA requirement are read now, never taken from the token.
 */
export async function loadTenantPrincipal(em: EntityManager, userId: string, sessionId: string): Promise<Principal | null> {
  if (!isUuid(userId) || !isUuid(sessionId)) return null;
  const user = await em.findOne(User, { id: userId });
  const session = user ? await em.findOne(AuthSession, { id: sessionId, userId }) : null;
  if (!user?.active || !live(session)) return null;
  const mfaPending = !session!.mfa && (await requiresMfa(em));
  return { kind: 'tenant', id: user.id, email: user.email, tenantId: user.tenantId, roles: user.roles, sessionId, mfaPending };
}

/** A platform user's principal for this request, from the catalog (active user, live session). */
export async function loadPlatformPrincipal(central: MikroORM, userId: string, sessionId: string): Promise<Principal | null> {
  if (!isUuid(userId) || !isUuid(sessionId)) return null;
  const em = central.em.fork();
  const user = await em.findOne(PlatformUser, { id: userId });
  const session = user ? await em.findOne(PlatformSession, { id: sessionId, userId }) : null;
  if (!user?.active || !live(session)) return null;
  return { kind: 'platform', id: user.id, email: user.email, roles: ['SUPERADMIN'], sessionId };
}
