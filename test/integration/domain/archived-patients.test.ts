import type { EntityManager } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import { createAppointment, rescheduleAppointment } from '../../../src/modules/appointments/appointment.service';
import { prescribeMedication, recordVitals } from '../../../src/modules/clinical/clinical.service';
import { setArchived } from '../../../src/modules/patient-record/patient-details.service';
import * as ops from '../../e2e/generated/graphql';
import type { Isolation } from '../../e2e/generated/graphql';
import { errorCode, TestGateway } from '../../fixtures/gateway';
import { whileHeld } from '../../fixtures/races';
import { addPatient, addStaff, at, type Staff } from '../../fixtures/staff';

const MODES: Isolation[] = ['SHARED', 'SCHEMA', 'DATABASE'];
const MISSING = '00000000-0000-4000-8000-000000000000';

/** A patient and an encounter of theirs. */
interface Care {
  patient: string;
  encounter: string;
}

describe.each(MODES)('care for an archived patient in %s isolation', (mode) => {
  let gw: TestGateway;
  let admin: { slug: string; token: string };
  let doctor: Staff;
  let nurse: Staff;
  let tech: Staff;
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
  const prescribe = (encounterId: string) =>
    gw.gql(ops.PrescribeMedicationDocument, { input: { encounterId, medication: 'Amoxicillin', dosage: '500 mg', frequency: 'three times a day' } }, doctor);
  const takeVitals = (patientId: string, encounterId?: string) => gw.gql(ops.RecordVitalsDocument, { input: { patientId, encounterId, heartRate: 72 } }, nurse);
  const diagnose = (encounterId: string) => gw.gql(ops.AddDiagnosisDocument, { input: { encounterId, icd10Code: 'J20.9', description: 'Acute bronchitis' } }, doctor);
  const archive = async (id: string) => expect((await gw.gql(ops.ArchivePatientDocument, { id }, admin)).errors).toBeUndefined();

  /** How much care `hospital` (signed in as its admin) has recorded for `patient`, by kind. */
  async function careOf(patient: string, hospital = admin) {
    const record = await Promise.all([
      gw.gql(ops.AppointmentsDocument, { first: 100, filter: { patientId: patient } }, hospital),
      gw.gql(ops.EncountersDocument, { patientId: patient, first: 100 }, hospital),
      gw.gql(ops.LabOrdersDocument, { first: 100, filter: { patientId: patient } }, hospital),
      gw.gql(ops.VitalsDocument, { patientId: patient, first: 100 }, hospital),
    ]);
    const encounters = record[1].data!.encounters;
    const inEncounters = (part: 'prescriptions' | 'diagnoses') => encounters.edges.reduce((n, e) => n + e.node[part].length, 0);
    return {
      appointments: record[0].data!.appointments.totalCount,
      encounters: encounters.totalCount,
      labOrders: record[2].data!.labOrders.totalCount,
      prescriptions: inEncounters('prescriptions'),
      vitals: record[3].data!.vitals.totalCount,
      diagnoses: inEncounters('diagnoses'),
    };
  }

  /** A patient with care booked, ordered, prescribed and measured before being archived. */
  async function archivedWithCare() {
    const patient = await addPatient(gw, admin, 'Archived');
    const appointments = [];
    for (let i = 0; i < 4; i += 1) appointments.push((await book(patient)).data!.createAppointment.id);
    const encounter = (await openEncounter(patient)).data!.createEncounter.id;
    const orders = [(await orderTest(patient)).data!.orderLabTest.id, (await orderTest(patient)).data!.orderLabTest.id];
    expect((await prescribe(encounter)).errors).toBeUndefined();
    expect((await takeVitals(patient, encounter)).errors).toBeUndefined();
    await archive(patient);
    return { patient, appointments, encounter, orders };
  }

  /** Each kind of new care: what it is, how to give it, where it is counted, and which of the ids it is refused by first. */
  const NEW_CARE = [
    ['a new appointment', ({ patient }: Care) => book(patient), 'appointments', 'patient'],
    ['a new encounter', ({ patient }: Care) => openEncounter(patient), 'encounters', 'patient'],
    ['a new lab order', ({ patient }: Care) => orderTest(patient), 'labOrders', 'patient'],
    ['a new prescription in an encounter opened before', ({ encounter }: Care) => prescribe(encounter), 'prescriptions', 'encounter'],
    ['new vitals', ({ patient }: Care) => takeVitals(patient), 'vitals', 'patient'],
    ['new vitals in an encounter opened before', ({ patient, encounter }: Care) => takeVitals(patient, encounter), 'vitals', 'patient'],
  ] as const;

  beforeAll(async () => {
    gw = await TestGateway.start();
    admin = await gw.createTenant({ slug: `archived-${mode.toLowerCase()}`, isolation: mode });
    doctor = await addStaff(gw, admin.slug, 'DOCTOR');
    nurse = await addStaff(gw, admin.slug, 'NURSE');
    tech = await addStaff(gw, admin.slug, 'LAB_TECH');
  }, 60_000);
  afterAll(() => gw.stop());

  it.each(NEW_CARE)('refuses %s with CONFLICT and writes nothing', async (_what, create, list) => {
    const care = await archivedWithCare();
    const before = await careOf(care.patient);
    expect(before).toEqual({ appointments: 4, encounters: 1, labOrders: 2, prescriptions: 1, vitals: 1, diagnoses: 0 });
    const refused = await create(care);
    expect(refused.data).toBeNull();
    expect(refused.errors).toEqual([expect.objectContaining({ message: 'The patient is archived', extensions: { code: 'CONFLICT' } })]);
    expect((await careOf(care.patient))[list]).toBe(before[list]);
  });

  it('still adds a diagnosis to an encounter opened before the archiving (late documentation of care given)', async () => {
    const { patient, encounter } = await archivedWithCare();
    const added = await diagnose(encounter);
    expect(added.errors).toBeUndefined();
    expect((await gw.gql(ops.EncounterDocument, { id: encounter }, doctor)).data?.encounter?.diagnoses).toEqual([added.data!.addDiagnosis]);
    expect(await careOf(patient)).toEqual({ appointments: 4, encounters: 1, labOrders: 2, prescriptions: 1, vitals: 1, diagnoses: 1 });
  });

  it('refuses rescheduling an appointment of an archived patient with CONFLICT, and keeps its time', async () => {
    const { appointments: [id] } = await archivedWithCare();
    const original = (await gw.gql(ops.AppointmentDocument, { id: id! }, admin)).data!.appointment!;
    const refused = await gw.gql(ops.RescheduleAppointmentDocument, { id: id!, ...next() }, admin);
    expect(refused.data).toBeNull();
    expect(refused.errors).toEqual([expect.objectContaining({ message: 'The patient is archived', extensions: { code: 'CONFLICT' } })]);
    expect((await gw.gql(ops.AppointmentDocument, { id: id! }, admin)).data!.appointment).toEqual(original);
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
    expect((await gw.gql(ops.CollectLabSampleDocument, { id: finish! }, tech)).data?.collectLabSample.status).toBe('COLLECTED');
    const result = await gw.gql(ops.RecordLabResultDocument, { input: { labOrderId: finish!, analyte: 'Hb', value: '13.9', unit: 'g/dL' } }, tech);
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

  it('books, reschedules, opens encounters, orders tests, prescribes and records vitals again once the patient is restored', async () => {
    const care = await archivedWithCare();
    expect(errorCode(await book(care.patient))).toBe('CONFLICT');
    expect((await gw.gql(ops.RestorePatientDocument, { id: care.patient }, admin)).data?.restorePatient.archivedAt).toBeNull();
    for (const [what, create] of NEW_CARE) expect({ what, errors: (await create(care)).errors }).toEqual({ what, errors: undefined });
    expect((await gw.gql(ops.RescheduleAppointmentDocument, { id: care.appointments[0]!, ...next() }, admin)).errors).toBeUndefined();
  });

  it('still answers NOT_FOUND, not CONFLICT, for a patient or an encounter that does not exist', async () => {
    for (const [what, create] of NEW_CARE) expect({ what, code: errorCode(await create({ patient: MISSING, encounter: MISSING })) }).toEqual({ what, code: 'NOT_FOUND' });
  });

  describe('when the patient is another hospital’s, archived there', () => {
    let other: { slug: string; token: string };
    let theirs: Care;
    let theirAppointment: string;
    let theirBooking: ops.CreateAppointmentInput;
    let theirsBefore: Awaited<ReturnType<typeof careOf>>;
    const nothing = { appointments: 0, encounters: 0, labOrders: 0, prescriptions: 0, vitals: 0, diagnoses: 0 };

    beforeAll(async () => {
      other = await gw.createTenant({ slug: `archived-other-${mode.toLowerCase()}`, isolation: mode });
      const theirDoctor = await addStaff(gw, other.slug, 'DOCTOR');
      const patient = await addPatient(gw, other, 'Archived elsewhere');
      const encounter = (await gw.gql(ops.CreateEncounterDocument, { input: { patientId: patient } }, theirDoctor)).data!.createEncounter.id;
      theirs = { patient, encounter };
      theirBooking = { patientId: patient, clinicianId: theirDoctor.id, ...next() };
      theirAppointment = (await gw.gql(ops.CreateAppointmentDocument, { input: theirBooking }, other)).data!.createAppointment.id;
      expect((await gw.gql(ops.ArchivePatientDocument, { id: patient }, other)).data?.archivePatient.archivedAt).toBeTruthy();
      theirsBefore = await careOf(patient, other);
    }, 60_000);

    it.each(NEW_CARE)('answers %s NOT_FOUND exactly as for a patient or encounter that does not exist, and writes nothing in either hospital', async (_what, create, _list, refusedBy) => {
      /** The whole answer to `create` for `care`, with the id it is refused by replaced by a placeholder. */
      const answerFor = async (care: Care) => JSON.parse(JSON.stringify(await create(care)).replaceAll(care[refusedBy], '<id>')) as unknown;
      const refused = await answerFor(theirs);
      const missing = randomUUID();
      expect(refused).toEqual(await answerFor({ patient: missing, encounter: missing }));
      const label = refusedBy === 'patient' ? 'Patient' : 'Encounter';
      expect(refused).toEqual({ status: 200, data: null, errors: [expect.objectContaining({ message: `${label} <id> not found`, extensions: { code: 'NOT_FOUND' } })] });
      expect(await careOf(theirs.patient)).toEqual(nothing);
      expect(await careOf(theirs.patient, other)).toEqual(theirsBefore);
    });

    it('answers rescheduling their appointment NOT_FOUND exactly as for an appointment that does not exist, and moves nothing', async () => {
      const times = next();
      const answerFor = async (id: string) => JSON.parse(JSON.stringify(await gw.gql(ops.RescheduleAppointmentDocument, { id, ...times }, admin)).replaceAll(id, '<id>')) as unknown;
      const refused = await answerFor(theirAppointment);
      expect(refused).toEqual(await answerFor(randomUUID()));
      expect(refused).toEqual({ status: 200, data: null, errors: [expect.objectContaining({ message: 'Appointment <id> not found', extensions: { code: 'NOT_FOUND' } })] });
      expect(await careOf(theirs.patient, other)).toEqual(theirsBefore);
      expect((await gw.gql(ops.AppointmentDocument, { id: theirAppointment }, other)).data?.appointment).toMatchObject({ startsAt: theirBooking.startsAt, endsAt: theirBooking.endsAt });
    });
  });

  /** New care written straight through the services, each in a transaction of its own. */
  const RACING_CARE: [string, (em: EntityManager, care: Care) => Promise<unknown>, 'appointments' | 'prescriptions' | 'vitals'][] = [
    ['a booking', (em: EntityManager, { patient }: Care) => createAppointment(em, { patientId: patient, clinicianId: doctor.id, ...nextDates() }), 'appointments'],
    ['a prescription', (em: EntityManager, { encounter }: Care) =>
      prescribeMedication(em, { encounterId: encounter, medication: 'Amoxicillin', dosage: '500 mg', frequency: 'daily' }, doctor.id), 'prescriptions'],
    ['a vitals recording', (em: EntityManager, { patient }: Care) => recordVitals(em, { patientId: patient, heartRate: 72 }, nurse.id), 'vitals'],
  ];

  /** A patient, not archived, with an encounter opened. */
  async function underCare(lastName: string): Promise<Care> {
    const patient = await addPatient(gw, admin, lastName);
    return { patient, encounter: (await openEncounter(patient)).data!.createEncounter.id };
  }

  it.each(RACING_CARE)('refuses %s that waited for the archiving of its patient to commit', async (_what, give, list) => {
    const care = await underCare('Racing');
    const [archived, given] = await whileHeld(gw, admin.slug, (em) => setArchived(em, care.patient, true), (em) => give(em, care));
    expect(archived.status).toBe('fulfilled');
    expect(given).toMatchObject({ status: 'rejected', reason: { code: 'CONFLICT', message: 'The patient is archived' } });
    expect((await careOf(care.patient))[list]).toBe(0);
  });

  it.each(RACING_CARE)('archives a patient once %s it waited for has committed, keeping it', async (_what, give, list) => {
    const care = await underCare('Cared for first');
    const [given, archived] = await whileHeld(gw, admin.slug, (em) => give(em, care), (em) => setArchived(em, care.patient, true));
    expect([given.status, archived.status]).toEqual(['fulfilled', 'fulfilled']);
    expect((await careOf(care.patient))[list]).toBe(1);
  });

  it('refuses a reschedule that waited for the archiving of its patient to commit, keeping its time', async () => {
    const patient = await addPatient(gw, admin, 'Racing a move');
    const booked = (await book(patient)).data!.createAppointment;
    const [archived, moved] = await whileHeld(gw, admin.slug, (em) => setArchived(em, patient, true), (em) => rescheduleAppointment(em, booked.id, nextDates()));
    expect(archived.status).toBe('fulfilled');
    expect(moved).toMatchObject({ status: 'rejected', reason: { code: 'CONFLICT', message: 'The patient is archived' } });
    expect((await gw.gql(ops.AppointmentDocument, { id: booked.id }, admin)).data?.appointment).toMatchObject({ startsAt: booked.startsAt, endsAt: booked.endsAt });
  });

  it('archives a patient once a reschedule it waited for has committed, keeping the new time', async () => {
    const patient = await addPatient(gw, admin, 'Moved first');
    const booked = (await book(patient)).data!.createAppointment;
    const times = nextDates();
    const [moved, archived] = await whileHeld(gw, admin.slug, (em) => rescheduleAppointment(em, booked.id, times), (em) => setArchived(em, patient, true));
    expect([moved.status, archived.status]).toEqual(['fulfilled', 'fulfilled']);
    expect((await gw.gql(ops.AppointmentDocument, { id: booked.id }, admin)).data?.appointment).toMatchObject({ startsAt: times.startsAt.toISOString(), endsAt: times.endsAt.toISOString() });
  });
});
