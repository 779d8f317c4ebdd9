import type { EntityManager } from '@mikro-orm/postgresql';
import { AuthError, BadInputError, ConflictError } from '../../errors';
import { Appointment, CALLED_OFF } from '../appointments/appointment.entity';
import type { Page } from '../common/connection';
import { archivedPatient, findForUpdate, findOptional, findOrFail } from '../common/lookup';
import { paginate } from '../common/paginate';
import { Department } from '../departments/department.entity';
import { Patient } from '../patients/patient.entity';
import { Diagnosis, Encounter, Prescription, Vitals } from './clinical.entity';
import type { AddDiagnosisInput, CreateEncounterInput, EncountersArgs, PrescribeMedicationInput, RecordVitalsInput } from './clinical.inputs';

/** `actorId` is the signed-in clinician (a platform admin acting in the hospital has none). */
function requireActor(actorId: string | null): string {
  if (!actorId) throw AuthError.forbidden('Clinical records are written by the hospital’s own staff');
  return actorId;
}

/** An encounter's appointment is the same patient's, in the same department, and was not called off. */
function checkAppointment(appointment: Appointment, patientId: string, departmentId: string | null | undefined): void {
  if (appointment.patientId !== patientId) throw BadInputError.forFields({ appointmentId: 'belongs to another patient' });
  if (departmentId && appointment.departmentId && appointment.departmentId !== departmentId) {
    throw BadInputError.forFields({ departmentId: 'differs from the appointment’s department' });
  }
  if (CALLED_OFF.includes(appointment.status)) {
    throw ConflictError.because(`An encounter cannot belong to a ${appointment.status} appointment`);
  }
}

export async function createEncounter(em: EntityManager, input: CreateEncounterInput, actorId: string | null): Promise<Encounter> {
  const clinicianId = requireActor(actorId);
  const patient = await findOrFail(em, Patient, input.patientId, 'Patient');
  await findOptional(em, Department, input.departmentId, 'Department');
  // Locked as a status change locks it, so calling the appointment off and opening its encounter run
  // one after the other: whichever waited sees the other's work (CONFLICT either way).
  const appointment = input.appointmentId == null ? null : await findForUpdate(em, Appointment, input.appointmentId, 'Appointment');
  if (appointment) checkAppointment(appointment, patient.id, input.departmentId);
  const encounter = em.create(Encounter, {
    patientId: patient.id,
    clinicianId,
    departmentId: input.departmentId ?? appointment?.departmentId ?? null,
    appointmentId: appointment?.id ?? null,
    notes: input.notes ?? '',
  } as Encounter);
  await em.flush().catch((error: unknown) => { throw archivedPatient(error) ?? error; });
  return encounter;
}

/** Allowed for an archived patient's encounter too: a diagnosis documents care already given, often written down late. */
export async function addDiagnosis(em: EntityManager, input: AddDiagnosisInput): Promise<Diagnosis> {
  const encounter = await findOrFail(em, Encounter, input.encounterId, 'Encounter');
  const diagnosis = em.create(Diagnosis, { encounterId: encounter.id, icd10Code: input.icd10Code, description: input.description.trim() } as Diagnosis);
  await em.flush();
  return diagnosis;
}

export async function prescribeMedication(em: EntityManager, input: PrescribeMedicationInput, actorId: string | null): Promise<Prescription> {
  const prescribedById = requireActor(actorId);
  const encounter = await findOrFail(em, Encounter, input.encounterId, 'Encounter');
  const prescription = em.create(Prescription, {
    encounterId: encounter.id,
    prescribedById,
    medication: input.medication.trim(),
    dosage: input.dosage.trim(),
    frequency: input.frequency.trim(),
    durationDays: input.durationDays ?? null,
  } as Prescription);
  await em.flush().catch((error: unknown) => { throw archivedPatient(error) ?? error; });
  return prescription;
}

export async function recordVitals(em: EntityManager, input: RecordVitalsInput, actorId: string | null): Promise<Vitals> {
  const recordedById = requireActor(actorId);
  const patient = await findOrFail(em, Patient, input.patientId, 'Patient');
  const encounter = await findOptional(em, Encounter, input.encounterId, 'Encounter');
  if (encounter && encounter.patientId !== patient.id) throw BadInputError.forFields({ encounterId: 'belongs to another patient' });
  const { patientId: _p, encounterId: _e, ...measures } = input;
  if (Object.values(measures).every((v) => v === undefined || v === null)) throw BadInputError.forFields({ heartRate: 'at least one measurement is required' });
  const vitals = em.create(Vitals, { ...measures, patientId: patient.id, encounterId: encounter?.id ?? null, recordedById } as Vitals);
  await em.flush().catch((error: unknown) => { throw archivedPatient(error) ?? error; });
  return vitals;
}

export function listEncounters(em: EntityManager, args: EncountersArgs): Promise<Page<Encounter>> {
  return paginate(em, Encounter, { patientId: args.patientId }, args, { startedAt: 'desc', id: 'desc' });
}

export function listVitals(em: EntityManager, args: EncountersArgs): Promise<Page<Vitals>> {
  return paginate(em, Vitals, { patientId: args.patientId }, args, { recordedAt: 'desc', id: 'desc' });
}
