import {
  AssignStaffDocument, ConvertDemoToTenantDocument, CreateTenantDocument, MoveTenantDocument, PatientWithNotesDocument, RecordClinicalNotesDocument,
  AddDiagnosisDocument, AddPatientContactDocument, AddPatientInsuranceDocument, AppointmentsDocument, AuditLogDocument,
  BookAppointmentDocument, CreateApiKeyDocument, CreateAppointmentDocument, CreateDepartmentDocument, CreateEncounterDocument,
  CreateInvoiceDocument, CreatePatientDocument, CreateUserDocument, DepartmentsDocument,
  InvoicesDocument, LabOrdersDocument, MeDocument, OrderLabTestDocument, PatientDemographicsDocument, PatientsDocument, PrescribeMedicationDocument,
  RecordAllergyDocument, RecordLabResultDocument, RecordVitalsDocument, RequestDemoDocument, SearchDocument, SetPatientDepartmentDocument,
  UpdateDepartmentDocument, UpdateHospitalSettingsDocument, UpdatePatientDocument, UpdateProfileDocument,
} from './generated/graphql';
import { STAFF_PASSWORD, TestGateway, type GqlResult } from '../fixtures/gateway';
import { addPatient, addStaff, at, type Staff } from '../fixtures/staff';

/** The fields a BAD_USER_INPUT names (and fails the test for any other answer). */
function badFields(result: GqlResult<unknown>): string[] {
  expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  return Object.keys((result.errors?.[0]?.extensions?.fields ?? {}) as object);
}

