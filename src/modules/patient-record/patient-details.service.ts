import type { EntityManager } from '@mikro-orm/postgresql';
import { ConflictError } from '../../errors';
import { deleteOrFail, findForUpdate, findOptional, findOrFail } from '../common/lookup';
import { Department } from '../departments/department.entity';
import { Patient } from '../patients/patient.entity';
import { PatientAllergy, PatientContact, PatientInsurance } from './patient-details.entity';
import type { AddPatientContactInput, AddPatientInsuranceInput, RecordAllergyInput } from './patient-details.inputs';

export async function addContact(em: EntityManager, input: AddPatientContactInput): Promise<PatientContact> {
  await findOrFail(em, Patient, input.patientId, 'Patient');
  const contact = em.create(PatientContact, { ...input, value: input.value.trim(), label: input.label?.trim() ?? null } as PatientContact);
  await em.flush();
  return contact;
}

export function removeContact(em: EntityManager, id: string): Promise<PatientContact> {
  return deleteOrFail(em, PatientContact, id, 'PatientContact');
}

export async function recordAllergy(em: EntityManager, input: RecordAllergyInput): Promise<PatientAllergy> {
  await findOrFail(em, Patient, input.patientId, 'Patient');
  const allergy = em.create(PatientAllergy, { ...input, substance: input.substance.trim(), reaction: input.reaction?.trim() ?? null } as PatientAllergy);
  await em.flush();
  return allergy;
}

export async function addInsurance(em: EntityManager, input: AddPatientInsuranceInput): Promise<PatientInsurance> {
  await findOrFail(em, Patient, input.patientId, 'Patient');
  const insurance = em.create(PatientInsurance, { ...input, validUntil: input.validUntil ?? null } as PatientInsurance);
  await em.flush();
  return insurance;
}

/**
 * Soft archive: the patient leaves lists and search but keeps every record, and gets no new care (see
 * Migration0009ArchivedPatients and Migration0010ArchivedPatientPrescriptionsVitals). The row is
 * locked, so a booking, prescription or vitals recording under way commits first or waits and sees
 * the archiving.
 */
export async function setArchived(em: EntityManager, id: string, archived: boolean): Promise<Patient> {
  const patient = await findForUpdate(em, Patient, id, 'Patient');
  if (archived === (patient.archivedAt !== null)) throw ConflictError.because(archived ? 'The patient is already archived' : 'The patient is not archived');
  patient.archivedAt = archived ? new Date() : null;
  await em.flush();
  return patient;
}

export async function setDepartment(em: EntityManager, id: string, departmentId: string | null): Promise<Patient> {
  const patient = await findOrFail(em, Patient, id, 'Patient');
  await findOptional(em, Department, departmentId, 'Department');
  patient.departmentId = departmentId;
  await em.flush();
  return patient;
}
