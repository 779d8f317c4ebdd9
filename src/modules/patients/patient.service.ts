import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { randomBytes } from 'node:crypto';
import { ConflictError, NotFoundError } from '../../errors';
import { isUuid } from '../common/ids';
import { Patient } from './patient.entity';
import type { CreatePatientInput, UpdatePatientInput } from './patient.inputs';

async function flushUnique(em: EntityManager): Promise<void> {
  try {
    await em.flush();
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) throw ConflictError.because('A patient with this MRN already exists in this hospital');
    throw error;
  }
}

/** MRN-XXXXXXXX from an alphabet without look-alike characters. */
function generateMrn(): string {
  const alphabet = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
  return `MRN-${Array.from(randomBytes(8), (b) => alphabet[b % alphabet.length]).join('')}`;
}

export async function createPatient(em: EntityManager, input: CreatePatientInput, createdById: string | null): Promise<Patient> {
  const patient = em.create(Patient, { ...input, mrn: input.mrn ?? generateMrn(), createdById } as Patient);
  await flushUnique(em);
  return patient;
}

/** Read with a patient to change: the department, joined into the same statement (reads that only answer: patient-reads.ts). */
const WITH_DEPARTMENT = ['department'] as const;

/** The patient to change (a managed entity), with its department. */
export async function findPatient(em: EntityManager, id: string): Promise<Patient | null> {
  return isUuid(id) ? em.findOne(Patient, { id }, { populate: WITH_DEPARTMENT, strategy: 'joined' }) : null;
}

export async function updatePatient(em: EntityManager, id: string, input: UpdatePatientInput): Promise<Patient> {
  const patient = await findPatient(em, id);
  if (!patient) throw NotFoundError.forEntity('Patient', id);
  const changes = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined && v !== null));
  em.assign(patient, changes);
  await flushUnique(em);
  return patient;
}

/** Replaces the patient's clinical notes (DOCTOR). */
export async function recordClinicalNotes(em: EntityManager, id: string, notes: string | null): Promise<Patient> {
  const patient = await findPatient(em, id);
  if (!patient) throw NotFoundError.forEntity('Patient', id);
  patient.clinicalNotes = notes;
  await em.flush();
  return patient;
}
