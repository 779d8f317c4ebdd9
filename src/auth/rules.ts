import { rule } from 'graphql-shield';
import type { IRule } from 'graphql-shield';
import type { RequestContext } from '../context';
import { AuthError } from '../errors';
import type { TenantRole } from './principal';

/*
 * Shield rules return coded errors instead of throwing (shield would swallow a thrown error into
 * "Not Authorised!"). No rule caches beyond the request. Platform users acting inside a hospital pass
 * every hospital rule (the audit trail records them); API keys pass as their one role.
 */

const NEEDS_HOSPITAL = 'This operation needs a hospital (e.g. /t/<slug>/graphql)';

/** FORBIDDEN while the hospital requires a second factor this session has not given. */
export function mfaEnrollmentRequired(): AuthError {
  return new AuthError('FORBIDDEN', 'This hospital requires two-factor sign-in: enrol with startMfaEnrollment and confirmMfaEnrollment, or sign in again with your code', {
    mfaEnrollmentRequired: true,
  });
}

/** The checks every hospital rule shares: a hospital, a principal of it, no pending MFA enrolment. */
function hospitalAccess(ctx: RequestContext): true | AuthError {
  if (!ctx.tenant) return AuthError.forbidden(NEEDS_HOSPITAL);
  const principal = ctx.principal;
  if (!principal) return AuthError.unauthenticated();
  if (principal.kind === 'platform') return true;
  if (principal.tenantId !== ctx.tenant.id) return AuthError.unauthenticated();
  if (principal.kind === 'tenant' && principal.mfaPending) return mfaEnrollmentRequired();
  return true;
}

/** Anyone with valid credentials for this context. */
export const isAuthenticated = rule({ cache: 'no_cache' })((_p, _a, ctx: RequestContext) =>
  ctx.principal ? true : AuthError.unauthenticated(),
);

/** A platform user, in the central context. */
export const isSuperAdmin = rule({ cache: 'no_cache' })((_p, _a, ctx: RequestContext) => {
  if (!ctx.principal) return AuthError.unauthenticated();
  if (ctx.principal.kind !== 'platform') return AuthError.forbidden('Platform administrators only');
  if (ctx.tenant) return AuthError.forbidden('Platform operations run on the platform host, not inside a hospital');
  return true;
});

/** A user or API key of the request's hospital, or a platform user acting inside it. */
export const isTenantMember = rule({ cache: 'no_cache' })((_p, _a, ctx: RequestContext) => hospitalAccess(ctx));

const roleRules = new Map<string, IRule>();

/**
 * A user or API key of the request's hospital holding one of `roles`, or a platform user acting
 * inside it. Builds on isTenantMember's checks.
 */
export function hasTenantRole(...roles: TenantRole[]): IRule {
  // One rule object per role set: shield refuses two different rules under one name.
  const name = `hasTenantRole:${[...roles].sort().join(',')}`;
  const existing = roleRules.get(name);
  if (existing) return existing;
  const created = rule(name, { cache: 'no_cache' })((_p, _a, ctx: RequestContext) => {
    const access = hospitalAccess(ctx);
    if (access !== true) return access;
    const principal = ctx.principal!;
    if (principal.kind === 'platform') return true;
    return principal.roles.some((r) => roles.includes(r)) ? true : AuthError.forbidden(`Requires one of: ${roles.join(', ')}`);
  });
  roleRules.set(name, created);
  return created;
}

/**
 * A signed-in person (platform or hospital user, not an API key), even one who still has to enrol
 * in MFA: for signing out and for enrolment itself.
 */
export const isSignedInUser = rule({ cache: 'no_cache' })((_p, _a, ctx: RequestContext) => {
  if (!ctx.principal) return AuthError.unauthenticated();
  if (ctx.principal.kind === 'apiKey') return AuthError.forbidden('API keys have no account to manage');
  return true;
});

/** A signed-in person who has met every sign-in requirement: self-service on their own account. */
export const isVerifiedUser = rule({ cache: 'no_cache' })((_p, _a, ctx: RequestContext) => {
  if (!ctx.principal) return AuthError.unauthenticated();
  if (ctx.principal.kind === 'apiKey') return AuthError.forbidden('API keys have no account to manage');
  if (ctx.principal.kind === 'tenant' && ctx.principal.mfaPending) return mfaEnrollmentRequired();
  return true;
});
