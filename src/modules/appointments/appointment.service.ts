import { DriverException, type FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { BadInputError, ConflictError } from '../../errors';
import type { Page } from '../common/connection';
import { archivedPatient, findForShare, findForUpdate, missingReference } from '../common/lookup';
import { paginate } from '../common/paginate';
import { Encounter } from '../clinical/clinical.entity';
import { inactive } from '../users/active-user';
import { User } from '../users/user.entity';
import { Appointment, APPOINTMENT_TRANSITIONS, AppointmentStatus, CALLED_OFF } from './appointment.entity';
import { AppointmentSort, type AppointmentsArgs, type CreateAppointmentInput } from './appointment.inputs';

const CLINICAL_ROLES = ['DOCTOR', 'NURSE'];
const MAX_LENGTH_MS = 24 * 3_600_000;

/** CONFLICT for PostgreSQL's exclusion_violation: the clinician already has an overlapping appointment. */
function doubleBooking(error: unknown): ConflictError | undefined {
  if (!(error instanceof DriverException) || (error as DriverException & { code?: string }).code !== '23P01') return undefined;
  return ConflictError.because('The clinician already has an appointment at that time');
}

/** Why `user` cannot hold appointments (deactivated, or neither DOCTOR nor NURSE), or undefined if they can. */
function unfitClinician(user: User): string | undefined {
  const problem = inactive(user);
  if (problem) return problem;
  if (!user.roles.some((r) => CLINICAL_ROLES.includes(r))) return 'must be a DOCTOR or NURSE';
  return undefined;
}

/**
 * The clinician's user row, share-locked to the end of the transaction: a deactivation or a change of
 * roles (an update of that row) committing meanwhile is waited for and judged here, or waits until
 * the booking or reschedule has committed, so no appointment lands on a clinician who could no longer
 * be booked. Bookings of one clinician do not wait for each other.
 */
function lockClinician(em: EntityManager, id: string): Promise<User> {
  return findForShare(em, User, id, 'Clinician');
}

/** An active user of this hospital who can see patients (DOCTOR or NURSE), locked as lockClinician; anything else is NOT_FOUND or BAD_USER_INPUT. */
export async function findClinician(em: EntityManager, id: string): Promise<User> {
  const user = await lockClinician(em, id);
  const problem = unfitClinician(user);
  if (problem) throw BadInputError.forFields({ clinicianId: problem });
  return user;
}

/** CONFLICT when an appointment's clinician could no longer be booked (deactivated or no longer clinical since), locked as lockClinician. */
async function checkStillClinician(em: EntityManager, appointment: Appointment): Promise<void> {
  const problem = unfitClinician(await lockClinician(em, appointment.clinicianId));
  if (problem) throw ConflictError.because(`The appointment’s clinician ${problem}: cancel it and book another clinician`);
}

/** When an appointment takes place: a booking's and a reschedule's times, checked alike (BAD_USER_INPUT on `endsAt`). */
export interface AppointmentTimes {
  startsAt: Date;
  endsAt: Date;
}

function checkedTimes(times: AppointmentTimes): AppointmentTimes {
  const startsAt = new Date(times.startsAt);
  const endsAt = new Date(times.endsAt);
  if (endsAt <= startsAt) throw BadInputError.forFields({ endsAt: 'must be after startsAt' });
  if (endsAt.getTime() - startsAt.getTime() > MAX_LENGTH_MS) throw BadInputError.forFields({ endsAt: 'an appointment lasts at most 24 hours' });
  return { startsAt, endsAt };
}

export async function createAppointment(em: EntityManager, input: CreateAppointmentInput): Promise<Appointment> {
  const { startsAt, endsAt } = checkedTimes(input);
  await findClinician(em, input.clinicianId);
  // The patient and the department are checked by the insert's references to them (each names the
  // hospital too, so another hospital's row is as missing as one that does not exist), and that the
  // patient is not archived by the table's trigger.
  const appointment = em.create(Appointment, {
    patientId: input.patientId,
    clinicianId: input.clinicianId,
    departmentId: input.departmentId ?? null,
    startsAt,
    endsAt,
    reason: input.reason?.trim() ?? '',
  } as Appointment);
  try {
    await em.flush();
  } catch (error) {
    throw doubleBooking(error) ?? archivedPatient(error) ?? missingReference(error, {
      appointments_tenant_id_patient_id_fkey: ['Patient', input.patientId],
      appointments_tenant_id_department_id_fkey: ['Department', input.departmentId ?? ''],
    }) ?? error;
  }
  return appointment;
}

/**
 * Moves an appointment along its workflow; any other move is a CONFLICT that changes nothing, as is
 * calling off an appointment that has an encounter. The row is locked first, so of two moves sent at
 * once the later sees the earlier's status, and an encounter being opened for it (which locks it too)
 * is either seen here or sees the new status.
 */
export async function setAppointmentStatus(em: EntityManager, id: string, status: AppointmentStatus): Promise<Appointment> {
  const appointment = await findForUpdate(em, Appointment, id, 'Appointment');
  if (!APPOINTMENT_TRANSITIONS[appointment.status].includes(status)) {
    throw ConflictError.because(`An appointment cannot go from ${appointment.status} to ${status}`);
  }
  // Looked up through the patient, whose encounters are indexed.
  if (CALLED_OFF.includes(status) && (await em.count(Encounter, { patientId: appointment.patientId, appointmentId: appointment.id })) > 0) {
    throw ConflictError.because(`The appointment has an encounter (care was given), so it cannot be ${status}`);
  }
  appointment.status = status;
  try {
    await em.flush();
  } catch (error) {
    throw doubleBooking(error) ?? error; // the constraint has the last word, should a move ever revive a slot taken since
  }
  return appointment;
}

/**
 * Moves a SCHEDULED appointment to a new time; any other status is CONFLICT. The row is locked first,
 * so a reschedule and a status change sent at once run one after the other. The double-booking
 * constraint and the archived-patient trigger (which fires on a new time) judge the new time as they
 * judge a booking's.
 */
export async function rescheduleAppointment(em: EntityManager, id: string, times: AppointmentTimes): Promise<Appointment> {
  const { startsAt, endsAt } = checkedTimes(times);
  const appointment = await findForUpdate(em, Appointment, id, 'Appointment');
  if (appointment.status !== AppointmentStatus.SCHEDULED) throw ConflictError.because(`A ${appointment.status} appointment cannot be rescheduled`);
  await checkStillClinician(em, appointment);
  Object.assign(appointment, { startsAt, endsAt });
  try {
    await em.flush();
  } catch (error) {
    throw doubleBooking(error) ?? archivedPatient(error) ?? error;
  }
  return appointment;
}

export function listAppointments(em: EntityManager, args: AppointmentsArgs): Promise<Page<Appointment>> {
  const f = args.filter ?? {};
  const where: FilterQuery<Appointment> = {};
  if (f.patientId) where.patientId = f.patientId;
  if (f.clinicianId) where.clinicianId = f.clinicianId;
  if (f.departmentId) where.departmentId = f.departmentId;
  if (f.status?.length) where.status = { $in: f.status };
  if (f.from || f.to) where.startsAt = { ...(f.from ? { $gte: new Date(f.from) } : {}), ...(f.to ? { $lt: new Date(f.to) } : {}) };
  const dir = args.sort === AppointmentSort.STARTS_AT_DESC ? 'desc' : 'asc';
  return paginate(em, Appointment, where, args, { startsAt: dir, id: dir });
}
