import * as ops from '../e2e/generated/graphql';
import type { Isolation } from '../e2e/generated/graphql';
import { errorCode, TestGateway, type GqlResult } from '../fixtures/gateway';
import { addPatient, addStaff, at, type Staff } from '../fixtures/staff';

const MODES: Isolation[] = ['SHARED', 'SCHEMA', 'DATABASE'];
const MISSING = '00000000-0000-4000-8000-000000000000';

interface HospitalRows {
  admin: { slug: string; token: string };
  doctor: Staff;
  tech: Staff;
  patient: string;
  department: string;
  assignment: string;
  appointment: string;
  encounter: string;
  labOrder: string;
  invoice: string;
  contact: string;
}

/** Every kind of domain row, created through the API as the hospital itself. */
async function populate(gw: TestGateway, slug: string, isolation: Isolation): Promise<HospitalRows> {
  const admin = await gw.createTenant({ slug, isolation });
  const doctor = await addStaff(gw, slug, 'DOCTOR');
  const tech = await addStaff(gw, slug, 'LAB_TECH');
  const patient = await addPatient(gw, admin, `Of ${slug}`);
  const department = (await gw.gql(ops.CreateDepartmentDocument, { input: { name: 'Cardiology', code: 'CARD' } }, admin)).data!.createDepartment.id;
  const assignment = (await gw.gql(ops.AssignStaffDocument, { input: { userId: doctor.id, departmentId: department, jobTitle: 'Consultant' } }, admin)).data!.assignStaff.id;
  const appointment = (await gw.gql(ops.CreateAppointmentDocument, { input: { patientId: patient, clinicianId: doctor.id, departmentId: department, startsAt: at(1), endsAt: at(2) } }, admin)).data!.createAppointment.id;
  const encounter = (await gw.gql(ops.CreateEncounterDocument, { input: { patientId: patient, appointmentId: appointment } }, doctor)).data!.createEncounter.id;
  const labOrder = (await gw.gql(ops.OrderLabTestDocument, { input: { patientId: patient, testCode: '718-7', testName: 'Haemoglobin' } }, doctor)).data!.orderLabTest.id;
  const invoice = (await gw.gql(ops.CreateInvoiceDocument, { input: { patientId: patient, lines: [{ description: 'Visit', quantity: 1, unitPriceCents: 100 }] } }, admin)).data!.createInvoice.id;
  const contact = (await gw.gql(ops.AddPatientContactDocument, { input: { patientId: patient, kind: 'PHONE', value: `+1 555 ${slug}` } }, admin)).data!.addPatientContact.id;
  return { admin, doctor, tech, patient, department, assignment, appointment, encounter, labOrder, invoice, contact };
}

/** A's result for B's id must look exactly like its result for an id that does not exist. */
function sameAsMissing(foreign: GqlResult<unknown>, missing: GqlResult<unknown>, id: string): void {
  expect(JSON.stringify(foreign).split(id).join('ID')).toBe(JSON.stringify(missing).split(MISSING).join('ID'));
}

