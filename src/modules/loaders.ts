import type { EntityManager } from '@mikro-orm/postgresql';
import type DataLoader from 'dataloader';
import { newestRows, type PlacementSql, type SqlFragment } from '../tenancy';
import { Appointment, AppointmentStatus } from './appointments/appointment.entity';
import { Invoice, InvoiceLine, InvoiceStatus, Payment } from './billing/billing.entity';
import { Diagnosis, Encounter, Prescription, Vitals } from './clinical/clinical.entity';
import { byId, firstBy, groupedBy } from './common/loader-kit';
import { Department, StaffAssignment } from './departments/department.entity';
import { LabOrder, LabResult } from './lab/lab.entity';
import { PatientAllergy, PatientContact, PatientInsurance } from './patient-record/patient-details.entity';
import { Patient } from './patients/patient.entity';
import type { HospitalSettings } from './settings/settings.entity';
import { getSettings } from './settings/settings.service';
import { User } from './users/user.entity';

/**
 * Per-request DataLoaders: built once per request in the context, so their caches never outlive the
 * request or cross hospitals (the EntityManager they use is bound to the request's hospital).
 */
export interface Loaders {
  patient: DataLoader<string, Patient | null>;
  user: DataLoader<string, User | null>;
  department: DataLoader<string, Department | null>;
  staffByDepartment: DataLoader<string, StaffAssignment[]>;
  /** A patient's first `first` upcoming appointments (see UPCOMING, soonest first), one loader per `first`. */
  upcomingAppointmentsByPatient(first: number): DataLoader<string, Appointment[]>;
  /** A patient's newest `first` appointments (latest start first), one loader per `first`. */
  latestAppointmentsByPatient(first: number): DataLoader<string, Appointment[]>;
  /** A patient's `first` most recent lab results, one loader per `first`. */
  labResultsByPatient(first: number): DataLoader<string, LabResult[]>;
  labResultsByOrder: DataLoader<string, LabResult[]>;
  openInvoicesByPatient: DataLoader<string, Invoice[]>;
  invoiceLinesByInvoice: DataLoader<string, InvoiceLine[]>;
  paymentsByInvoice: DataLoader<string, Payment[]>;
  diagnosesByEncounter: DataLoader<string, Diagnosis[]>;
  prescriptionsByEncounter: DataLoader<string, Prescription[]>;
  vitalsByEncounter: DataLoader<string, Vitals[]>;
  labOrder: DataLoader<string, LabOrder | null>;
  encounter: DataLoader<string, Encounter | null>;
  contactsByPatient: DataLoader<string, PatientContact[]>;
  allergiesByPatient: DataLoader<string, PatientAllergy[]>;
  insurancesByPatient: DataLoader<string, PatientInsurance[]>;
  /** The hospital's settings (defaults when never changed), read at most once per request. */
  settings(): Promise<HospitalSettings>;
}

const UPCOMING = [AppointmentStatus.SCHEDULED, AppointmentStatus.CHECKED_IN];

/** Appointments still to come (aliased `t`): scheduled or checked in, not ended as of the statement. */
function upcoming(sql: PlacementSql, t: string): SqlFragment {
  return {
    text: `${t}.${sql.column(Appointment, 'status')} in (?) and ${t}.${sql.column(Appointment, 'endsAt')} >= ?`,
    params: [UPCOMING, new Date()],
  };
}

export function createLoaders(em: () => Promise<EntityManager>): Loaders {
  return {
    patient: byId(em, Patient),
    user: byId(em, User),
    department: byId(em, Department),
    labOrder: byId(em, LabOrder),
    encounter: byId(em, Encounter),
    staffByDepartment: groupedBy(em, StaffAssignment, 'departmentId', { orderBy: { jobTitle: 'asc', id: 'asc' } }),
    upcomingAppointmentsByPatient: firstBy(em, Appointment, { key: 'patientId', where: upcoming, orderBy: { startsAt: 'asc', id: 'asc' } }),
    latestAppointmentsByPatient: firstBy(em, Appointment, newestRows({ key: 'patientId', newestBy: 'startsAt' })),
    labResultsByPatient: firstBy(em, LabResult, { key: 'patientId', orderBy: { recordedAt: 'desc', id: 'asc' } }),
    labResultsByOrder: groupedBy(em, LabResult, 'labOrderId', { orderBy: { recordedAt: 'asc', id: 'asc' } }),
    openInvoicesByPatient: groupedBy(em, Invoice, 'patientId', { where: () => ({ status: InvoiceStatus.ISSUED }), orderBy: { createdAt: 'asc', id: 'asc' } }),
    invoiceLinesByInvoice: groupedBy(em, InvoiceLine, 'invoiceId', { orderBy: { id: 'asc' } }),
    paymentsByInvoice: groupedBy(em, Payment, 'invoiceId', { orderBy: { receivedAt: 'asc', id: 'asc' } }),
    diagnosesByEncounter: groupedBy(em, Diagnosis, 'encounterId', { orderBy: { createdAt: 'asc', id: 'asc' } }),
    prescriptionsByEncounter: groupedBy(em, Prescription, 'encounterId', { orderBy: { createdAt: 'asc', id: 'asc' } }),
    vitalsByEncounter: groupedBy(em, Vitals, 'encounterId', { orderBy: { recordedAt: 'asc', id: 'asc' } }),
    contactsByPatient: groupedBy(em, PatientContact, 'patientId', { orderBy: { kind: 'asc', id: 'asc' } }),
    allergiesByPatient: groupedBy(em, PatientAllergy, 'patientId', { orderBy: { substance: 'asc', id: 'asc' } }),
    insurancesByPatient: groupedBy(em, PatientInsurance, 'patientId', { orderBy: { provider: 'asc', id: 'asc' } }),
    settings: () => em().then(getSettings),
  };
}
