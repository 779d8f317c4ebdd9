import type { TenantRole } from '../../auth/principal';

/** Role groups of the domain modules (the README's role matrix lists each operation). */
export const EVERYONE: TenantRole[] = ['ADMIN', 'DOCTOR', 'NURSE', 'RECEPTIONIST', 'LAB_TECH', 'BILLING'];
/** Who works with patients' appointments. */
export const FRONT_DESK: TenantRole[] = ['ADMIN', 'DOCTOR', 'NURSE', 'RECEPTIONIST'];
/** Who may read clinical data (encounters, diagnoses, notes, vitals, prescriptions). */
export const CLINICAL_READERS: TenantRole[] = ['ADMIN', 'DOCTOR', 'NURSE'];
/**
 * Who may write the clinical record (encounters, diagnoses, notes, prescriptions) and order labs.
 * ADMIN reads clinical data but writes none; NURSE records bedside observations (see BEDSIDE_STAFF).
 */
export const CLINICAL_WRITERS: TenantRole[] = ['DOCTOR'];
/** Who records what they observe at the bedside: vitals and allergies. */
export const BEDSIDE_STAFF: TenantRole[] = ['DOCTOR', 'NURSE'];
/** Who collects samples and records lab results. */
export const LAB_STAFF: TenantRole[] = ['LAB_TECH'];
/** Who may read lab orders and results. */
export const LAB_READERS: TenantRole[] = ['ADMIN', 'DOCTOR', 'NURSE', 'LAB_TECH'];
/** Who works invoices and payments. */
export const BILLING_STAFF: TenantRole[] = ['ADMIN', 'BILLING'];
