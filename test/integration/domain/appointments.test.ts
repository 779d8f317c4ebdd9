import type { EntityManager } from '@mikro-orm/postgresql';
import { AppointmentStatus as Status } from '../../../src/modules/appointments/appointment.entity';
import { createAppointment, setAppointmentStatus } from '../../../src/modules/appointments/appointment.service';
import { deactivateUser } from '../../../src/modules/users/user.service';
import { AppointmentsDocument, CreateAppointmentDocument, CreateDepartmentDocument, DeactivateUserDocument, SetAppointmentStatusDocument, type AppointmentStatus } from '../../e2e/generated/graphql';
import { errorCode, TestGateway } from '../../fixtures/gateway';
import { whileHeld } from '../../fixtures/races';
import { addPatient, addStaff, at, type Staff } from '../../fixtures/staff';

describe('appointments', () => {
  let gw: TestGateway;
  let admin: { slug: string; token: string };
  let doctor: Staff;
  let receptionist: Staff;
  let patientId: string;
  let slot = 0;

  /** A fresh, non-overlapping hour for each booking. */
  const book = (extra: Record<string, unknown> = {}) => {
    slot += 2;
    return gw.gql(CreateAppointmentDocument, { input: { patientId, clinicianId: doctor.id, startsAt: at(slot), endsAt: at(slot + 1), reason: 'Check-up', ...extra } }, receptionist);
  };

  beforeAll(async () => {
    gw = await TestGateway.start();
    admin = await gw.createTenant({ slug: 'appointments' });
    doctor = await addStaff(gw, admin.slug, 'DOCTOR');
    receptionist = await addStaff(gw, admin.slug, 'RECEPTIONIST');
    patientId = await addPatient(gw, admin, 'Booked');
  });
  afterAll(() => gw.stop());

  it('lets a receptionist book a patient with a clinician in a department and resolves the relations', async () => {
    const department = await gw.gql(CreateDepartmentDocument, { input: { name: 'Cardiology', code: 'CARD' } }, admin);
    const booked = await book({ departmentId: department.data!.createDepartment.id });
    expect(booked.errors).toBeUndefined();
    expect(booked.data?.createAppointment).toMatchObject({
      status: 'SCHEDULED',
      patient: { id: patientId, lastName: 'Booked' },
      clinician: { id: doctor.id },
      department: { code: 'CARD' },
    });
  });

  it.each<[string, AppointmentStatus[], AppointmentStatus]>([
    ['checks in and completes', ['CHECKED_IN', 'COMPLETED'], 'COMPLETED'],
    ['cancels a scheduled visit', ['CANCELLED'], 'CANCELLED'],
    ['marks a scheduled visit as a no-show', ['NO_SHOW'], 'NO_SHOW'],
  ])('%s', async (_name, steps, final) => {
    const id = (await book()).data!.createAppointment.id;
    let status: string | undefined;
    for (const step of steps) {
      const moved = await gw.gql(SetAppointmentStatusDocument, { id, status: step }, receptionist);
      status = moved.data?.setAppointmentStatus.status;
    }
    expect(status).toBe(final);
  });

  it.each<[AppointmentStatus[], AppointmentStatus]>([
    [[], 'COMPLETED'],
    [['CHECKED_IN'], 'CANCELLED'],
    [['CHECKED_IN'], 'NO_SHOW'],
    [['CANCELLED'], 'CHECKED_IN'],
    [['NO_SHOW'], 'SCHEDULED'],
    [['CHECKED_IN', 'COMPLETED'], 'CANCELLED'],
  ])('after %j refuses a move to %s with CONFLICT and keeps the status', async (steps, refused) => {
    const id = (await book()).data!.createAppointment.id;
    for (const step of steps) await gw.gql(SetAppointmentStatusDocument, { id, status: step }, receptionist);
    const result = await gw.gql(SetAppointmentStatusDocument, { id, status: refused }, receptionist);
    expect(errorCode(result)).toBe('CONFLICT');
    const list = await gw.gql(AppointmentsDocument, { first: 100 }, receptionist);
    const expected = steps.length ? steps[steps.length - 1] : 'SCHEDULED';
    expect(list.data?.appointments.edges.find((e) => e.node.id === id)?.node.status).toBe(expected);
  });

  const statusOf = async (id: string) =>
    (await gw.gql(AppointmentsDocument, { first: 100 }, receptionist)).data?.appointments.edges.find((e) => e.node.id === id)?.node.status;

  it.each([
    [Status.CANCELLED, Status.CHECKED_IN],
    [Status.CHECKED_IN, Status.CANCELLED],
  ])('of %s and %s sent at once, keeps the first and refuses the one that waited for it with CONFLICT', async (first, second) => {
    const id = (await book()).data!.createAppointment.id;
    const [done, waited] = await whileHeld(gw, admin.slug, (em) => setAppointmentStatus(em, id, first), (em) => setAppointmentStatus(em, id, second));
    expect(done).toMatchObject({ status: 'fulfilled' });
    expect(waited).toMatchObject({ status: 'rejected', reason: { code: 'CONFLICT' } });
    expect(await statusOf(id)).toBe(first);
  });

  it('refuses a late check-in of a visit cancelled and rebooked meanwhile with CONFLICT, keeping the new booking', async () => {
    const old = (await book()).data!.createAppointment;
    let rebooked = '';
    const cancelAndRebook = async (em: EntityManager) => {
      await setAppointmentStatus(em, old.id, Status.CANCELLED);
      rebooked = (await createAppointment(em, { patientId, clinicianId: doctor.id, startsAt: new Date(old.startsAt), endsAt: new Date(old.endsAt) })).id;
    };
    const [done, late] = await whileHeld(gw, admin.slug, cancelAndRebook, (em) => setAppointmentStatus(em, old.id, Status.CHECKED_IN));
    expect(done).toMatchObject({ status: 'fulfilled' });
    expect(late).toMatchObject({ status: 'rejected', reason: { code: 'CONFLICT' } });
    expect(await statusOf(old.id)).toBe('CANCELLED');
    expect(await statusOf(rebooked)).toBe('SCHEDULED');
  });

  it('refuses an end before the start, naming the field', async () => {
    const result = await gw.gql(CreateAppointmentDocument, { input: { patientId, clinicianId: doctor.id, startsAt: at(500), endsAt: at(499) } }, receptionist);
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.extensions?.fields).toHaveProperty('endsAt');
  });

  it.each([
    ['patient', { patientId: '7f000000-0000-4000-8000-000000000001' }, 'Patient'],
    ['department', { departmentId: '7f000000-0000-4000-8000-000000000002' }, 'Department'],
  ])('answers NOT_FOUND for a %s that does not exist, and books nothing', async (_, missing, label) => {
    const result = await gw.gql(CreateAppointmentDocument, { input: { patientId, clinicianId: doctor.id, startsAt: at(550), endsAt: at(551), ...missing } }, receptionist);
    expect(errorCode(result)).toBe('NOT_FOUND');
    expect(result.errors?.[0]?.message).toContain(label);
    const booked = await gw.gql(CreateAppointmentDocument, { input: { patientId, clinicianId: doctor.id, startsAt: at(550), endsAt: at(551) } }, receptionist);
    expect(booked.errors).toBeUndefined();
    await gw.gql(SetAppointmentStatusDocument, { id: booked.data!.createAppointment.id, status: 'CANCELLED' }, receptionist);
  });

  it('refuses a clinician who is not a DOCTOR or NURSE', async () => {
    const result = await gw.gql(CreateAppointmentDocument, { input: { patientId, clinicianId: receptionist.id, startsAt: at(600), endsAt: at(601) } }, receptionist);
    expect(result.errors?.[0]?.extensions?.fields).toHaveProperty('clinicianId');
  });

  it('refuses a deactivated clinician, naming the field, and books nothing', async () => {
    const leaver = await addStaff(gw, admin.slug, 'NURSE', 'leaving-nurse');
    expect((await gw.gql(DeactivateUserDocument, { id: leaver.id }, admin)).errors).toBeUndefined();
    const result = await gw.gql(CreateAppointmentDocument, { input: { patientId, clinicianId: leaver.id, startsAt: at(620), endsAt: at(621) } }, receptionist);
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.extensions?.fields).toEqual({ clinicianId: 'is deactivated' });
    const booked = await gw.gql(AppointmentsDocument, { first: 100, filter: { clinicianId: leaver.id } }, receptionist);
    expect(booked.data?.appointments.totalCount).toBe(0);
  });

  it('refuses a booking that waited for the clinician’s deactivation to commit, and books nothing', async () => {
    const leaver = await addStaff(gw, admin.slug, 'DOCTOR', 'leaving-meanwhile');
    const [deactivated, booking] = await whileHeld(gw, admin.slug,
      (em) => deactivateUser(em, null, leaver.id),
      (em) => createAppointment(em, { patientId, clinicianId: leaver.id, startsAt: new Date(at(640)), endsAt: new Date(at(641)) }));
    expect(deactivated.status).toBe('fulfilled');
    expect(booking).toMatchObject({ status: 'rejected', reason: { code: 'BAD_USER_INPUT', details: { fields: { clinicianId: 'is deactivated' } } } });
    const booked = await gw.gql(AppointmentsDocument, { first: 100, filter: { clinicianId: leaver.id } }, receptionist);
    expect(booked.data?.appointments.totalCount).toBe(0);
  });

  it('makes a deactivation wait for a booking of the clinician to commit, which keeps its appointment', async () => {
    const leaver = await addStaff(gw, admin.slug, 'NURSE', 'leaving-after');
    const bookedCount = async () => (await gw.gql(AppointmentsDocument, { first: 100, filter: { clinicianId: leaver.id } }, receptionist)).data?.appointments.totalCount;
    let bookedFirst: number | undefined;
    const [booking, deactivated] = await whileHeld(gw, admin.slug,
      (em) => createAppointment(em, { patientId, clinicianId: leaver.id, startsAt: new Date(at(650)), endsAt: new Date(at(651)) }),
      async (em) => {
        const user = await deactivateUser(em, null, leaver.id);
        bookedFirst = await bookedCount();
        return user;
      });
    expect([booking.status, deactivated.status]).toEqual(['fulfilled', 'fulfilled']);
    expect(bookedFirst).toBe(1);
    expect(await bookedCount()).toBe(1);
  });

  it('refuses to double-book a clinician, but frees the slot once the first visit is cancelled', async () => {
    const first = await gw.gql(CreateAppointmentDocument, { input: { patientId, clinicianId: doctor.id, startsAt: at(700), endsAt: at(701) } }, receptionist);
    const overlap = await gw.gql(CreateAppointmentDocument, { input: { patientId, clinicianId: doctor.id, startsAt: at(700.5), endsAt: at(702) } }, receptionist);
    expect(errorCode(overlap)).toBe('CONFLICT');
    const adjacent = await gw.gql(CreateAppointmentDocument, { input: { patientId, clinicianId: doctor.id, startsAt: at(701), endsAt: at(702) } }, receptionist);
    expect(adjacent.errors).toBeUndefined();
    await gw.gql(SetAppointmentStatusDocument, { id: first.data!.createAppointment.id, status: 'CANCELLED' }, receptionist);
    const rebooked = await gw.gql(CreateAppointmentDocument, { input: { patientId, clinicianId: doctor.id, startsAt: at(700), endsAt: at(701) } }, receptionist);
    expect(rebooked.errors).toBeUndefined();
  });

  it('lets exactly one of 10 concurrent bookings of the same slot succeed (the database enforces it)', async () => {
    const input = { patientId, clinicianId: doctor.id, startsAt: at(800), endsAt: at(801) };
    const results = await Promise.all(Array.from({ length: 10 }, () => gw.gql(CreateAppointmentDocument, { input }, receptionist)));
    expect(results.filter((r) => r.data?.createAppointment).length).toBe(1);
    expect(results.filter((r) => errorCode(r) === 'CONFLICT').length).toBe(9);
    const stored = await gw.gql(AppointmentsDocument, { first: 100, filter: { from: at(800), to: at(801) } }, receptionist);
    expect(stored.data?.appointments.totalCount).toBe(1);
  });

  it('filters by status and sorts newest first through typed inputs', async () => {
    const list = await gw.gql(AppointmentsDocument, { first: 100, filter: { status: ['CANCELLED'] }, sort: 'STARTS_AT_DESC' }, receptionist);
    const starts = list.data!.appointments.edges.map((e) => e.node.startsAt);
    expect(list.data!.appointments.edges.every((e) => e.node.status === 'CANCELLED')).toBe(true);
    expect(starts).toEqual([...starts].sort().reverse());
  });

  it.each(['LAB_TECH', 'BILLING'] as const)('refuses %s with FORBIDDEN', async (role) => {
    const staff = await addStaff(gw, admin.slug, role);
    expect(errorCode(await gw.gql(AppointmentsDocument, {}, staff))).toBe('FORBIDDEN');
    const booking = await gw.gql(CreateAppointmentDocument, { input: { patientId, clinicianId: doctor.id, startsAt: at(900), endsAt: at(901) } }, staff);
    expect(errorCode(booking)).toBe('FORBIDDEN');
  });
});
