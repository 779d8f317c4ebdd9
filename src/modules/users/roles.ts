import { registerEnumType } from 'type-graphql';
import { TENANT_ROLES, type TenantRole } from '../../auth/principal';

/** The hospital roles as a GraphQL enum: SUPERADMIN is not one of them, so it cannot even be sent. */
export enum TenantRoleEnum {
  ADMIN = 'ADMIN',
  DOCTOR = 'DOCTOR',
  NURSE = 'NURSE',
  RECEPTIONIST = 'RECEPTIONIST',
  LAB_TECH = 'LAB_TECH',
  BILLING = 'BILLING',
}

registerEnumType(TenantRoleEnum, { name: 'TenantRole', description: 'A role inside one hospital.' });

// Compile-time check that the enum and the role list stay the same set.
const _sameRoles: Record<TenantRole, TenantRoleEnum> = TenantRoleEnum;
void _sameRoles;
void TENANT_ROLES;
