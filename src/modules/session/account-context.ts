import type { EntityName } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { UserPrincipal } from '../../auth/principal';
import type { RequestContext } from '../../context';
import { PlatformSession, PlatformUser } from '../../tenancy/catalog';
import { tenantEm } from '../common/tenant-em';
import { User } from '../users/user.entity';
import { AccountStore, type AccountRow, type SessionRow } from './accounts';
import { AuthSession } from './auth-session.entity';

/** The request hospital's accounts, on the request's bound EntityManager. */
export async function hospitalAccounts(ctx: RequestContext): Promise<AccountStore> {
  const em = await tenantEm(ctx);
  const session = ctx.session!; // tenantEm refuses a request without one
  const { tenancy } = ctx.services;
  const tenant = ctx.tenant!;
  return new AccountStore({
    em,
    users: User as EntityName<AccountRow>,
    sessions: AuthSession as EntityName<SessionRow>,
    failApart: async (fn) => {
      await session.abandon();
      return tenancy.run(tenant, fn);
    },
    scope: tenant.id,
    rolesOf: (account) => [...(account as User).roles],
    secrets: ctx.services.secrets,
  });
}

/** Platform accounts, in the catalog (central work). */
export function platformAccounts(ctx: RequestContext): AccountStore {
  const { central } = ctx.services.tenancy;
  return new AccountStore({
    em: central.em.fork() as EntityManager,
    users: PlatformUser as EntityName<AccountRow>,
    sessions: PlatformSession as EntityName<SessionRow>,
    // Platform accounts run outside any request transaction: nothing to end first.
    failApart: (fn) => fn(central.em.fork() as EntityManager),
    scope: 'platform',
    rolesOf: () => ['SUPERADMIN'],
    secrets: ctx.services.secrets,
  });
}

/** Where anonymous account operations (login, refresh) look: the request's hospital, or the platform. */
export function accountsOfContext(ctx: RequestContext): Promise<AccountStore> | AccountStore {
  return ctx.tenant ? hospitalAccounts(ctx) : platformAccounts(ctx);
}

/**
 * The mutations that change the caller's own account. A platform user's account lives in the catalog,
 * so inside a hospital these commit apart from the hospital's request transaction.
 */
export const OWN_ACCOUNT_MUTATIONS: ReadonlySet<string> = new Set([
  'logout',
  'changePassword',
  'updateProfile',
  'startMfaEnrollment',
  'confirmMfaEnrollment',
  'disableMfa',
  'regenerateMfaRecoveryCodes',
]);

/** Where a signed-in user's own account lives (a platform user inside a hospital is still in the catalog). */
export function accountsOf(ctx: RequestContext, principal: UserPrincipal): Promise<AccountStore> | AccountStore {
  return principal.kind === 'platform' ? platformAccounts(ctx) : hospitalAccounts(ctx);
}
