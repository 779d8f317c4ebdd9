import { AppointmentStatus as Status } from '../../../src/modules/appointments/appointment.entity';
import { setAppointmentStatus } from '../../../src/modules/appointments/appointment.service';
import { createEncounter } from '../../../src/modules/clinical/clinical.service';
import { AppointmentDocument, CreateAppointmentDocument, CreateEncounterDocument, EncountersDocument, SetAppointmentStatusDocument } from '../../e2e/generated/graphql';
import { errorCode, TestGateway } from '../../fixtures/gateway';
import { whileHeld } from '../../fixtures/races';
import { addPatient, addStaff, at, type Staff } from '../../fixtures/staff';

describe('an appointment and its encounter', () => {
  let gw: TestGateway;
  let admin: { slug: string; token: string };
  let doctor: Staff;
  let receptionist: Staff;
  let slot = 0;

  /** A new patient's appointment at a fresh hour; returns both ids. */
  async function booked(): Promise<{ patientId: string; appointmentId: string }> {
    const patientId = await addPatient(gw, admin, 'Seen');
    slot += 2;
    const input = { patientId, clinicianId: doctor.id, startsAt: at(slot), endsAt: at(slot + 1) };
    const appointmentId = (await gw.gql(CreateAppointmentDocument, { input }, receptionist)).data!.createAppointment.id;
    return { patientId, appointmentId };
  }
  const statusOf = async (id: string) => (await gw.gql(AppointmentDocument, { id }, receptionist)).data?.appointment?.status;
  const encountersOf = async (patientId: string) => (await gw.gql(EncountersDocument, { patientId }, doctor)).data?.encounters.totalCount;

  beforeAll(async () => {
    gw = await TestGateway.start();
    admin = await gw.createTenant({ slug: 'appointment-encounters' });
    doctor = await addStaff(gw, admin.slug, 'DOCTOR');
    receptionist = await addStaff(gw, admin.slug, 'RECEPTIONIST');
  });
  afterAll(() => gw.stop());

  it.each([Status.CANCELLED, Status.NO_SHOW])('refuses to mark an appointment that has an encounter %s with CONFLICT, keeping it SCHEDULED', async (status) => {
    const { patientId, appointmentId } = await booked();
    expect((await gw.gql(CreateEncounterDocument, { input: { patientId, appointmentId } }, doctor)).errors).toBeUndefined();
    const refused = await gw.gql(SetAppointmentStatusDocument, { id: appointmentId, status }, receptionist);
    expect(refused.errors).toEqual([expect.objectContaining({ message: `The appointment has an encounter (care was given), so it cannot be ${status}`, extensions: { code: 'CONFLICT' } })]);
    expect(await statusOf(appointmentId)).toBe('SCHEDULED');
  });

  it('checks in and completes an appointment that has an encounter', async () => {
    const { patientId, appointmentId } = await booked();
    expect((await gw.gql(CreateEncounterDocument, { input: { patientId, appointmentId } }, doctor)).errors).toBeUndefined();
    for (const status of ['CHECKED_IN', 'COMPLETED'] as const) {
      expect((await gw.gql(SetAppointmentStatusDocument, { id: appointmentId, status }, receptionist)).errors).toBeUndefined();
    }
    expect(await statusOf(appointmentId)).toBe('COMPLETED');
  });

  it.each([Status.CANCELLED, Status.NO_SHOW])('refuses an encounter that waited for its appointment to become %s with CONFLICT', async (status) => {
    const { patientId, appointmentId } = await booked();
    const [calledOff, opened] = await whileHeld(gw, admin.slug,
      (em) => setAppointmentStatus(em, appointmentId, status),
      (em) => createEncounter(em, { patientId, appointmentId }, doctor.id));
    expect(calledOff).toMatchObject({ status: 'fulfilled' });
    expect(opened).toMatchObject({ status: 'rejected', reason: { code: 'CONFLICT' } });
    expect(await statusOf(appointmentId)).toBe(status);
    expect(await encountersOf(patientId)).toBe(0);
  });

  it.each([Status.CANCELLED, Status.NO_SHOW])('refuses to mark %s an appointment whose encounter it waited for, with CONFLICT', async (status) => {
    const { patientId, appointmentId } = await booked();
    const [opened, calledOff] = await whileHeld(gw, admin.slug,
      (em) => createEncounter(em, { patientId, appointmentId }, doctor.id),
      (em) => setAppointmentStatus(em, appointmentId, status));
    expect(opened).toMatchObject({ status: 'fulfilled' });
    expect(calledOff).toMatchObject({ status: 'rejected', reason: { code: 'CONFLICT' } });
    expect(await statusOf(appointmentId)).toBe('SCHEDULED');
    expect(await encountersOf(patientId)).toBe(1);
  });

  it('cancels an appointment whose patient has encounters of other visits', async () => {
    const { patientId, appointmentId } = await booked();
    expect((await gw.gql(CreateEncounterDocument, { input: { patientId } }, doctor)).errors).toBeUndefined();
    expect(errorCode(await gw.gql(SetAppointmentStatusDocument, { id: appointmentId, status: 'CANCELLED' }, receptionist))).toBeUndefined();
    expect(await statusOf(appointmentId)).toBe('CANCELLED');
  });
});
