import type { TenantRole } from '../../../src/auth/principal';
import * as ops from '../../e2e/generated/graphql';
import { errorCode, TestGateway, type GqlResult } from '../../fixtures/gateway';
import { addPatient, addStaff, type Staff } from '../../fixtures/staff';

const MISSING = '00000000-0000-4000-8000-000000000000';
const ROLES: TenantRole[] = ['ADMIN', 'DOCTOR', 'NURSE', 'RECEPTIONIST', 'LAB_TECH', 'BILLING'];
type As = { slug: string; token: string };

/**
 * The README's role matrix for the hospital domain, cell by cell. Writes name rows that do not exist,
 * so an allowed caller gets NOT_FOUND (or succeeds harmlessly) and a refused one gets FORBIDDEN.
 */
const MATRIX: [string, TenantRole[], (gw: TestGateway, as: As, patientId: string, role: TenantRole) => Promise<GqlResult<unknown>>][] = [
  ['departments', ROLES, (gw, as) => gw.gql(ops.DepartmentsDocument, {}, as)],
  ['department', ROLES, (gw, as) => gw.gql(ops.DepartmentDocument, { id: MISSING }, as)],
  ['hospitalSettings', ROLES, (gw, as) => gw.gql(ops.HospitalSettingsDocument, {}, as)],
  ['search', ROLES, (gw, as) => gw.gql(ops.SearchDocument, { query: 'x' }, as)],
  ['createDepartment', ['ADMIN'], (gw, as, _p, role) => gw.gql(ops.CreateDepartmentDocument, { input: { name: 'D', code: `D-${role.replace('_', '')}` } }, as)],
  ['updateDepartment', ['ADMIN'], (gw, as) => gw.gql(ops.UpdateDepartmentDocument, { id: MISSING, input: { name: 'D' } }, as)],
  ['assignStaff', ['ADMIN'], (gw, as) => gw.gql(ops.AssignStaffDocument, { input: { userId: MISSING, departmentId: MISSING, jobTitle: 'x' } }, as)],
  ['unassignStaff', ['ADMIN'], (gw, as) => gw.gql(ops.UnassignStaffDocument, { id: MISSING }, as)],
  ['updateHospitalSettings', ['ADMIN'], (gw, as) => gw.gql(ops.UpdateHospitalSettingsDocument, { input: { timezone: 'UTC' } }, as)],
  ['appointments', ['ADMIN', 'DOCTOR', 'NURSE', 'RECEPTIONIST'], (gw, as) => gw.gql(ops.AppointmentsDocument, {}, as)],
  ['appointment', ['ADMIN', 'DOCTOR', 'NURSE', 'RECEPTIONIST'], (gw, as) => gw.gql(ops.AppointmentDocument, { id: MISSING }, as)],
  ['createAppointment', ['ADMIN', 'DOCTOR', 'NURSE', 'RECEPTIONIST'], (gw, as) => gw.gql(ops.CreateAppointmentDocument, { input: { patientId: MISSING, clinicianId: MISSING, startsAt: '2031-01-01T10:00:00Z', endsAt: '2031-01-01T11:00:00Z' } }, as)],
  ['setAppointmentStatus', ['ADMIN', 'DOCTOR', 'NURSE', 'RECEPTIONIST'], (gw, as) => gw.gql(ops.SetAppointmentStatusDocument, { id: MISSING, status: 'CANCELLED' }, as)],
  ['Patient.nextAppointments', ['ADMIN', 'DOCTOR', 'NURSE', 'RECEPTIONIST'], (gw, as, id) => gw.gql(ops.PatientDemographicsDocument, { id }, as)],
  ['addPatientContact', ['ADMIN', 'DOCTOR', 'NURSE', 'RECEPTIONIST'], (gw, as) => gw.gql(ops.AddPatientContactDocument, { input: { patientId: MISSING, kind: 'PHONE', value: '1' } }, as)],
  ['removePatientContact', ['ADMIN', 'DOCTOR', 'NURSE', 'RECEPTIONIST'], (gw, as) => gw.gql(ops.RemovePatientContactDocument, { id: MISSING }, as)],
  ['setPatientDepartment', ['ADMIN', 'DOCTOR', 'NURSE', 'RECEPTIONIST'], (gw, as) => gw.gql(ops.SetPatientDepartmentDocument, { id: MISSING }, as)],
  ['archivePatient', ['ADMIN', 'RECEPTIONIST'], (gw, as) => gw.gql(ops.ArchivePatientDocument, { id: MISSING }, as)],
  ['restorePatient', ['ADMIN', 'RECEPTIONIST'], (gw, as) => gw.gql(ops.RestorePatientDocument, { id: MISSING }, as)],
  ['addPatientInsurance', ['ADMIN', 'DOCTOR', 'NURSE', 'RECEPTIONIST', 'BILLING'], (gw, as) => gw.gql(ops.AddPatientInsuranceDocument, { input: { patientId: MISSING, provider: 'x', policyNumber: '1' } }, as)],
  ['Patient.contacts + insurances', ['ADMIN', 'DOCTOR', 'NURSE', 'RECEPTIONIST', 'BILLING'], (gw, as, id) => gw.gql(ops.PatientDetailsDocument, { id }, as)],
  ['encounters', ['ADMIN', 'DOCTOR', 'NURSE'], (gw, as) => gw.gql(ops.EncountersDocument, { patientId: MISSING }, as)],
  ['encounter', ['ADMIN', 'DOCTOR', 'NURSE'], (gw, as) => gw.gql(ops.EncounterDocument, { id: MISSING }, as)],
  ['vitals', ['ADMIN', 'DOCTOR', 'NURSE'], (gw, as) => gw.gql(ops.VitalsDocument, { patientId: MISSING }, as)],
  ['recordVitals', ['ADMIN', 'DOCTOR', 'NURSE'], (gw, as) => gw.gql(ops.RecordVitalsDocument, { input: { patientId: MISSING, heartRate: 70 } }, as)],
  ['recordAllergy', ['ADMIN', 'DOCTOR', 'NURSE'], (gw, as) => gw.gql(ops.RecordAllergyDocument, { input: { patientId: MISSING, substance: 'x', severity: 'MILD' } }, as)],
  ['Patient.allergies', ['ADMIN', 'DOCTOR', 'NURSE'], (gw, as, id) => gw.gql(ops.PatientAllergiesDocument, { id }, as)],
  ['createEncounter', ['ADMIN', 'DOCTOR'], (gw, as) => gw.gql(ops.CreateEncounterDocument, { input: { patientId: MISSING } }, as)],
  ['addDiagnosis', ['ADMIN', 'DOCTOR'], (gw, as) => gw.gql(ops.AddDiagnosisDocument, { input: { encounterId: MISSING, icd10Code: 'R05', description: 'x' } }, as)],
  ['prescribeMedication', ['ADMIN', 'DOCTOR'], (gw, as) => gw.gql(ops.PrescribeMedicationDocument, { input: { encounterId: MISSING, medication: 'x', dosage: '1', frequency: 'x' } }, as)],
  ['labOrders', ['ADMIN', 'DOCTOR', 'NURSE', 'LAB_TECH'], (gw, as) => gw.gql(ops.LabOrdersDocument, {}, as)],
  ['labOrder', ['ADMIN', 'DOCTOR', 'NURSE', 'LAB_TECH'], (gw, as) => gw.gql(ops.LabOrderDocument, { id: MISSING }, as)],
  ['Patient.latestLabResults', ['ADMIN', 'DOCTOR', 'NURSE', 'LAB_TECH'], (gw, as, id) => gw.gql(ops.PatientClinicalLinksDocument, { id }, as)],
  ['orderLabTest', ['ADMIN', 'DOCTOR'], (gw, as) => gw.gql(ops.OrderLabTestDocument, { input: { patientId: MISSING, testCode: 'x', testName: 'x' } }, as)],
  ['cancelLabOrder', ['ADMIN', 'DOCTOR'], (gw, as) => gw.gql(ops.CancelLabOrderDocument, { id: MISSING }, as)],
  ['collectLabSample', ['ADMIN', 'LAB_TECH'], (gw, as) => gw.gql(ops.CollectLabSampleDocument, { id: MISSING }, as)],
  ['recordLabResult', ['ADMIN', 'LAB_TECH'], (gw, as) => gw.gql(ops.RecordLabResultDocument, { input: { labOrderId: MISSING, analyte: 'x', value: '1' } }, as)],
  ['invoices', ['ADMIN', 'BILLING'], (gw, as) => gw.gql(ops.InvoicesDocument, {}, as)],
  ['invoice', ['ADMIN', 'BILLING'], (gw, as) => gw.gql(ops.InvoiceDocument, { id: MISSING }, as)],
  ['createInvoice', ['ADMIN', 'BILLING'], (gw, as) => gw.gql(ops.CreateInvoiceDocument, { input: { patientId: MISSING } }, as)],
  ['addInvoiceLine', ['ADMIN', 'BILLING'], (gw, as) => gw.gql(ops.AddInvoiceLineDocument, { input: { invoiceId: MISSING, description: 'x', quantity: 1, unitPriceCents: 1 } }, as)],
  ['issueInvoice', ['ADMIN', 'BILLING'], (gw, as) => gw.gql(ops.IssueInvoiceDocument, { id: MISSING }, as)],
  ['voidInvoice', ['ADMIN', 'BILLING'], (gw, as) => gw.gql(ops.VoidInvoiceDocument, { id: MISSING }, as)],
  ['recordPayment', ['ADMIN', 'BILLING'], (gw, as) => gw.gql(ops.RecordPaymentDocument, { input: { invoiceId: MISSING, amountCents: 1, method: 'CASH' } }, as)],
  ['Patient.openInvoiceBalanceCents', ['ADMIN', 'BILLING'], (gw, as, id) => gw.gql(ops.PatientBalanceDocument, { id }, as)],
];

