/** Platform role; held only by platform users, never by a hospital user. */
export const PLATFORM_ROLES = ['SUPERADMIN'] as const;
/** Hospital roles; held only by hospital users. */
export const TENANT_ROLES = ['ADMIN', 'DOCTOR', 'NURSE', 'RECEPTIONIST', 'LAB_TECH', 'BILLING'] as const;

export type PlatformRole = (typeof PLATFORM_ROLES)[number];
export type TenantRole = (typeof TENANT_ROLES)[number];

/** Who is making a request, as read from the database for this request (never from token claims). */
export type Principal =
  | { kind: 'platform'; id: string; email: string; roles: PlatformRole[] }
  | { kind: 'tenant'; id: string; email: string; tenantId: string; roles: TenantRole[] };
