import { rule } from 'graphql-shield';
import type { RequestContext } from '../context';
import { AuthError } from '../errors';
import type { TenantRole } from './principal';

/*
 * Shield rules return coded errors instead of throwing (shield would swallow a thrown error into
 * "Not Authorised!"). No rule caches beyond the request.
 */

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

/** A user of the request's hospital, or a platform user acting inside it. */
export const isTenantMember = rule({ cache: 'no_cache' })((_p, _a, ctx: RequestContext) => {
  if (!ctx.tenant) return AuthError.forbidden('This operation needs a hospital (e.g. /t/<slug>/graphql)');
  if (!ctx.principal) return AuthError.unauthenticated();
  if (ctx.principal.kind === 'tenant' && ctx.principal.tenantId !== ctx.tenant.id) return AuthError.unauthenticated();
  return true;
});

/**
 * A user of the request's hospital holding one of `roles` (platform users acting inside the hospital
 * pass too). Builds on isTenantMember's checks.
 */
export function hasTenantRole(...roles: TenantRole[]) {
  // shield refuses two different rules with one name, so each role list gets one rule instance.
  const name = `hasTenantRole:${roles.join(',')}`;
  const existing = ROLE_RULES.get(name);
  if (existing) return existing;
  const created = rule(name, { cache: 'no_cache' })((_p, _a, ctx: RequestContext) => {
    if (!ctx.tenant) return AuthError.forbidden('This operation needs a hospital (e.g. /t/<slug>/graphql)');
    if (!ctx.principal) return AuthError.unauthenticated();
    if (ctx.principal.kind === 'platform') return true;
    if (ctx.principal.tenantId !== ctx.tenant.id) return AuthError.unauthenticated();
    return ctx.principal.roles.some((r) => roles.includes(r)) ? true : AuthError.forbidden(`Requires one of: ${roles.join(', ')}`);
  });
  ROLE_RULES.set(name, created);
  return created;
}

const ROLE_RULES = new Map<string, ReturnType<ReturnType<typeof rule>>>();
