import type { MikroORM } from '@mikro-orm/core';
import type { Principal, TenantRole } from '../../auth/principal';
import { PlatformSession, PlatformUser } from '../../tenancy/catalog';
import { isUuid } from '../common/ids';
import type { TenantSession } from '../../tenancy';

function live(session: { revokedAt: Date | null; expiresAt: Date } | null): boolean {
  return session !== null && session.revokedAt === null && session.expiresAt > new Date();
}

/**
 * A hospital user's principal for this request, from the placement: the user must be active and
 * the session live. Roles and the MFA requirement are read now, never taken from the token: by the
 * statement that opens the request's transaction (TenantSession.enterAs), so it costs no statement
 * of its own.
 */
export async function loadTenantPrincipal(session: TenantSession, userId: string, sessionId: string): Promise<Principal | null> {
  if (!isUuid(userId) || !isUuid(sessionId)) return null;
  const { entry } = await session.enterAs({ userId, sessionId });
  const { user, session: signIn } = entry;
  if (!user?.active || !live(signIn)) return null;
  const twoFactor = signIn!.mfa;
  const mfaPending = !twoFactor && entry.settings?.require_mfa === true;
  return { kind: 'tenant', id: userId, email: user.email, tenantId: session.tenant.id, roles: user.roles as TenantRole[], sessionId, twoFactor, mfaPending };
}

/** A platform user's principal for this request, from the catalog (active user, live session). */
export async function loadPlatformPrincipal(central: MikroORM, userId: string, sessionId: string): Promise<Principal | null> {
  if (!isUuid(userId) || !isUuid(sessionId)) return null;
  const em = central.em.fork();
  const user = await em.findOne(PlatformUser, { id: userId });
  const session = user ? await em.findOne(PlatformSession, { id: sessionId, userId }) : null;
  if (!user?.active || !live(session)) return null;
  return { kind: 'platform', id: user.id, email: user.email, roles: ['SUPERADMIN'], sessionId, twoFactor: session!.mfa };
}
