import { registerEnumType } from 'type-graphql';
import type { TenantRole } from '../../auth/principal';

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

/** Fails to compile when the enum and `TENANT_ROLES` stop being the same set. */
export const TENANT_ROLE_ENUM: { [R in TenantRole]: `${TenantRoleEnum}` & R } = TenantRoleEnum;