describe('input checks over HTTP', () => {
  let gw: TestGateway;
  let admin: { slug: string; token: string };
  let doctor: Staff;
  let patientId: string;

  beforeAll(async () => {
    gw = await TestGateway.start();
    admin = await gw.createTenant({ slug: 'inputs' });
    doctor = await addStaff(gw, admin.slug, 'DOCTOR');
    patientId = await addPatient(gw, admin, 'Checked');
  });
  afterAll(() => gw.stop());

  describe('nested filters', () => {
    it('checks the lab order filter’s patient id', async () => {
      expect(badFields(await gw.gql(LabOrdersDocument, { filter: { patientId: 'abc' } }, admin))).toEqual(['filter.patientId']);
    });
  });

  describe('dates', () => {
    const patient = { firstName: 'Ada', lastName: 'Dated', birthDate: '1980-01-01' };

    it.each([
      ['year 0000', '0000-01-01'],
      ['before 1900', '1899-12-31'],
      ['in the future', '2999-01-01'],
    ])('refuses a birth date %s on create and update, storing nothing', async (_why, birthDate) => {
      expect(badFields(await gw.gql(CreatePatientDocument, { input: { ...patient, birthDate } }, admin))).toEqual(['birthDate']);
      expect(badFields(await gw.gql(UpdatePatientDocument, { id: patientId, input: { birthDate } }, admin))).toEqual(['birthDate']);
      expect((await gw.gql(PatientsDocument, { search: 'Dated' }, admin)).data?.patients.totalCount).toBe(0);
    });

    it('takes a birth date of 1900-01-01', async () => {
      const created = await gw.gql(CreatePatientDocument, { input: { ...patient, lastName: 'Oldest', birthDate: '1900-01-01' } }, admin);
      expect(created.errors).toBeUndefined();
    });

    it('refuses an insurance valid until year 0000', async () => {
      const result = await gw.gql(AddPatientInsuranceDocument, { input: { patientId, provider: 'Acme', policyNumber: 'P-1', validUntil: '0000-01-01' } }, admin);
      expect(badFields(result)).toEqual(['validUntil']);
    });

    it.each([
      ['startsAt', { startsAt: '0000-01-01T08:00:00Z', endsAt: at(1) }],
      ['endsAt', { startsAt: '2200-12-31T23:30:00Z', endsAt: '2201-01-01T00:30:00Z' }],
    ])('refuses an appointment whose %s is outside the supported years', async (field, times) => {
      const result = await gw.gql(CreateAppointmentDocument, { input: { patientId, clinicianId: doctor.id, ...times } }, admin);
      expect(badFields(result)).toEqual([field]);
    });

    it('books an appointment on the last day of 2200 and finds it with filters at the bounds', async () => {
      const booked = await gw.gql(BookAppointmentDocument, { input: { patientId, clinicianId: doctor.id, startsAt: '2200-12-31T20:00:00Z', endsAt: '2200-12-31T21:00:00Z' } }, admin);
      expect(booked.errors).toBeUndefined();
      const found = await gw.gql(AppointmentsDocument, { filter: { from: '1900-01-01T00:00:00Z', to: '2200-12-31T23:59:59Z' } }, admin);
      expect(found.data?.appointments.edges.map((e) => e.node.id)).toContain(booked.data!.createAppointment.id);
    });

    it.each(['from', 'to'] as const)('refuses a %s filter in year 0000 on appointments and the audit trail', async (field) => {
      const filter = { [field]: '0000-01-01T00:00:00Z' };
      expect(badFields(await gw.gql(AppointmentsDocument, { filter }, admin))).toEqual([`filter.${field}`]);
      expect(badFields(await gw.gql(AuditLogDocument, { filter }, admin))).toEqual([`filter.${field}`]);
    });
  });

  describe('blank text', () => {
    const blank = '   ';

    it('refuses a blank department name, and stores nothing', async () => {
      const before = (await gw.gql(DepartmentsDocument, {}, admin)).data!.departments.totalCount;
      expect(badFields(await gw.gql(CreateDepartmentDocument, { input: { name: blank, code: 'BLANK' } }, admin))).toEqual(['name']);
      const made = (await gw.gql(CreateDepartmentDocument, { input: { name: 'Kept', code: 'KEPT' } }, admin)).data!.createDepartment;
      expect(badFields(await gw.gql(UpdateDepartmentDocument, { id: made.id, input: { name: blank } }, admin))).toEqual(['name']);
      const after = (await gw.gql(DepartmentsDocument, { first: 100 }, admin)).data!.departments;
      expect(after.totalCount).toBe(before + 1);
      expect(after.edges.find((e) => e.node.id === made.id)?.node.name).toBe('Kept');
    });

    it('refuses a blank lab test code and name', async () => {
      const result = await gw.gql(OrderLabTestDocument, { input: { patientId, testCode: blank, testName: blank } }, doctor);
      expect(badFields(result).sort()).toEqual(['testCode', 'testName']);
      expect((await gw.gql(LabOrdersDocument, { filter: { patientId } }, admin)).data?.labOrders.totalCount).toBe(0);
    });

    it('refuses a blank lab result analyte and value', async () => {
      const order = (await gw.gql(OrderLabTestDocument, { input: { patientId, testCode: '718-7', testName: 'Haemoglobin' } }, doctor)).data!.orderLabTest;
      const tech = await addStaff(gw, admin.slug, 'LAB_TECH');
      const result = await gw.gql(RecordLabResultDocument, { input: { labOrderId: order.id, analyte: blank, value: blank } }, tech);
      expect(badFields(result).sort()).toEqual(['analyte', 'value']);
    });

    it('refuses an invoice line with a blank description', async () => {
      const result = await gw.gql(CreateInvoiceDocument, { input: { patientId, lines: [{ description: blank, quantity: 1, unitPriceCents: 100 }] } }, admin);
      expect(badFields(result)).toEqual(['lines.0.description']);
      expect((await gw.gql(InvoicesDocument, { filter: { patientId } }, admin)).data?.invoices.totalCount).toBe(0);
    });

    it('refuses a blank API key name', async () => {
      const result = await gw.gql(CreateApiKeyDocument, { input: { name: blank, role: 'NURSE' } }, admin);
      expect(badFields(result)).toEqual(['name']);
      expect(result.errors?.[0]?.message).toBe('Invalid input (name: name must not be blank)');
    });

    it('refuses blank clinical text', async () => {
      const encounterId = (await gw.gql(CreateEncounterDocument, { input: { patientId } }, doctor)).data!.createEncounter.id;
      const diagnosis = await gw.gql(AddDiagnosisDocument, { input: { encounterId, icd10Code: 'J45.909', description: blank } }, doctor);
      expect(badFields(diagnosis)).toEqual(['description']);
      const prescription = await gw.gql(PrescribeMedicationDocument, { input: { encounterId, medication: blank, dosage: blank, frequency: blank } }, doctor);
      expect(badFields(prescription).sort()).toEqual(['dosage', 'frequency', 'medication']);
      expect(badFields(await gw.gql(RecordAllergyDocument, { input: { patientId, substance: blank, severity: 'MILD' } }, doctor))).toEqual(['substance']);
    });

    it('refuses blank patient names, contacts and insurance', async () => {
      expect(badFields(await gw.gql(CreatePatientDocument, { input: { firstName: blank, lastName: 'Named', birthDate: '1980-01-01' } }, admin))).toEqual(['firstName']);
      expect(badFields(await gw.gql(UpdatePatientDocument, { id: patientId, input: { lastName: blank } }, admin))).toEqual(['lastName']);
      expect(badFields(await gw.gql(AddPatientContactDocument, { input: { patientId, kind: 'PHONE', value: blank } }, admin))).toEqual(['value']);
      expect(badFields(await gw.gql(AddPatientInsuranceDocument, { input: { patientId, provider: blank, policyNumber: blank } }, admin)).sort()).toEqual(['policyNumber', 'provider']);
    });

    it('refuses a blank brand name and blank names in a demo request', async () => {
      expect(badFields(await gw.gql(UpdateHospitalSettingsDocument, { input: { brandName: blank } }, admin))).toEqual(['brandName']);
      const form = { hospitalName: blank, contactName: blank, email: 'someone@blank.test' };
      expect(badFields(await gw.gql(RequestDemoDocument, { input: form })).sort()).toEqual(['contactName', 'hospitalName']);
    });

    it('refuses a blank display name on the profile and on a new user, keeping the name', async () => {
      expect((await gw.gql(UpdateProfileDocument, { input: { displayName: 'Named Admin' } }, admin)).errors).toBeUndefined();
      for (const displayName of [blank, '']) {
        expect(badFields(await gw.gql(UpdateProfileDocument, { input: { displayName } }, admin))).toEqual(['displayName']);
        const user = { email: `blank${displayName.length}@inputs.test`, password: STAFF_PASSWORD, role: 'NURSE' as const, displayName };
        expect(badFields(await gw.gql(CreateUserDocument, { input: user }, admin))).toEqual(['displayName']);
      }
      expect((await gw.gql(MeDocument, {}, admin)).data?.me?.displayName).toBe('Named Admin');
    });

    it('refuses blank optional text on appointments, encounters, lab results and staff assignments', async () => {
      const booking = { patientId, clinicianId: doctor.id, startsAt: at(300), endsAt: at(301) };
      expect(badFields(await gw.gql(CreateAppointmentDocument, { input: { ...booking, reason: blank } }, admin))).toEqual(['reason']);
      expect(badFields(await gw.gql(CreateEncounterDocument, { input: { patientId, notes: blank } }, doctor))).toEqual(['notes']);
      const order = (await gw.gql(OrderLabTestDocument, { input: { patientId, testCode: '2345-7', testName: 'Glucose' } }, doctor)).data!.orderLabTest;
      const tech = await addStaff(gw, admin.slug, 'LAB_TECH', 'blank-tech');
      const result = { labOrderId: order.id, analyte: 'Glucose', value: '5.1', unit: '  ', referenceRange: '\t' };
      expect(badFields(await gw.gql(RecordLabResultDocument, { input: result }, tech)).sort()).toEqual(['referenceRange', 'unit']);
      const ward = (await gw.gql(CreateDepartmentDocument, { input: { name: 'Blank Ward', code: 'BLANKW' } }, admin)).data!.createDepartment;
      const assignment = { userId: doctor.id, departmentId: ward.id, jobTitle: 'Registrar', specialty: blank };
      expect(badFields(await gw.gql(AssignStaffDocument, { input: assignment }, admin))).toEqual(['specialty']);
      expect((await gw.gql(AppointmentsDocument, { filter: { patientId, from: at(300), to: at(301) } }, admin)).data?.appointments.totalCount).toBe(0);
    });

    it('refuses blank clinical notes, and clears them with null', async () => {
      for (const notes of [blank, '']) expect(badFields(await gw.gql(RecordClinicalNotesDocument, { patientId, notes }, doctor))).toEqual(['notes']);
      expect((await gw.gql(RecordClinicalNotesDocument, { patientId, notes: 'Kept' }, doctor)).data?.recordClinicalNotes.clinicalNotes).toBe('Kept');
      expect(badFields(await gw.gql(RecordClinicalNotesDocument, { patientId, notes: blank }, doctor))).toEqual(['notes']);
      expect((await gw.gql(PatientWithNotesDocument, { id: patientId }, doctor)).data?.patient?.clinicalNotes).toBe('Kept');
      const cleared = await gw.gql(RecordClinicalNotesDocument, { patientId, notes: null }, doctor);
      expect(cleared.errors).toBeUndefined();
      expect(cleared.data?.recordClinicalNotes.clinicalNotes).toBeNull();
    });

    it('refuses blank optional text in settings, demo requests and the platform’s hospital details', async () => {
      expect(badFields(await gw.gql(UpdateHospitalSettingsDocument, { input: { timezone: blank, locale: '' } }, admin)).sort()).toEqual(['locale', 'timezone']);
      const demo = { hospitalName: 'Blank Phone', contactName: 'Casey', email: 'phone@blank.test', phone: ' '.repeat(8), message: blank };
      expect(badFields(await gw.gql(RequestDemoDocument, { input: demo })).sort()).toEqual(['message', 'phone']);
      const platform = { token: await gw.platformToken() };
      const hospital = { slug: 'blank-contact', name: 'Blank Contact', admin: { email: 'admin@blank-contact.test', password: STAFF_PASSWORD } };
      const contact = { contactEmail: blank, contactPhone: blank, address: blank };
      expect(badFields(await gw.gql(CreateTenantDocument, { input: { ...hospital, ...contact } }, platform)).sort()).toEqual(['address', 'contactEmail', 'contactPhone']);
      expect(badFields(await gw.gql(CreateTenantDocument, { input: { ...hospital, server: '' } }, platform))).toEqual(['server']);
      const pending = (await gw.gql(RequestDemoDocument, { input: { hospitalName: 'Blank Server', contactName: 'Casey', email: 'server@blank.test' } })).data!.requestDemo;
      const conversion = { demoRequestId: pending.id, slug: 'blank-demo', server: '' };
      expect(badFields(await gw.gql(ConvertDemoToTenantDocument, { input: conversion }, platform))).toEqual(['server']);
      expect(badFields(await gw.gql(MoveTenantDocument, { slug: admin.slug, to: 'SHARED', server: '' }, platform))).toEqual(['server']);
      expect(await gw.tenancy.store.bySlug('blank-contact')).toBeNull();
    });

    it('refuses a blank audit operation filter instead of listing the whole trail', async () => {
      for (const operation of [blank, '']) expect(badFields(await gw.gql(AuditLogDocument, { filter: { operation } }, admin))).toEqual(['filter.operation']);
    });

    it('refuses a blank search instead of listing every patient', async () => {
      expect(badFields(await gw.gql(SearchDocument, { query: blank }, admin))).toEqual(['query']);
      expect(badFields(await gw.gql(PatientsDocument, { search: blank }, admin))).toEqual(['search']);
      expect((await gw.gql(SearchDocument, { query: ' Checked ' }, admin)).data?.search.length).toBeGreaterThan(0);
    });
  });

  describe('optional ids', () => {
    const notIds = ['', 'abc'];

    /** The code and the named fields of an answer, to compare in one assertion. */
    const refusal = (result: GqlResult<unknown>) => [result.errors?.[0]?.extensions?.code, Object.keys((result.errors?.[0]?.extensions?.fields ?? {}) as object)];

    it('refuses an empty or malformed department on setPatientDepartment and keeps the patient’s department; null still clears it', async () => {
      const department = (await gw.gql(CreateDepartmentDocument, { input: { name: 'Ward', code: 'WARD' } }, admin)).data!.createDepartment;
      expect((await gw.gql(SetPatientDepartmentDocument, { id: patientId, departmentId: department.id }, admin)).errors).toBeUndefined();
      for (const departmentId of notIds) {
        expect(refusal(await gw.gql(SetPatientDepartmentDocument, { id: patientId, departmentId }, admin))).toEqual(['BAD_USER_INPUT', ['departmentId']]);
      }
      expect((await gw.gql(PatientDemographicsDocument, { id: patientId }, admin)).data?.patient?.department?.id).toBe(department.id);
      const cleared = await gw.gql(SetPatientDepartmentDocument, { id: patientId, departmentId: null }, admin);
      expect(cleared.data?.setPatientDepartment.department).toBeNull();
    });

    it.each(notIds)('refuses the id %j in every optional id argument and input field, naming the field', async (id) => {
      const optionalIds: [string, () => Promise<GqlResult<unknown>>][] = [
        ['departmentId', () => gw.gql(CreateEncounterDocument, { input: { patientId, departmentId: id } }, doctor)],
        ['appointmentId', () => gw.gql(CreateEncounterDocument, { input: { patientId, appointmentId: id } }, doctor)],
        ['encounterId', () => gw.gql(RecordVitalsDocument, { input: { patientId, encounterId: id, heartRate: 60 } }, doctor)],
        ['departmentId', () => gw.gql(CreateAppointmentDocument, { input: { patientId, clinicianId: doctor.id, startsAt: at(1), endsAt: at(2), departmentId: id } }, admin)],
        ['filter.patientId', () => gw.gql(AppointmentsDocument, { filter: { patientId: id } }, admin)],
        ['filter.clinicianId', () => gw.gql(AppointmentsDocument, { filter: { clinicianId: id } }, admin)],
        ['filter.departmentId', () => gw.gql(AppointmentsDocument, { filter: { departmentId: id } }, admin)],
        ['filter.patientId', () => gw.gql(LabOrdersDocument, { filter: { patientId: id } }, admin)],
        ['filter.patientId', () => gw.gql(InvoicesDocument, { filter: { patientId: id } }, admin)],
        ['filter.actorId', () => gw.gql(AuditLogDocument, { filter: { actorId: id } }, admin)],
        ['filter.recordId', () => gw.gql(AuditLogDocument, { filter: { recordId: id } }, admin)],
        ['departmentId', () => gw.gql(SetPatientDepartmentDocument, { id: patientId, departmentId: id }, admin)],
      ];
      for (const [field, run] of optionalIds) expect([field, ...refusal(await run())]).toEqual([field, 'BAD_USER_INPUT', [field]]);
    });

    it('still filters the audit trail by a well-formed actor and record', async () => {
      const byRecord = await gw.gql(AuditLogDocument, { filter: { recordId: patientId } }, admin);
      expect(byRecord.data?.auditLog.totalCount).toBeGreaterThan(0);
      const nobody = await gw.gql(AuditLogDocument, { filter: { actorId: '00000000-0000-0000-0000-000000000000' } }, admin);
      expect(nobody.data?.auditLog.totalCount).toBe(0);
    });
  });
});
