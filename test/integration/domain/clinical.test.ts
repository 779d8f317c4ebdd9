import { Encounter } from '../../../src/modules/clinical/clinical.entity';
import { runInTenant } from '../../../src/tenancy';
import {
  AddDiagnosisDocument, CreateAppointmentDocument, CreateDepartmentDocument, CreateEncounterDocument, EncounterDocument, EncountersDocument,
  PrescribeMedicationDocument, RecordAllergyDocument, RecordVitalsDocument, SetAppointmentStatusDocument, SetUserRolesDocument, VitalsDocument,
} from '../../e2e/generated/graphql';
import { errorCode, STAFF_PASSWORD, TestGateway } from '../../fixtures/gateway';
import { addPatient, addStaff, at, type Staff } from '../../fixtures/staff';

describe('clinical records', () => {
  let gw: TestGateway;
  let admin: { slug: string; token: string };
  let doctor: Staff;
  let nurse: Staff;
  let patientId: string;
  let encounterId: string;

  beforeAll(async () => {
    gw = await TestGateway.start();
    admin = await gw.createTenant({ slug: 'clinical' });
    doctor = await addStaff(gw, admin.slug, 'DOCTOR');
    nurse = await addStaff(gw, admin.slug, 'NURSE');
    patientId = await addPatient(gw, admin, 'Treated');
    const created = await gw.gql(CreateEncounterDocument, { input: { patientId, notes: 'Wheezing since Monday' } }, doctor);
    encounterId = created.data!.createEncounter.id;
  });
  afterAll(() => gw.stop());

  it('lets a doctor record an encounter with a diagnosis and a prescription, read back through the encounter', async () => {
    const added = await gw.gql(AddDiagnosisDocument, { input: { encounterId, icd10Code: 'J45.909', description: 'Asthma, uncomplicated' } }, doctor);
    expect(added.errors).toBeUndefined();
    await gw.gql(PrescribeMedicationDocument, { input: { encounterId, medication: 'Salbutamol', dosage: '100 µg', frequency: 'as needed', durationDays: 30 } }, doctor);
    const read = await gw.gql(EncounterDocument, { id: encounterId }, nurse);
    expect(read.data?.encounter).toMatchObject({
      notes: 'Wheezing since Monday',
      clinician: { id: doctor.id },
      diagnoses: [{ icd10Code: 'J45.909' }],
      prescriptions: [{ medication: 'Salbutamol', durationDays: 30 }],
    });
  });

  it('lets a nurse record vitals and read encounters, but not write diagnoses, encounters or prescriptions', async () => {
    const vitals = await gw.gql(RecordVitalsDocument, { input: { patientId, encounterId, heartRate: 88, temperatureC: 37.8 } }, nurse);
    expect(vitals.data?.recordVitals).toMatchObject({ heartRate: 88, temperatureC: 37.8, encounterId });
    expect((await gw.gql(EncountersDocument, { patientId }, nurse)).data?.encounters.totalCount).toBe(1);
    expect((await gw.gql(VitalsDocument, { patientId }, nurse)).data?.vitals.totalCount).toBe(1);
    expect(errorCode(await gw.gql(AddDiagnosisDocument, { input: { encounterId, icd10Code: 'R05', description: 'Cough' } }, nurse))).toBe('FORBIDDEN');
    expect(errorCode(await gw.gql(CreateEncounterDocument, { input: { patientId } }, nurse))).toBe('FORBIDDEN');
    expect(errorCode(await gw.gql(PrescribeMedicationDocument, { input: { encounterId, medication: 'X', dosage: '1', frequency: 'daily' } }, nurse))).toBe('FORBIDDEN');
  });

  it.each(['RECEPTIONIST', 'LAB_TECH', 'BILLING'] as const)('hides clinical records from %s', async (role) => {
    const staff = await addStaff(gw, admin.slug, role);
    expect(errorCode(await gw.gql(EncounterDocument, { id: encounterId }, staff))).toBe('FORBIDDEN');
    expect(errorCode(await gw.gql(EncountersDocument, { patientId }, staff))).toBe('FORBIDDEN');
    expect(errorCode(await gw.gql(VitalsDocument, { patientId }, staff))).toBe('FORBIDDEN');
    expect(errorCode(await gw.gql(RecordVitalsDocument, { input: { patientId, heartRate: 70 } }, staff))).toBe('FORBIDDEN');
  });

  it('refuses a malformed ICD-10 code and impossible vitals, naming the fields', async () => {
    const bad = await gw.gql(AddDiagnosisDocument, { input: { encounterId, icd10Code: 'asthma', description: 'x' } }, doctor);
    expect(result(bad)).toEqual(['icd10Code']);
    const vitals = await gw.gql(RecordVitalsDocument, { input: { patientId, heartRate: 900, temperatureC: 60 } }, nurse);
    expect(result(vitals)).toEqual(['heartRate', 'temperatureC']);
  });

  it('lets a hospital ADMIN read clinical records but write none, and a user who is ADMIN and DOCTOR write them', async () => {
    const patient = await addPatient(gw, admin, 'Administered');
    const encounter = (await gw.gql(CreateEncounterDocument, { input: { patientId: patient, notes: 'Seen' } }, doctor)).data!.createEncounter.id;
    expect((await gw.gql(EncounterDocument, { id: encounter }, admin)).data?.encounter?.notes).toBe('Seen');
    expect((await gw.gql(VitalsDocument, { patientId: patient }, admin)).errors).toBeUndefined();
    const writes = (as: { slug: string; token: string }) => Promise.all([
      gw.gql(CreateEncounterDocument, { input: { patientId: patient } }, as),
      gw.gql(AddDiagnosisDocument, { input: { encounterId: encounter, icd10Code: 'R05', description: 'Cough' } }, as),
      gw.gql(PrescribeMedicationDocument, { input: { encounterId: encounter, medication: 'X', dosage: '1', frequency: 'daily' } }, as),
      gw.gql(RecordVitalsDocument, { input: { patientId: patient, heartRate: 70 } }, as),
      gw.gql(RecordAllergyDocument, { input: { patientId: patient, substance: 'Latex', severity: 'MILD' } }, as),
    ]);
    expect((await writes(admin)).map((r) => errorCode(r))).toEqual(Array(5).fill('FORBIDDEN'));
    const both = await addStaff(gw, admin.slug, 'DOCTOR', 'admin-doctor');
    expect((await gw.gql(SetUserRolesDocument, { id: both.id, roles: ['ADMIN', 'DOCTOR'] }, admin)).errors).toBeUndefined();
    const signedIn = { slug: admin.slug, token: await gw.login(`admin-doctor@${admin.slug}.test`, STAFF_PASSWORD, admin.slug) };
    expect((await writes(signedIn)).map((r) => errorCode(r))).toEqual(Array(5).fill(undefined));
  });

  it('lets a platform admin read clinical records in the hospital but not sign them', async () => {
    const platform = { slug: admin.slug, token: await gw.platformToken() };
    expect((await gw.gql(EncountersDocument, { patientId }, platform)).data?.encounters.totalCount).toBe(1);
    expect(errorCode(await gw.gql(CreateEncounterDocument, { input: { patientId } }, platform))).toBe('FORBIDDEN');
  });

  it('links an encounter only to an appointment of the same patient and department that was not called off', async () => {
    const department = async (code: string) => (await gw.gql(CreateDepartmentDocument, { input: { name: code, code } }, admin)).data!.createDepartment.id;
    const [cardiology, neurology] = [await department('CARD'), await department('NEURO')];
    const book = async (slot: number) =>
      (await gw.gql(CreateAppointmentDocument, { input: { patientId, clinicianId: doctor.id, departmentId: cardiology, startsAt: at(slot), endsAt: at(slot + 1) } }, admin)).data!.createAppointment.id;
    const appointmentId = await book(0);

    const otherDepartment = await gw.gql(CreateEncounterDocument, { input: { patientId, appointmentId, departmentId: neurology } }, doctor);
    expect(result(otherDepartment)).toEqual(['departmentId']);
    const otherPatient = await gw.gql(CreateEncounterDocument, { input: { patientId: await addPatient(gw, admin, 'Elsewhere'), appointmentId } }, doctor);
    expect(result(otherPatient)).toEqual(['appointmentId']);

    const linked = await gw.gql(CreateEncounterDocument, { input: { patientId, appointmentId } }, doctor);
    expect(linked.data?.createEncounter).toMatchObject({ patient: { id: patientId } });
    const tenant = (await gw.tenancy.store.bySlug(admin.slug))!;
    const stored = await runInTenant(gw.tenancy.pools, tenant, (em) => em.findOneOrFail(Encounter, { id: linked.data!.createEncounter.id }));
    expect(stored).toMatchObject({ appointmentId, departmentId: cardiology });

    for (const [slot, status] of [[2, 'CANCELLED'], [4, 'NO_SHOW']] as const) {
      const calledOff = await book(slot);
      await gw.gql(SetAppointmentStatusDocument, { id: calledOff, status }, admin);
      expect(errorCode(await gw.gql(CreateEncounterDocument, { input: { patientId, appointmentId: calledOff } }, doctor))).toBe('CONFLICT');
    }
    expect((await gw.gql(EncountersDocument, { patientId }, doctor)).data?.encounters.totalCount).toBe(2);
  });

  it('refuses vitals for an encounter of another patient', async () => {
    const other = await addPatient(gw, admin, 'Other');
    const vitals = await gw.gql(RecordVitalsDocument, { input: { patientId: other, encounterId, heartRate: 70 } }, nurse);
    expect(result(vitals)).toEqual(['encounterId']);
  });
});

function result(r: { errors?: { extensions?: Record<string, unknown> }[] }): string[] {
  expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  return Object.keys(r.errors![0]!.extensions!.fields as object).sort();
}
