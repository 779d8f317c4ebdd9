/** Platform role; held only by platform users, never by a hospital user. */
export const PLATFORM_ROLES = ['SUPERADMIN'] as const;
/** Hospital roles; held only by hospital users and API keys. */
export const TENANT_ROLES = ['ADMIN', 'DOCTOR', 'NURSE', 'RECEPTIONIST', 'LAB_TECH', 'BILLING'] as const;

/** The platform role. */
export type PlatformRole = (typeof PLATFORM_ROLES)[number];
/** A hospital role. */
export type TenantRole = (typeof TENANT_ROLES)[number];

/**
 * Who is making a request, as read from the database for this request (never from token claims).
 * - `platform`: a platform user (SUPERADMIN), centrally or acting inside a hospital.
 * - `tenant`: a hospital user, only ever inside their own hospital. `mfaPending` is true when the
 *   hospital requires a second factor that this session has not given: only enrolment is open then.
 * - `apiKey`: a machine client of one hospital, holding the key's single role.
 * `sessionId` names the sign-in session (refresh-token family) the access token belongs to, and
 * `twoFactor` says whether that session gave a second factor (read with it, never from the token).
 */
export type Principal =
  | { kind: 'platform'; id: string; email: string; roles: PlatformRole[]; sessionId: string; twoFactor: boolean }
  | { kind: 'tenant'; id: string; email: string; tenantId: string; roles: TenantRole[]; sessionId: string; twoFactor: boolean; mfaPending: boolean }
  | { kind: 'apiKey'; id: string; name: string; tenantId: string; roles: TenantRole[] };

/** A signed-in person (not an API key). */
export type UserPrincipal = Extract<Principal, { kind: 'platform' | 'tenant' }>;

/** True for principals that are people with an account and a session. */
export function isUserPrincipal(principal: Principal | null): principal is UserPrincipal {
  return principal !== null && principal.kind !== 'apiKey';
}
