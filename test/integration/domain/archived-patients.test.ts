import { randomUUID } from 'node:crypto';
import { Appointment } from '../../../src/modules/appointments/appointment.entity';
import { createAppointment } from '../../../src/modules/appointments/appointment.service';
import { archivedPatient } from '../../../src/modules/common/lookup';
import { setArchived } from '../../../src/modules/patient-record/patient-details.service';
import { runInTenant } from '../../../src/tenancy';
import * as ops from '../../e2e/generated/graphql';
import type { Isolation } from '../../e2e/generated/graphql';
import { errorCode, TestGateway } from '../../fixtures/gateway';
import { whileHeld } from '../../fixtures/races';
import { addPatient, addStaff, at, type Staff } from '../../fixtures/staff';

const MODES: Isolation[] = ['SHARED', 'SCHEMA', 'DATABASE'];
const MISSING = '00000000-0000-4000-8000-000000000000';

describe.each(MODES)('care for an archived patient in %s isolation', (mode) => {
  let gw: TestGateway;
  let admin: { slug: string; token: string };
  let doctor: Staff;
  let slot = 0;
  /** A fresh, non-overlapping hour for each booking. */
  const next = () => ({ startsAt: at((slot += 2)), endsAt: at(slot + 1) });
  const nextDates = () => {
    const { startsAt, endsAt } = next();
    return { startsAt: new Date(startsAt), endsAt: new Date(endsAt) };
  };

  const book = (patientId: string) => gw.gql(ops.CreateAppointmentDocument, { input: { patientId, clinicianId: doctor.id, ...next() } }, admin);
  const openEncounter = (patientId: string) => gw.gql(ops.CreateEncounterDocument, { input: { patientId } }, doctor);
  const orderTest = (patientId: string) => gw.gql(ops.OrderLabTestDocument, { input: { patientId, testCode: '718-7', testName: 'Haemoglobin' } }, doctor);
  const archive = async (id: string) => expect((await gw.gql(ops.ArchivePatientDocument, { id }, admin)).errors).toBeUndefined();
  const tenant = async () => (await gw.tenancy.store.bySlug(admin.slug))!;

  /** How many appointments, encounters and lab orders `hospital` (signed in as its admin) has for `patient`. */
  async function careOf(patient: string, hospital = admin) {
    const record = await Promise.all([
      gw.gql(ops.AppointmentsDocument, { first: 100, filter: { patientId: patient } }, hospital),
      gw.gql(ops.EncountersDocument, { patientId: patient, first: 100 }, hospital),
      gw.gql(ops.LabOrdersDocument, { first: 100, filter: { patientId: patient } }, hospital),
    ]);
    return { appointments: record[0].data!.appointments.totalCount, encounters: record[1].data!.encounters.totalCount, labOrders: record[2].data!.labOrders.totalCount };
  }

  /** A patient with care booked and ordered before being archived. */
  async function archivedWithCare() {
    const patient = await addPatient(gw, admin, 'Archived');
    const appointments = [];
    for (let i = 0; i < 4; i += 1) appointments.push((await book(patient)).data!.createAppointment.id);
    const encounter = (await openEncounter(patient)).data!.createEncounter.id;
    const orders = [(await orderTest(patient)).data!.orderLabTest.id, (await orderTest(patient)).data!.orderLabTest.id];
    await archive(patient);
    return { patient, appointments, encounter, orders };
  }

  beforeAll(async () => {
    gw = await TestGateway.start();
    admin = await gw.createTenant({ slug: `archived-${mode.toLowerCase()}`, isolation: mode });
    doctor = await addStaff(gw, admin.slug, 'DOCTOR');
  }, 60_000);
  afterAll(() => gw.stop());

  it.each([
    ['a new appointment', book, 'appointments'],
    ['a new encounter', openEncounter, 'encounters'],
    ['a new lab order', orderTest, 'labOrders'],
  ] as const)('refuses %s with CONFLICT and writes nothing', async (_what, create, list) => {
    const { patient } = await archivedWithCare();
    const before = await careOf(patient);
    expect(before).toEqual({ appointments: 4, encounters: 1, labOrders: 2 });
    const refused = await create(patient);
    expect(refused.data).toBeNull();
    expect(refused.errors).toEqual([expect.objectContaining({ message: 'The patient is archived', extensions: { code: 'CONFLICT' } })]);
    expect((await careOf(patient))[list]).toBe(before[list]);
  });

  it('refuses moving an existing appointment of an archived patient to a new time, and keeps its time', async () => {
    const { appointments: [id] } = await archivedWithCare();
    const original = (await gw.gql(ops.AppointmentDocument, { id: id! }, admin)).data!.appointment!;
    const moved = runInTenant(gw.tenancy.pools, await tenant(), async (em) => {
      const appointment = await em.findOneOrFail(Appointment, { id: id! });
      Object.assign(appointment, { startsAt: new Date(at(900)), endsAt: new Date(at(901)) });
      await em.flush().catch((error: unknown) => { throw archivedPatient(error) ?? error; });
    });
    await expect(moved).rejects.toMatchObject({ code: 'CONFLICT', message: 'The patient is archived' });
    expect((await gw.gql(ops.AppointmentDocument, { id: id! }, admin)).data!.appointment).toMatchObject({ startsAt: original.startsAt, endsAt: original.endsAt });
  });

  it('still cancels, marks as no-show, checks in and completes the appointments booked before', async () => {
    const { appointments: [cancel, noShow, visit] } = await archivedWithCare();
    const set = (id: string, status: ops.AppointmentStatus) => gw.gql(ops.SetAppointmentStatusDocument, { id, status }, admin);
    expect((await set(cancel!, 'CANCELLED')).data?.setAppointmentStatus.status).toBe('CANCELLED');
    expect((await set(noShow!, 'NO_SHOW')).data?.setAppointmentStatus.status).toBe('NO_SHOW');
    expect((await set(visit!, 'CHECKED_IN')).data?.setAppointmentStatus.status).toBe('CHECKED_IN');
    expect((await set(visit!, 'COMPLETED')).data?.setAppointmentStatus.status).toBe('COMPLETED');
  });

  it('still collects, results and cancels the lab orders placed before', async () => {
    const { orders: [finish, cancel] } = await archivedWithCare();
    expect((await gw.gql(ops.CollectLabSampleDocument, { id: finish! }, admin)).data?.collectLabSample.status).toBe('COLLECTED');
    const result = await gw.gql(ops.RecordLabResultDocument, { input: { labOrderId: finish!, analyte: 'Hb', value: '13.9', unit: 'g/dL' } }, admin);
    expect(result.errors).toBeUndefined();
    expect((await gw.gql(ops.LabOrderDocument, { id: finish! }, doctor)).data?.labOrder).toMatchObject({ status: 'RESULTED', results: [{ value: '13.9' }] });
    expect((await gw.gql(ops.CancelLabOrderDocument, { id: cancel! }, doctor)).data?.cancelLabOrder.status).toBe('CANCELLED');
  });

  it('still bills care given before the archiving: an invoice is created, issued and paid', async () => {
    const { patient } = await archivedWithCare();
    const created = await gw.gql(ops.CreateInvoiceDocument, { input: { patientId: patient, lines: [{ description: 'Consultation', quantity: 1, unitPriceCents: 5000 }] } }, admin);
    expect(created.errors).toBeUndefined();
    const id = created.data!.createInvoice.id;
    expect((await gw.gql(ops.IssueInvoiceDocument, { id }, admin)).data?.issueInvoice.status).toBe('ISSUED');
    expect((await gw.gql(ops.RecordPaymentDocument, { input: { invoiceId: id, amountCents: 5000, method: 'CARD' } }, admin)).errors).toBeUndefined();
    expect((await gw.gql(ops.InvoiceDocument, { id }, admin)).data?.invoice).toMatchObject({ status: 'PAID', balanceCents: 0 });
  });

  it('still reads the whole record of an archived patient', async () => {
    const { patient, encounter, orders } = await archivedWithCare();
    expect((await gw.gql(ops.PatientWithAppointmentsDocument, { id: patient }, admin)).data?.patient?.appointments).toHaveLength(4);
    expect((await gw.gql(ops.EncounterDocument, { id: encounter }, doctor)).data?.encounter?.patient.id).toBe(patient);
    expect((await gw.gql(ops.LabOrderDocument, { id: orders[0]! }, doctor)).data?.labOrder?.patient.id).toBe(patient);
  });

  it('books, opens encounters and orders tests again once the patient is restored', async () => {
    const { patient } = await archivedWithCare();
    expect(errorCode(await book(patient))).toBe('CONFLICT');
    expect((await gw.gql(ops.RestorePatientDocument, { id: patient }, admin)).data?.restorePatient.archivedAt).toBeNull();
    for (const create of [book, openEncounter, orderTest]) expect((await create(patient)).errors).toBeUndefined();
  });

  it('still answers NOT_FOUND, not CONFLICT, for a patient that does not exist', async () => {
    for (const create of [book, openEncounter, orderTest]) expect(errorCode(await create(MISSING))).toBe('NOT_FOUND');
  });

  describe('when the patient is another hospital’s, archived there', () => {
    let other: { slug: string; token: string };
    let theirs: string;
    const nothing = { appointments: 0, encounters: 0, labOrders: 0 };

    beforeAll(async () => {
      other = await gw.createTenant({ slug: `archived-other-${mode.toLowerCase()}`, isolation: mode });
      theirs = await addPatient(gw, other, 'Archived elsewhere');
      expect((await gw.gql(ops.ArchivePatientDocument, { id: theirs }, other)).data?.archivePatient.archivedAt).toBeTruthy();
    }, 60_000);

    it.each([
      ['a booking', book],
      ['an encounter', openEncounter],
      ['a lab order', orderTest],
    ] as const)('answers %s NOT_FOUND exactly as for a patient that does not exist, and writes nothing in either hospital', async (_what, create) => {
      /** The whole answer to `create` naming `id`, with that id replaced by a placeholder. */
      const answerFor = async (id: string) => JSON.parse(JSON.stringify(await create(id)).replaceAll(id, '<id>')) as unknown;
      const refused = await answerFor(theirs);
      expect(refused).toEqual(await answerFor(randomUUID()));
      expect(refused).toEqual({ status: 200, data: null, errors: [expect.objectContaining({ message: 'Patient <id> not found', extensions: { code: 'NOT_FOUND' } })] });
      expect(await careOf(theirs)).toEqual(nothing);
      expect(await careOf(theirs, other)).toEqual(nothing);
    });
  });

  it('refuses a booking that waited for the archiving of its patient to commit', async () => {
    const patient = await addPatient(gw, admin, 'Racing');
    const [archived, booked] = await whileHeld(gw, admin.slug,
      (em) => setArchived(em, patient, true),
      (em) => createAppointment(em, { patientId: patient, clinicianId: doctor.id, ...nextDates() }));
    expect(archived.status).toBe('fulfilled');
    expect(booked).toMatchObject({ status: 'rejected', reason: { code: 'CONFLICT', message: 'The patient is archived' } });
  });

  it('archives a patient once a booking it waited for has committed, keeping that appointment', async () => {
    const patient = await addPatient(gw, admin, 'Booked first');
    const [booked, archived] = await whileHeld(gw, admin.slug,
      (em) => createAppointment(em, { patientId: patient, clinicianId: doctor.id, ...nextDates() }),
      (em) => setArchived(em, patient, true));
    expect([booked.status, archived.status]).toEqual(['fulfilled', 'fulfilled']);
    expect((await gw.gql(ops.AppointmentsDocument, { first: 10, filter: { patientId: patient } }, admin)).data?.appointments.totalCount).toBe(1);
  });
});