describe.each(MODES)('the hospital domain between hospitals A and B in %s isolation', (mode) => {
  let gw: TestGateway;
  let a: HospitalRows;
  let b: HospitalRows;

  beforeAll(async () => {
    gw = await TestGateway.start();
    a = await populate(gw, 'domain-a', mode);
    b = await populate(gw, 'domain-b', mode);
  }, 60_000);
  afterAll(() => gw.stop());

  it.each([
    ['department', (id: string) => gw.gql(ops.DepartmentDocument, { id }, a.admin), 'department'],
    ['appointment', (id: string) => gw.gql(ops.AppointmentDocument, { id }, a.admin), 'appointment'],
    ['encounter', (id: string) => gw.gql(ops.EncounterDocument, { id }, a.admin), 'encounter'],
    ['labOrder', (id: string) => gw.gql(ops.LabOrderDocument, { id }, a.admin), 'labOrder'],
    ['invoice', (id: string) => gw.gql(ops.InvoiceDocument, { id }, a.admin), 'invoice'],
    ['patient (with its links)', (id: string) => gw.gql(ops.PatientDemographicsDocument, { id }, a.admin), 'patient'],
  ] as const)('returns null for B’s %s by id, exactly as for a missing id', async (_name, read, key) => {
    const id = b[key];
    const foreign = await read(id);
    sameAsMissing(foreign, await read(MISSING), id);
    expect(Object.values(foreign.data as object)[0]).toBeNull();
  });

  it('lists only A’s rows in every module', async () => {
    expect((await gw.gql(ops.DepartmentsDocument, {}, a.admin)).data?.departments.edges.map((e) => e.node.id)).toEqual([a.department]);
    expect((await gw.gql(ops.AppointmentsDocument, {}, a.admin)).data?.appointments.edges.map((e) => e.node.id)).toEqual([a.appointment]);
    expect((await gw.gql(ops.LabOrdersDocument, {}, a.admin)).data?.labOrders.edges.map((e) => e.node.id)).toEqual([a.labOrder]);
    expect((await gw.gql(ops.InvoicesDocument, {}, a.admin)).data?.invoices.edges.map((e) => e.node.id)).toEqual([a.invoice]);
    expect((await gw.gql(ops.DepartmentDocument, { id: a.department }, a.admin)).data?.department?.staff.map((s) => s.id)).toEqual([a.assignment]);
  });

  it('finds nothing when A filters by B’s patient, clinician or department', async () => {
    expect((await gw.gql(ops.EncountersDocument, { patientId: b.patient }, a.admin)).data?.encounters.totalCount).toBe(0);
    expect((await gw.gql(ops.VitalsDocument, { patientId: b.patient }, a.admin)).data?.vitals.totalCount).toBe(0);
    expect((await gw.gql(ops.LabOrdersDocument, { filter: { patientId: b.patient } }, a.admin)).data?.labOrders.totalCount).toBe(0);
    expect((await gw.gql(ops.InvoicesDocument, { filter: { patientId: b.patient } }, a.admin)).data?.invoices.totalCount).toBe(0);
    for (const filter of [{ patientId: b.patient }, { clinicianId: b.doctor.id }, { departmentId: b.department }]) {
      expect((await gw.gql(ops.AppointmentsDocument, { filter }, a.admin)).data?.appointments.totalCount).toBe(0);
    }
  });

  const writesById: [string, keyof HospitalRows, (id: string) => Promise<GqlResult<unknown>>][] = [
    ['updateDepartment', 'department', (id) => gw.gql(ops.UpdateDepartmentDocument, { id, input: { name: 'Hijacked' } }, a.admin)],
    ['unassignStaff', 'assignment', (id) => gw.gql(ops.UnassignStaffDocument, { id }, a.admin)],
    ['setAppointmentStatus', 'appointment', (id) => gw.gql(ops.SetAppointmentStatusDocument, { id, status: 'CANCELLED' }, a.admin)],
    ['rescheduleAppointment', 'appointment', (id) => gw.gql(ops.RescheduleAppointmentDocument, { id, startsAt: at(60), endsAt: at(61) }, a.admin)],
    ['addDiagnosis', 'encounter', (encounterId) => gw.gql(ops.AddDiagnosisDocument, { input: { encounterId, icd10Code: 'R05', description: 'Cough' } }, a.doctor)],
    ['prescribeMedication', 'encounter', (encounterId) => gw.gql(ops.PrescribeMedicationDocument, { input: { encounterId, medication: 'X', dosage: '1', frequency: 'daily' } }, a.doctor)],
    ['collectLabSample', 'labOrder', (id) => gw.gql(ops.CollectLabSampleDocument, { id }, a.tech)],
    ['cancelLabOrder', 'labOrder', (id) => gw.gql(ops.CancelLabOrderDocument, { id }, a.doctor)],
    ['recordLabResult', 'labOrder', (labOrderId) => gw.gql(ops.RecordLabResultDocument, { input: { labOrderId, analyte: 'Hb', value: '1' } }, a.tech)],
    ['addInvoiceLine', 'invoice', (invoiceId) => gw.gql(ops.AddInvoiceLineDocument, { input: { invoiceId, description: 'x', quantity: 1, unitPriceCents: 1 } }, a.admin)],
    ['issueInvoice', 'invoice', (id) => gw.gql(ops.IssueInvoiceDocument, { id }, a.admin)],
    ['voidInvoice', 'invoice', (id) => gw.gql(ops.VoidInvoiceDocument, { id }, a.admin)],
    ['recordPayment', 'invoice', (invoiceId) => gw.gql(ops.RecordPaymentDocument, { input: { invoiceId, amountCents: 1, method: 'CASH' } }, a.admin)],
    ['archivePatient', 'patient', (id) => gw.gql(ops.ArchivePatientDocument, { id }, a.admin)],
    ['restorePatient', 'patient', (id) => gw.gql(ops.RestorePatientDocument, { id }, a.admin)],
    ['setPatientDepartment', 'patient', (id) => gw.gql(ops.SetPatientDepartmentDocument, { id, departmentId: a.department }, a.admin)],
    ['removePatientContact', 'contact', (id) => gw.gql(ops.RemovePatientContactDocument, { id }, a.admin)],
  ];

  it.each(writesById)('fails %s on B’s row with NOT_FOUND, like a missing row', async (_name, key, write) => {
    const id = b[key] as string;
    const foreign = await write(id);
    expect(errorCode(foreign)).toBe('NOT_FOUND');
    sameAsMissing(foreign, await write(MISSING), id);
  });

  const references: [string, (x: HospitalRows) => Promise<GqlResult<unknown>>][] = [
    ['createAppointment with B’s patient', (x) => gw.gql(ops.CreateAppointmentDocument, { input: { patientId: x.patient, clinicianId: a.doctor.id, startsAt: at(50), endsAt: at(51) } }, a.admin)],
    ['createAppointment with B’s clinician', (x) => gw.gql(ops.CreateAppointmentDocument, { input: { patientId: a.patient, clinicianId: x.doctor.id, startsAt: at(52), endsAt: at(53) } }, a.admin)],
    ['createAppointment in B’s department', (x) => gw.gql(ops.CreateAppointmentDocument, { input: { patientId: a.patient, clinicianId: a.doctor.id, departmentId: x.department, startsAt: at(54), endsAt: at(55) } }, a.admin)],
    ['assignStaff of B’s user', (x) => gw.gql(ops.AssignStaffDocument, { input: { userId: x.doctor.id, departmentId: a.department, jobTitle: 'Spy' } }, a.admin)],
    ['assignStaff to B’s department', (x) => gw.gql(ops.AssignStaffDocument, { input: { userId: a.doctor.id, departmentId: x.department, jobTitle: 'Spy' } }, a.admin)],
    ['createEncounter for B’s patient', (x) => gw.gql(ops.CreateEncounterDocument, { input: { patientId: x.patient } }, a.doctor)],
    ['createEncounter in B’s department', (x) => gw.gql(ops.CreateEncounterDocument, { input: { patientId: a.patient, departmentId: x.department } }, a.doctor)],
    ['createEncounter for B’s appointment', (x) => gw.gql(ops.CreateEncounterDocument, { input: { patientId: a.patient, appointmentId: x.appointment } }, a.doctor)],
    ['recordVitals for B’s patient', (x) => gw.gql(ops.RecordVitalsDocument, { input: { patientId: x.patient, heartRate: 70 } }, a.doctor)],
    ['recordVitals in B’s encounter', (x) => gw.gql(ops.RecordVitalsDocument, { input: { patientId: a.patient, encounterId: x.encounter, heartRate: 70 } }, a.doctor)],
    ['orderLabTest for B’s patient', (x) => gw.gql(ops.OrderLabTestDocument, { input: { patientId: x.patient, testCode: 'X', testName: 'X' } }, a.doctor)],
    ['createInvoice for B’s patient', (x) => gw.gql(ops.CreateInvoiceDocument, { input: { patientId: x.patient } }, a.admin)],
    ['addPatientContact for B’s patient', (x) => gw.gql(ops.AddPatientContactDocument, { input: { patientId: x.patient, kind: 'PHONE', value: '1' } }, a.admin)],
    ['recordAllergy for B’s patient', (x) => gw.gql(ops.RecordAllergyDocument, { input: { patientId: x.patient, substance: 'X', severity: 'MILD' } }, a.doctor)],
    ['addPatientInsurance for B’s patient', (x) => gw.gql(ops.AddPatientInsuranceDocument, { input: { patientId: x.patient, provider: 'X', policyNumber: '1' } }, a.admin)],
    ['setPatientDepartment to B’s department', (x) => gw.gql(ops.SetPatientDepartmentDocument, { id: a.patient, departmentId: x.department }, a.admin)],
  ];

  it.each(references)('refuses %s with NOT_FOUND and writes nothing', async (_name, attempt) => {
    const before = await counts(a);
    const result = await attempt(b);
    expect(errorCode(result)).toBe('NOT_FOUND');
    expect(result.data).toBeNull();
    expect(await counts(a)).toEqual(before);
  });

  it('leaves every one of B’s rows as B made it', async () => {
    expect((await gw.gql(ops.AppointmentDocument, { id: b.appointment }, b.admin)).data?.appointment?.status).toBe('SCHEDULED');
    expect((await gw.gql(ops.LabOrderDocument, { id: b.labOrder }, b.admin)).data?.labOrder).toMatchObject({ status: 'ORDERED', results: [] });
    expect((await gw.gql(ops.InvoiceDocument, { id: b.invoice }, b.admin)).data?.invoice).toMatchObject({ status: 'DRAFT', totalCents: 100, payments: [] });
    expect((await gw.gql(ops.EncounterDocument, { id: b.encounter }, b.admin)).data?.encounter).toMatchObject({ diagnoses: [], prescriptions: [], vitals: [] });
    expect((await gw.gql(ops.DepartmentDocument, { id: b.department }, b.admin)).data?.department).toMatchObject({ name: 'Cardiology', staff: [{ id: b.assignment }] });
  });

  it('finds none of B’s patients, appointments or lab orders in A’s search, by name, MRN or test', async () => {
    for (const query of ['domain-b', 'Of', 'Haemoglobin', '718-7']) {
      const hits = (await gw.gql(ops.SearchDocument, { query, first: 100 }, a.admin)).data!.search;
      const ids = hits.map((h) => h.patient?.id ?? h.appointment?.id ?? h.labOrder?.id);
      expect(ids).not.toEqual(expect.arrayContaining([b.patient]));
      expect(ids.filter((id) => [b.patient, b.appointment, b.labOrder].includes(id!))).toEqual([]);
    }
  });

  it('shows B’s patient details to nobody in A, and A’s links never reach B’s rows', async () => {
    sameAsMissing(await gw.gql(ops.PatientDetailsDocument, { id: b.patient }, a.admin), await gw.gql(ops.PatientDetailsDocument, { id: MISSING }, a.admin), b.patient);
    const mine = await gw.gql(ops.PatientDetailsDocument, { id: a.patient }, a.admin);
    expect(mine.data?.patient?.contacts?.map((c) => c.id)).toEqual([a.contact]);
    const overview = (await gw.gql(ops.PatientOverviewDocument, { first: 100 }, a.admin)).data!.patients.edges.map((e) => e.node);
    expect(overview.map((p) => p.id)).toEqual([a.patient]);
  });

  it('lets A and B each have department CARD and invoice INV-000001 (uniqueness is per hospital)', async () => {
    const codes = async (x: HospitalRows) => [
      (await gw.gql(ops.DepartmentDocument, { id: x.department }, x.admin)).data?.department?.code,
      (await gw.gql(ops.InvoiceDocument, { id: x.invoice }, x.admin)).data?.invoice?.number,
    ];
    expect(await codes(a)).toEqual(['CARD', 'INV-000001']);
    expect(await codes(b)).toEqual(['CARD', 'INV-000001']);
  });

  it('enforces no double booking in this mode: one of 6 concurrent bookings of a slot wins', async () => {
    const input = { patientId: a.patient, clinicianId: a.doctor.id, startsAt: at(300), endsAt: at(301) };
    const results = await Promise.all(Array.from({ length: 6 }, () => gw.gql(ops.CreateAppointmentDocument, { input }, a.admin)));
    expect(results.map((r) => errorCode(r) ?? 'OK').sort()).toEqual(['CONFLICT', 'CONFLICT', 'CONFLICT', 'CONFLICT', 'CONFLICT', 'OK']);
    const sameSlotInB = await gw.gql(ops.CreateAppointmentDocument, { input: { patientId: b.patient, clinicianId: b.doctor.id, startsAt: at(300), endsAt: at(301) } }, b.admin);
    expect(sameSlotInB.errors).toBeUndefined();
  });

  it('keeps settings per hospital: A disabling billing does not touch B', async () => {
    await gw.gql(ops.UpdateHospitalSettingsDocument, { input: { currency: 'GBP', enabledModules: ['APPOINTMENTS'] } }, a.admin);
    expect((await gw.gql(ops.HospitalSettingsDocument, {}, b.admin)).data?.hospitalSettings).toMatchObject({ currency: 'USD', enabledModules: ['APPOINTMENTS', 'CLINICAL', 'LAB', 'BILLING'] });
    expect((await gw.gql(ops.InvoicesDocument, {}, b.admin)).errors).toBeUndefined();
    await gw.gql(ops.UpdateHospitalSettingsDocument, { input: { enabledModules: ['APPOINTMENTS', 'CLINICAL', 'LAB', 'BILLING'] } }, a.admin);
  });

  /** How many rows A has of each kind (through A's own eyes). */
  async function counts(x: HospitalRows) {
    const [appointments, labOrders, invoices, encounters, vitals, department] = await Promise.all([
      gw.gql(ops.AppointmentsDocument, {}, x.admin),
      gw.gql(ops.LabOrdersDocument, {}, x.admin),
      gw.gql(ops.InvoicesDocument, {}, x.admin),
      gw.gql(ops.EncountersDocument, { patientId: x.patient }, x.admin),
      gw.gql(ops.VitalsDocument, { patientId: x.patient }, x.admin),
      gw.gql(ops.DepartmentDocument, { id: x.department }, x.admin),
    ]);
    return [
      appointments.data?.appointments.totalCount, labOrders.data?.labOrders.totalCount, invoices.data?.invoices.totalCount,
      encounters.data?.encounters.totalCount, vitals.data?.vitals.totalCount, department.data?.department?.staff.length,
    ];
  }
});
