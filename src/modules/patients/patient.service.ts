import { UniqueConstraintViolationException, type FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { randomBytes } from 'node:crypto';
import { BadInputError, ConflictError, NotFoundError } from '../../errors';
import { findDetached } from '../../tenancy';
import type { Page } from '../common/connection';
import { isUuid } from '../common/ids';
import { paginate } from '../common/paginate';
import { Patient } from './patient.entity';
import type { CreatePatientInput, PatientsArgs, UpdatePatientInput } from './patient.inputs';

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function checkBirthDate(birthDate: string | undefined): void {
  if (birthDate !== undefined && birthDate > new Date().toISOString().slice(0, 10)) {
    throw BadInputError.forFields({ birthDate: 'must not be in the future' });
  }
}

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
  checkBirthDate(input.birthDate);
  const patient = em.create(Patient, { ...input, mrn: input.mrn ?? generateMrn(), createdById } as Patient);
  await flushUnique(em);
  return patient;
}

/** Read with the patient: the department, joined into the same statement. */
const WITH_DEPARTMENT = ['department'] as const;

/** The patient to change (a managed entity), with its department. */
export async function findPatient(em: EntityManager, id: string): Promise<Patient | null> {
  return isUuid(id) ? em.findOne(Patient, { id }, { populate: WITH_DEPARTMENT, strategy: 'joined' }) : null;
}

/** The patient to show (detached: read only to answer), with its department. */
export async function readPatient(em: EntityManager, id: string): Promise<Patient | null> {
  if (!isUuid(id)) return null;
  const [patient] = await findDetached(em, Patient, { id }, { populate: WITH_DEPARTMENT, limit: 1 });
  return patient ?? null;
}

export async function updatePatient(em: EntityManager, id: string, input: UpdatePatientInput): Promise<Patient> {
  const patient = await findPatient(em, id);
  if (!patient) throw NotFoundError.forEntity('Patient', id);
  checkBirthDate(input.birthDate);
  const changes = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined && v !== null));
  em.assign(patient, changes);
  await flushUnique(em);
  return patient;
}

export async function listPatients(em: EntityManager, args: PatientsArgs): Promise<Page<Patient>> {
  const where: FilterQuery<Patient> = args.includeArchived ? {} : { archivedAt: null };
  const text = args.search?.trim();
  if (text) {
    const prefix = `${escapeLike(text)}%`;
    where.$or = [{ search: { $fulltext: text } }, { lastName: { $ilike: prefix } }, { firstName: { $ilike: prefix } }, { mrn: { $ilike: prefix } }];
  }
  return paginate(em, Patient, where, args, { lastName: 'asc', firstName: 'asc', id: 'asc' }, { populate: WITH_DEPARTMENT });
}

/** Replaces the patient's clinical notes (DOCTOR). */
export async function recordClinicalNotes(em: EntityManager, id: string, notes: string): Promise<Patient> {
  const patient = await findPatient(em, id);
  if (!patient) throw NotFoundError.forEntity('Patient', id);
  patient.clinicalNotes = notes;
  await em.flush();
  return patient;
}
