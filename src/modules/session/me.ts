import type { Principal } from '../../auth/principal';
import type { RequestContext } from '../../context';
import { NotFoundError } from '../../errors';
import type { AccountRow } from './accounts';
import { accountsOf } from './account-context';
import { Me, PrincipalKind } from './session.types';

/** `me` for an account just read (sign-in, profile changes). */
export function meOf(account: AccountRow, principal: { kind: 'platform' | 'tenant'; roles: string[]; mfaPending: boolean }, ctx: RequestContext): Me {
  const tenant = principal.kind === 'tenant' && ctx.tenant ? { slug: ctx.tenant.slug, name: ctx.tenant.name } : null;
  return {
    id: account.id,
    email: account.email,
    displayName: account.displayName,
    kind: principal.kind === 'tenant' ? PrincipalKind.HOSPITAL_USER : PrincipalKind.PLATFORM_USER,
    roles: [...principal.roles],
    tenant,
    mfaEnabled: account.mfaEnabledAt !== null,
    mfaEnrollmentRequired: principal.mfaPending,
    mfaRecoveryCodesLeft: account.mfaRecoveryCodes.length,
  };
}

/** `me` for the request's principal. */
export async function describePrincipal(principal: Principal, ctx: RequestContext): Promise<Me> {
  if (principal.kind === 'apiKey') {
    const tenant = ctx.tenant ? { slug: ctx.tenant.slug, name: ctx.tenant.name } : null;
    return { id: principal.id, email: principal.name, displayName: principal.name, kind: PrincipalKind.API_KEY, roles: [...principal.roles], tenant, mfaEnabled: false, mfaEnrollmentRequired: false, mfaRecoveryCodesLeft: 0 };
  }
  const account = await (await accountsOf(ctx, principal)).findById(principal.id);
  if (!account) throw NotFoundError.forEntity('User', principal.id);
  return meOf(account, { kind: principal.kind, roles: principal.roles, mfaPending: principal.kind === 'tenant' && principal.mfaPending }, ctx);
}