describe('the hospital domain’s role matrix', () => {
  let gw: TestGateway;
  let patientId: string;
  const staff = new Map<TenantRole, Staff | As>();

  beforeAll(async () => {
    gw = await TestGateway.start();
    const admin = await gw.createTenant({ slug: 'matrix' });
    staff.set('ADMIN', admin);
    for (const role of ROLES.slice(1)) staff.set(role, await addStaff(gw, admin.slug, role));
    patientId = await addPatient(gw, admin, 'Matrix');
  });
  afterAll(() => gw.stop());

  const cells = MATRIX.flatMap(([name, allowed, call]) => ROLES.map((role) => [name, role, allowed.includes(role), call] as const));

  it.each(cells)('%s as %s: allowed = %s', async (_name, role, allowed, call) => {
    const result = await call(gw, staff.get(role)!, patientId, role);
    if (allowed) expect(result.errors?.map((e) => e.extensions?.code) ?? []).not.toContain('FORBIDDEN');
    else expect(errorCode(result)).toBe('FORBIDDEN');
  });

  it('refuses every domain operation to an anonymous caller with UNAUTHENTICATED', async () => {
    for (const [, , call] of MATRIX) {
      const result = await call(gw, { slug: 'matrix', token: '' }, patientId, 'ADMIN');
      expect(errorCode(result)).toBe('UNAUTHENTICATED');
    }
  });
});
