import { DriverException, ForeignKeyConstraintViolationException, LockMode, type EntityName, type FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ConflictError, NotFoundError } from '../../errors';
import { isUuid } from './ids';

/**
 * Loads a row of the bound hospital by id, or fails with NOT_FOUND exactly as for a row that does
 * not exist (another hospital's row is invisible to the filter and to row-level security).
 */
export async function findOrFail<T extends object>(em: EntityManager, entity: EntityName<T>, id: string, label: string): Promise<T> {
  const row = isUuid(id) ? await em.findOne(entity, { id } as FilterQuery<T>) : null;
  if (!row) throw NotFoundError.forEntity(label, id);
  return row;
}

async function findLocked<T extends object>(em: EntityManager, entity: EntityName<T>, id: string, label: string, lockMode: LockMode): Promise<T> {
  const row = isUuid(id) ? await em.findOne(entity, { id } as FilterQuery<T>, { lockMode, refresh: true }) : null;
  if (!row) throw NotFoundError.forEntity(label, id);
  return row;
}

/**
 * Same as findOrFail, with the row locked (`FOR UPDATE`) to the end of the transaction and read afresh:
 * concurrent changes to one row run one after another, each checking what the one before it wrote.
 */
export function findForUpdate<T extends object>(em: EntityManager, entity: EntityName<T>, id: string, label: string): Promise<T> {
  return findLocked(em, entity, id, label, LockMode.PESSIMISTIC_WRITE);
}

/**
 * Same as findOrFail, with the row share-locked (`FOR SHARE`) to the end of the transaction and read
 * afresh, for work that relies on the row as read without changing it: a change of the row committing
 * meanwhile is waited for and seen, or waits until this transaction ends. Others relying on it alike
 * do not wait for each other.
 */
export function findForShare<T extends object>(em: EntityManager, entity: EntityName<T>, id: string, label: string): Promise<T> {
  return findLocked(em, entity, id, label, LockMode.PESSIMISTIC_READ);
}

/**
 * Deletes a row of the bound hospital by id and returns it as it was read, or fails with NOT_FOUND as
 * findOrFail does. The delete itself decides: of concurrent deletes of one row, the one whose
 * statement removed it succeeds and the others (which waited for its lock) are NOT_FOUND, as a later call is.
 */
export async function deleteOrFail<T extends object>(em: EntityManager, entity: EntityName<T>, id: string, label: string): Promise<T> {
  const row = await findOrFail(em, entity, id, label);
  if ((await em.nativeDelete(entity, { id } as FilterQuery<T>)) !== 1) throw NotFoundError.forEntity(label, id);
  em.getUnitOfWork().unsetIdentity(row);
  return row;
}

/** Same as findOrFail, for an optional reference: only null or undefined is none (an empty id names no row, as any other that is not a UUID). */
export async function findOptional<T extends object>(em: EntityManager, entity: EntityName<T>, id: string | null | undefined, label: string): Promise<T | null> {
  return id === null || id === undefined ? null : findOrFail(em, entity, id, label);
}

/**
 * NOT_FOUND for an insert or update refused by one of the named references (`constraint → [label, id]`):
 * a reference includes the hospital, so another hospital's row fails it exactly as a missing one does.
 */
export function missingReference(error: unknown, references: Record<string, [label: string, id: string]>): NotFoundError | undefined {
  if (!(error instanceof ForeignKeyConstraintViolationException)) return undefined;
  const reference = references[(error as { constraint?: string }).constraint ?? ''];
  return reference ? NotFoundError.forEntity(...reference) : undefined;
}

/**
 * SQLSTATE with which the tenant tables refuse new care for an archived patient
 * (Migration0009ArchivedPatients, Migration0010ArchivedPatientPrescriptionsVitals).
 */
export const PATIENT_ARCHIVED_STATE = 'SVA01';

/**
 * CONFLICT for an insert or a rescheduling the database refused because the patient is archived (a
 * new appointment, encounter, lab order, prescription or vitals, or an appointment moved to a new time).
 */
export function archivedPatient(error: unknown): ConflictError | undefined {
  if (!(error instanceof DriverException) || (error as DriverException & { code?: string }).code !== PATIENT_ARCHIVED_STATE) return undefined;
  return ConflictError.because('The patient is archived');
}
