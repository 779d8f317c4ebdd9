import { AppointmentStatus as Status } from '../../../src/modules/appointments/appointment.entity';
import { createAppointment, rescheduleAppointment, setAppointmentStatus } from '../../../src/modules/appointments/appointment.service';
import { deactivateUser } from '../../../src/modules/users/user.service';
import * as ops from '../../e2e/generated/graphql';
import type { AppointmentStatus } from '../../e2e/generated/graphql';
import { errorCode, TestGateway } from '../../fixtures/gateway';
import { whileHeld } from '../../fixtures/races';
import { addPatient, addStaff, at, type Staff } from '../../fixtures/staff';

const MISSING = '00000000-0000-4000-8000-000000000000';

describe('rescheduling an appointment', () => {
  let gw: TestGateway;
  let admin: { slug: string; token: string };
  let doctor: Staff;
  let receptionist: Staff;
  let patientId: string;
  let slot = 0;

  /** A fresh, non-overlapping two-hour window: its first hour is booked, its second left free to move into. */
  const window = () => {
    slot += 4;
    return { booked: { startsAt: at(slot), endsAt: at(slot + 1) }, free: { startsAt: at(slot + 2), endsAt: at(slot + 3) } };
  };
  const book = async (times: { startsAt: string; endsAt: string }) => {
    const booked = await gw.gql(ops.CreateAppointmentDocument, { input: { patientId, clinicianId: doctor.id, reason: 'Check-up', ...times } }, receptionist);
    if (!booked.data) throw new Error(JSON.stringify(booked.errors));
    return booked.data.createAppointment.id;
  };
  const reschedule = (id: string, times: { startsAt: string; endsAt: string }) => gw.gql(ops.RescheduleAppointmentDocument, { id, ...times }, receptionist);
  const read = async (id: string) => (await gw.gql(ops.AppointmentDocument, { id }, receptionist)).data!.appointment!;
  const dates = (times: { startsAt: string; endsAt: string }) => ({ startsAt: new Date(times.startsAt), endsAt: new Date(times.endsAt) });

  beforeAll(async () => {
    gw = await TestGateway.start();
    admin = await gw.createTenant({ slug: 'reschedule' });
    doctor = await addStaff(gw, admin.slug, 'DOCTOR');
    receptionist = await addStaff(gw, admin.slug, 'RECEPTIONIST');
    patientId = await addPatient(gw, admin, 'Moved');
  });
  afterAll(() => gw.stop());

  it('moves a SCHEDULED appointment to a new time, keeping the rest, and frees its old slot', async () => {
    const { booked, free } = window();
    const id = await book(booked);
    const before = await read(id);
    const moved = await reschedule(id, free);
    expect(moved.errors).toBeUndefined();
    expect(moved.data?.rescheduleAppointment).toEqual({ ...before, ...free });
    expect(await read(id)).toEqual({ ...before, ...free });
    expect((await gw.gql(ops.CreateAppointmentDocument, { input: { patientId, clinicianId: doctor.id, ...booked } }, receptionist)).errors).toBeUndefined();
  });

  it('moves an appointment to a time overlapping its own old one', async () => {
    const { booked } = window();
    const id = await book(booked);
    const later = { startsAt: at(slot + 0.5), endsAt: at(slot + 1.5) };
    expect((await reschedule(id, later)).data?.rescheduleAppointment).toMatchObject(later);
  });

  it.each<[AppointmentStatus[], AppointmentStatus]>([
    [['CHECKED_IN'], 'CHECKED_IN'],
    [['CHECKED_IN', 'COMPLETED'], 'COMPLETED'],
    [['CANCELLED'], 'CANCELLED'],
    [['NO_SHOW'], 'NO_SHOW'],
  ])('after %j refuses to reschedule a %s appointment with CONFLICT and keeps its time', async (steps, status) => {
    const { booked, free } = window();
    const id = await book(booked);
    for (const step of steps) expect((await gw.gql(ops.SetAppointmentStatusDocument, { id, status: step }, receptionist)).errors).toBeUndefined();
    const refused = await reschedule(id, free);
    expect(refused.data).toBeNull();
    expect(refused.errors).toEqual([expect.objectContaining({ message: `A ${status} appointment cannot be rescheduled`, extensions: { code: 'CONFLICT' } })]);
    expect(await read(id)).toMatchObject({ ...booked, status });
  });

  it.each([
    ['an end before the start', () => ({ startsAt: at(slot + 3), endsAt: at(slot + 2) }), { endsAt: 'must be after startsAt' }],
    ['an end at the start', () => ({ startsAt: at(slot + 2), endsAt: at(slot + 2) }), { endsAt: 'must be after startsAt' }],
    ['more than 24 hours', () => ({ startsAt: at(slot + 2), endsAt: at(slot + 27) }), { endsAt: 'an appointment lasts at most 24 hours' }],
  ])('refuses %s with BAD_USER_INPUT naming the field, as a booking does, and keeps the time', async (_what, times, fields) => {
    const { booked } = window();
    const id = await book(booked);
    const refused = await reschedule(id, times());
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields });
    const booking = await gw.gql(ops.CreateAppointmentDocument, { input: { patientId, clinicianId: doctor.id, ...times() } }, receptionist);
    expect(booking.errors?.[0]?.extensions).toEqual(refused.errors?.[0]?.extensions);
    expect(await read(id)).toMatchObject(booked);
  });

  it('refuses a time outside the supported dates with BAD_USER_INPUT naming the field', async () => {
    const { booked } = window();
    const id = await book(booked);
    const refused = await reschedule(id, { startsAt: '1899-12-31T09:00:00Z', endsAt: '1899-12-31T10:00:00Z' });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { startsAt: expect.any(String), endsAt: expect.any(String) } });
    expect(await read(id)).toMatchObject(booked);
  });

  it('refuses to double-book the clinician with CONFLICT and keeps the time, but moves next to the other visit', async () => {
    const { booked, free } = window();
    const id = await book(booked);
    await book(free);
    const overlapping = { startsAt: at(slot + 1.5), endsAt: at(slot + 2.5) };
    const refused = await reschedule(id, overlapping);
    expect(refused.errors).toEqual([expect.objectContaining({ message: 'The clinician already has an appointment at that time', extensions: { code: 'CONFLICT' } })]);
    expect(await read(id)).toMatchObject(booked);
    const adjacent = { startsAt: at(slot + 1), endsAt: at(slot + 2) };
    expect((await reschedule(id, adjacent)).data?.rescheduleAppointment).toMatchObject(adjacent);
  });

  it('lets exactly one of 10 concurrent reschedules and bookings onto the same slot succeed', async () => {
    const target = window().free;
    const ids = [];
    for (let i = 0; i < 5; i += 1) ids.push(await book(window().booked));
    const results = await Promise.all([
      ...ids.map((id) => reschedule(id, target)),
      ...ids.map(() => gw.gql(ops.CreateAppointmentDocument, { input: { patientId, clinicianId: doctor.id, ...target } }, receptionist)),
    ]);
    expect(results.filter((r) => r.errors === undefined)).toHaveLength(1);
    expect(results.filter((r) => errorCode(r) === 'CONFLICT')).toHaveLength(9);
    const stored = await gw.gql(ops.AppointmentsDocument, { first: 100, filter: { from: target.startsAt, to: target.endsAt } }, receptionist);
    expect(stored.data?.appointments.totalCount).toBe(1);
  });

  it('refuses a reschedule that waited for a booking of the same slot to commit with CONFLICT, keeping its time', async () => {
    const { booked, free } = window();
    const id = await book(booked);
    const [booking, moved] = await whileHeld(gw, admin.slug,
      (em) => createAppointment(em, { patientId, clinicianId: doctor.id, ...dates(free) }),
      (em) => rescheduleAppointment(em, id, dates(free)));
    expect(booking.status).toBe('fulfilled');
    expect(moved).toMatchObject({ status: 'rejected', reason: { code: 'CONFLICT' } });
    expect(await read(id)).toMatchObject(booked);
  });

  it('refuses a booking that waited for a reschedule onto the same slot to commit with CONFLICT', async () => {
    const { booked, free } = window();
    const id = await book(booked);
    const [moved, booking] = await whileHeld(gw, admin.slug,
      (em) => rescheduleAppointment(em, id, dates(free)),
      (em) => createAppointment(em, { patientId, clinicianId: doctor.id, ...dates(free) }));
    expect(moved.status).toBe('fulfilled');
    expect(booking).toMatchObject({ status: 'rejected', reason: { code: 'CONFLICT' } });
    expect(await read(id)).toMatchObject(free);
  });

  it('refuses a reschedule that waited for a cancellation of the appointment with CONFLICT', async () => {
    const { booked, free } = window();
    const id = await book(booked);
    const [cancelled, moved] = await whileHeld(gw, admin.slug,
      (em) => setAppointmentStatus(em, id, Status.CANCELLED),
      (em) => rescheduleAppointment(em, id, dates(free)));
    expect(cancelled.status).toBe('fulfilled');
    expect(moved).toMatchObject({ status: 'rejected', reason: { code: 'CONFLICT', message: 'A CANCELLED appointment cannot be rescheduled' } });
    expect(await read(id)).toMatchObject({ ...booked, status: 'CANCELLED' });
  });

  it.each([
    ['been deactivated', 'is deactivated', (id: string) => gw.gql(ops.DeactivateUserDocument, { id }, admin)],
    ['lost the clinician roles', 'must be a DOCTOR or NURSE', (id: string) => gw.gql(ops.SetUserRolesDocument, { id, roles: ['RECEPTIONIST'] }, admin)],
  ] as const)('refuses to reschedule an appointment whose clinician has since %s with CONFLICT, as a booking refuses them, and keeps its time', async (_what, problem, change) => {
    const { booked, free } = window();
    const clinician = await addStaff(gw, admin.slug, 'NURSE', `changed-${slot}`);
    const created = await gw.gql(ops.CreateAppointmentDocument, { input: { patientId, clinicianId: clinician.id, ...booked } }, receptionist);
    const id = created.data!.createAppointment.id;
    expect((await change(clinician.id)).errors).toBeUndefined();
    const refused = await reschedule(id, free);
    expect(refused.data).toBeNull();
    expect(refused.errors).toEqual([expect.objectContaining({
      message: `The appointment’s clinician ${problem}: cancel it and book another clinician`, extensions: { code: 'CONFLICT' },
    })]);
    const booking = await gw.gql(ops.CreateAppointmentDocument, { input: { patientId, clinicianId: clinician.id, ...free } }, receptionist);
    expect(booking.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', fields: { clinicianId: problem } });
    expect(await read(id)).toMatchObject({ ...booked, status: 'SCHEDULED' });
  });

  it('refuses a reschedule that waited for the clinician’s deactivation to commit with CONFLICT, keeping its time', async () => {
    const { booked, free } = window();
    const clinician = await addStaff(gw, admin.slug, 'DOCTOR', `leaving-${slot}`);
    const created = await gw.gql(ops.CreateAppointmentDocument, { input: { patientId, clinicianId: clinician.id, ...booked } }, receptionist);
    const id = created.data!.createAppointment.id;
    const [deactivated, moved] = await whileHeld(gw, admin.slug,
      (em) => deactivateUser(em, null, clinician.id),
      (em) => rescheduleAppointment(em, id, dates(free)));
    expect(deactivated.status).toBe('fulfilled');
    expect(moved).toMatchObject({ status: 'rejected', reason: { code: 'CONFLICT', message: 'The appointment’s clinician is deactivated: cancel it and book another clinician' } });
    expect(await read(id)).toMatchObject({ ...booked, status: 'SCHEDULED' });
  });

  it('makes a deactivation wait for a reschedule of the clinician’s appointment to commit', async () => {
    const { booked, free } = window();
    const clinician = await addStaff(gw, admin.slug, 'NURSE', `leaving-after-${slot}`);
    const created = await gw.gql(ops.CreateAppointmentDocument, { input: { patientId, clinicianId: clinician.id, ...booked } }, receptionist);
    const id = created.data!.createAppointment.id;
    let movedFirst = false;
    const [moved, deactivated] = await whileHeld(gw, admin.slug,
      (em) => rescheduleAppointment(em, id, dates(free)),
      async (em) => {
        const user = await deactivateUser(em, null, clinician.id);
        movedFirst = (await read(id)).startsAt === free.startsAt;
        return user;
      });
    expect([moved.status, deactivated.status]).toEqual(['fulfilled', 'fulfilled']);
    expect(movedFirst).toBe(true);
  });

  it('answers NOT_FOUND for an appointment that does not exist', async () => {
    const { free } = window();
    const refused = await reschedule(MISSING, free);
    expect(refused.errors).toEqual([expect.objectContaining({ message: `Appointment ${MISSING} not found`, extensions: { code: 'NOT_FOUND' } })]);
  });

  it('records each reschedule in the audit trail, with the appointment and its patient, and a refused one as FAILURE', async () => {
    const { booked, free } = window();
    const id = await book(booked);
    expect((await reschedule(id, free)).errors).toBeUndefined();
    expect(errorCode(await reschedule(id, { startsAt: free.endsAt, endsAt: free.startsAt }))).toBe('BAD_USER_INPUT');
    const trail = await gw.gql(ops.AuditLogDocument, { first: 10, filter: { operation: 'rescheduleAppointment', recordId: id } }, admin);
    expect(trail.data?.auditLog.edges.map((e) => e.node)).toEqual([
      expect.objectContaining({ actorId: receptionist.id, actorRole: 'RECEPTIONIST', operationType: 'mutation', outcome: 'FAILURE', errorCode: 'BAD_USER_INPUT' }),
      expect.objectContaining({ actorId: receptionist.id, operationType: 'mutation', outcome: 'SUCCESS', errorCode: null, recordIds: expect.arrayContaining([id, patientId]) }),
    ]);
  });
});
