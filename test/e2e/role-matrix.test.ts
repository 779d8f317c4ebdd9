import { isObjectType, print } from 'graphql';
import { buildPublicSchema } from '../../src/graphql/schema';
import * as ops from './generated/graphql';
import { CreatePatientDocument } from './generated/graphql';
import { STAFF_PASSWORD, TestGateway } from '../fixtures/gateway';
import { apiKeyHeaders, createKey, createStaff, signIn, type Hospital } from '../fixtures/identity';
import { FIELD_MATRIX, KEY_ROLES, keyPrincipal, OPERATION_MATRIX, PRINCIPALS, type MatrixPrincipal } from '../fixtures/role-matrix';

/** What the test knows when it calls an operation. */
interface State {
  hospital: Hospital;
  patientId: string;
  victimId: string;
  /** A department whose only staff member is the victim. */
  departmentId: string;
  loginTarget: { email: string; password: string };
  /** A fresh refresh token of the login target. */
  freshRefreshToken(): Promise<string>;
}

interface Call {
  query: string;
  variables?(state: State): Promise<Record<string, unknown>> | Record<string, unknown>;
  /** Sign the principal in anew for this call (the operation ends the session it runs in). */
  freshSession?: boolean;
}

const NOBODY = '00000000-0000-4000-8000-000000000000';

/**
 * How to exercise each operation so that, once the shield lets it through, the resolver answers
 * without an authorization error: bad input, NOT_FOUND or a harmless success.
 */
const CALLS: Record<string, Call> = {
  'Query.me': { query: '{ me { id } }' },
  'Mutation.login': { query: 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }', variables: (s) => ({ e: s.loginTarget.email, p: s.loginTarget.password }) },
  'Mutation.refreshToken': { query: 'mutation($t: String!) { refreshToken(refreshToken: $t) { token } }', variables: async (s) => ({ t: await s.freshRefreshToken() }) },
  'Mutation.logout': { query: 'mutation { logout }', freshSession: true },
  'Mutation.changePassword': { query: 'mutation { changePassword(input: { currentPassword: "not the password", newPassword: "a new long password" }) }' },
  'Mutation.updateProfile': { query: 'mutation { updateProfile(input: { displayName: "Matrix" }) { id } }' },
  'Mutation.startMfaEnrollment': { query: 'mutation { startMfaEnrollment { uri } }' },
  'Mutation.confirmMfaEnrollment': { query: 'mutation { confirmMfaEnrollment(code: "not-a-code", password: "not the password") { id } }' },
  'Mutation.disableMfa': { query: 'mutation { disableMfa(code: "not-a-code") { id } }' },
  'Mutation.regenerateMfaRecoveryCodes': { query: 'mutation { regenerateMfaRecoveryCodes(password: "not the password") }' },
  'Query.users': { query: '{ users { totalCount } }' },
  'Mutation.createUser': { query: 'mutation { createUser(input: { email: "not-an-email", password: "short", role: NURSE }) { id } }' },
  'Mutation.setUserRoles': { query: 'mutation($id: ID!) { setUserRoles(id: $id, roles: [NURSE]) { id } }', variables: (s) => ({ id: s.victimId }) },
  'Mutation.deactivateUser': { query: `mutation { deactivateUser(id: "${NOBODY}") { id } }` },
  'Mutation.reactivateUser': { query: `mutation { reactivateUser(id: "${NOBODY}") { id } }` },
  'Mutation.resetPassword': { query: `mutation { resetPassword(id: "${NOBODY}", password: "a new long password") { id } }` },
  'Mutation.resetUserMfa': { query: `mutation { resetUserMfa(id: "${NOBODY}") { id } }` },
  'Query.apiKeys': { query: '{ apiKeys { totalCount } }' },
  'Mutation.createApiKey': { query: 'mutation { createApiKey(input: { name: "matrix", role: ADMIN }) { key } }' },
  'Mutation.revokeApiKey': { query: `mutation { revokeApiKey(id: "${NOBODY}") { id } }` },
  'Query.hospitalSettings': { query: '{ hospitalSettings { requireMfa } }' },
  'Mutation.updateHospitalSettings': { query: 'mutation { updateHospitalSettings(input: {}) { requireMfa } }' },
  'Query.patients': { query: '{ patients { totalCount } }' },
  'Query.patient': { query: 'query($id: ID!) { patient(id: $id) { id } }', variables: (s) => ({ id: s.patientId }) },
  'Mutation.createPatient': { query: 'mutation { createPatient(input: { firstName: "F", lastName: "L", birthDate: "2999-01-01", mrn: "M-1" }) { id } }' },
  'Mutation.updatePatient': { query: `mutation { updatePatient(id: "${NOBODY}", input: { lastName: "X" }) { id } }` },
  'Mutation.recordClinicalNotes': { query: `mutation { recordClinicalNotes(patientId: "${NOBODY}", notes: "n") { id } }` },
  // The hospital domain: ids that name nothing, so an allowed caller gets NOT_FOUND or a harmless answer.
  'Query.departments': { query: print(ops.DepartmentsDocument) },
  'Query.department': { query: print(ops.DepartmentDocument), variables: () => ({ id: NOBODY }) },
  'Query.search': { query: print(ops.SearchDocument), variables: () => ({ query: 'x' }) },
  'Mutation.createDepartment': { query: print(ops.CreateDepartmentDocument), variables: () => ({ input: { name: 'D', code: 'not a code!' } }) },
  'Mutation.updateDepartment': { query: print(ops.UpdateDepartmentDocument), variables: () => ({ id: NOBODY, input: { name: 'D' } }) },
  'Mutation.assignStaff': { query: print(ops.AssignStaffDocument), variables: () => ({ input: { userId: NOBODY, departmentId: NOBODY, jobTitle: 'x' } }) },
  'Mutation.unassignStaff': { query: print(ops.UnassignStaffDocument), variables: () => ({ id: NOBODY }) },
  'Query.appointments': { query: print(ops.AppointmentsDocument) },
  'Query.appointment': { query: print(ops.AppointmentDocument), variables: () => ({ id: NOBODY }) },
  'Mutation.createAppointment': { query: print(ops.CreateAppointmentDocument), variables: () => ({ input: { patientId: NOBODY, clinicianId: NOBODY, startsAt: '2031-01-01T10:00:00Z', endsAt: '2031-01-01T11:00:00Z' } }) },
  'Mutation.setAppointmentStatus': { query: print(ops.SetAppointmentStatusDocument), variables: () => ({ id: NOBODY, status: 'CANCELLED' }) },
  'Mutation.rescheduleAppointment': { query: print(ops.RescheduleAppointmentDocument), variables: () => ({ id: NOBODY, startsAt: '2031-01-01T10:00:00Z', endsAt: '2031-01-01T11:00:00Z' }) },
  'Mutation.addPatientContact': { query: print(ops.AddPatientContactDocument), variables: () => ({ input: { patientId: NOBODY, kind: 'PHONE', value: '1' } }) },
  'Mutation.removePatientContact': { query: print(ops.RemovePatientContactDocument), variables: () => ({ id: NOBODY }) },
  'Mutation.setPatientDepartment': { query: print(ops.SetPatientDepartmentDocument), variables: () => ({ id: NOBODY }) },
  'Mutation.archivePatient': { query: print(ops.ArchivePatientDocument), variables: () => ({ id: NOBODY }) },
  'Mutation.restorePatient': { query: print(ops.RestorePatientDocument), variables: () => ({ id: NOBODY }) },
  'Mutation.addPatientInsurance': { query: print(ops.AddPatientInsuranceDocument), variables: () => ({ input: { patientId: NOBODY, provider: 'x', policyNumber: '1' } }) },
  'Query.encounters': { query: print(ops.EncountersDocument), variables: () => ({ patientId: NOBODY }) },
  'Query.encounter': { query: print(ops.EncounterDocument), variables: () => ({ id: NOBODY }) },
  'Query.vitals': { query: print(ops.VitalsDocument), variables: () => ({ patientId: NOBODY }) },
  'Mutation.recordVitals': { query: print(ops.RecordVitalsDocument), variables: () => ({ input: { patientId: NOBODY, heartRate: 70 } }) },
  'Mutation.recordAllergy': { query: print(ops.RecordAllergyDocument), variables: () => ({ input: { patientId: NOBODY, substance: 'x', severity: 'MILD' } }) },
  'Mutation.createEncounter': { query: print(ops.CreateEncounterDocument), variables: () => ({ input: { patientId: NOBODY } }) },
  'Mutation.addDiagnosis': { query: print(ops.AddDiagnosisDocument), variables: () => ({ input: { encounterId: NOBODY, icd10Code: 'R05', description: 'x' } }) },
  'Mutation.prescribeMedication': { query: print(ops.PrescribeMedicationDocument), variables: () => ({ input: { encounterId: NOBODY, medication: 'x', dosage: '1', frequency: 'x' } }) },
  'Query.labOrders': { query: print(ops.LabOrdersDocument) },
  'Query.labOrder': { query: print(ops.LabOrderDocument), variables: () => ({ id: NOBODY }) },
  'Mutation.orderLabTest': { query: print(ops.OrderLabTestDocument), variables: () => ({ input: { patientId: NOBODY, testCode: 'x', testName: 'x' } }) },
  'Mutation.cancelLabOrder': { query: print(ops.CancelLabOrderDocument), variables: () => ({ id: NOBODY }) },
  'Mutation.collectLabSample': { query: print(ops.CollectLabSampleDocument), variables: () => ({ id: NOBODY }) },
  'Mutation.recordLabResult': { query: print(ops.RecordLabResultDocument), variables: () => ({ input: { labOrderId: NOBODY, analyte: 'x', value: '1' } }) },
  'Query.invoices': { query: print(ops.InvoicesDocument) },
  'Query.invoice': { query: print(ops.InvoiceDocument), variables: () => ({ id: NOBODY }) },
  'Mutation.createInvoice': { query: print(ops.CreateInvoiceDocument), variables: () => ({ input: { patientId: NOBODY } }) },
  'Mutation.addInvoiceLine': { query: print(ops.AddInvoiceLineDocument), variables: () => ({ input: { invoiceId: NOBODY, description: 'x', quantity: 1, unitPriceCents: 1 } }) },
  'Mutation.issueInvoice': { query: print(ops.IssueInvoiceDocument), variables: () => ({ id: NOBODY }) },
  'Mutation.voidInvoice': { query: print(ops.VoidInvoiceDocument), variables: () => ({ id: NOBODY }) },
  'Mutation.recordPayment': { query: print(ops.RecordPaymentDocument), variables: () => ({ input: { invoiceId: NOBODY, amountCents: 1, method: 'CASH' } }) },
  'Mutation.moveTenant': { query: 'mutation { moveTenant(slug: "no-such-hospital", to: SCHEMA) { from } }' },
  'Mutation.changeTenantPlan': { query: 'mutation { changeTenantPlan(slug: "no-such-hospital", plan: BASIC) { id } }' },
  'Mutation.changeTenantLimits': { query: 'mutation { changeTenantLimits(slug: "no-such-hospital", maxUsers: 1) { id } }' },
  'Query.auditLog': { query: '{ auditLog(first: 1) { totalCount } }' },
  'Mutation.requestDemo': { query: 'mutation { requestDemo(input: { hospitalName: "H", contactName: "C", email: "not-an-email" }) { id } }' },
  'Query.demoRequests': { query: '{ demoRequests { totalCount } }' },
  'Mutation.convertDemoToTenant': { query: `mutation { convertDemoToTenant(input: { demoRequestId: "${NOBODY}", slug: "demo-convert" }) { tenant { id } } }` },
  'Query.tenants': { query: '{ tenants { totalCount } }' },
  'Query.tenant': { query: '{ tenant(slug: "no-such-hospital") { id } }' },
  'Mutation.createTenant': { query: 'mutation { createTenant(input: { slug: "Not A Slug", name: "X", admin: { email: "a@b.test", password: "a long password!" } }) { id } }' },
  'Mutation.suspendTenant': { query: 'mutation { suspendTenant(slug: "no-such-hospital") { id } }' },
  'Mutation.resumeTenant': { query: 'mutation { resumeTenant(slug: "no-such-hospital") { id } }' },
  'Mutation.deleteTenant': { query: 'mutation { deleteTenant(slug: "no-such-hospital") { id } }' },
};

const DENIALS = new Set(['UNAUTHENTICATED', 'FORBIDDEN']);

/** Field rules on object-typed fields need a selection. */
const FIELD_SELECTIONS: Record<string, string> = {
  nextAppointments: 'nextAppointments { id }',
  appointments: 'appointments(first: 5) { id }',
  contacts: 'contacts { id }',
  insurances: 'insurances { id }',
  allergies: 'allergies { id }',
  latestLabResults: 'latestLabResults { id }',
};

/** Where each type with field rules is read: a query every staff role may run, and the object in its answer. */
interface FieldHost {
  operation: string;
  query(selection: string): string;
  variables(state: State): Record<string, unknown>;
  object(data: Record<string, unknown> | null | undefined): Record<string, unknown> | null | undefined;
  /** The object's path in an error. */
  path: string;
  /** A field every principal sees, and its value. */
  shown(state: State): [string, unknown];
}

const FIELD_HOSTS: Record<string, FieldHost> = {
  Patient: {
    operation: 'Query.patient',
    query: (selection) => `query($id: ID!) { patient(id: $id) { firstName ${selection} } }`,
    variables: (s) => ({ id: s.patientId }),
    object: (data) => data?.patient as Record<string, unknown> | null,
    path: 'patient',
    shown: () => ['firstName', 'Ada'],
  },
  // Another user (the victim) as a department's staff member: not the caller's own account.
  User: {
    operation: 'Query.department',
    query: (selection) => `query($id: ID!) { department(id: $id) { staff { user { id ${selection} } } } }`,
    variables: (s) => ({ id: s.departmentId }),
    object: (data) => (data?.department as { staff?: { user?: Record<string, unknown> }[] } | null)?.staff?.[0]?.user,
    path: 'department.staff.0.user',
    shown: (s) => ['id', s.victimId],
  },
};

interface Body {
  data?: Record<string, unknown> | null;
  errors?: { path?: (string | number)[]; extensions?: { code?: string } }[];
}

describe('role matrix', () => {
  let gw: TestGateway;
  let state: State;
  /** How each principal but anonymous signs its requests: a user's access token, or an API key. */
  const credentials = new Map<MatrixPrincipal, Record<string, string>>();
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  let schemaFields: string[];

  beforeAll(async () => {
    const schema = await buildPublicSchema();
    schemaFields = (['Query', 'Mutation'] as const).flatMap((type) => {
      const object = schema.getType(type);
      return isObjectType(object) ? Object.keys(object.getFields()).map((f) => `${type}.${f}`) : [];
    });
    gw = await TestGateway.start();
    const hospital = await gw.createTenant({ slug: 'matrix-general' });
    credentials.set('ADMIN', bearer(hospital.token));
    credentials.set('SUPERADMIN', bearer(await gw.platformToken()));
    for (const role of KEY_ROLES) {
      credentials.set(role, bearer((await createStaff(gw, hospital, role)).token));
      credentials.set(keyPrincipal(role), apiKeyHeaders((await createKey(gw, hospital, role)).key));
    }
    const victim = await createStaff(gw, hospital, 'NURSE', 'victim@matrix-general.test');
    const loginTarget = await createStaff(gw, hospital, 'RECEPTIONIST', 'login-target@matrix-general.test');
    const patient = await gw.gql(CreatePatientDocument, { input: { firstName: 'Ada', lastName: 'Byron', birthDate: '1915-12-10', mrn: 'AB-1' } }, hospital);
    const department = await gw.gql(ops.CreateDepartmentDocument, { input: { name: 'Wards', code: 'WARD' } }, hospital);
    await gw.gql(ops.AssignStaffDocument, { input: { userId: victim.id, departmentId: department.data!.createDepartment.id, jobTitle: 'Nurse' } }, hospital);
    state = {
      hospital,
      patientId: patient.data!.createPatient.id,
      victimId: victim.id,
      departmentId: department.data!.createDepartment.id,
      loginTarget,
      freshRefreshToken: async () => (await signIn(gw, loginTarget.email, loginTarget.password, hospital.slug)).refreshToken,
    };
  });
  afterAll(() => gw.stop());

  /** The principal's credentials; `fresh`, a new session for a user (an API key has no session). */
  async function headersFor(principal: MatrixPrincipal, fresh: boolean): Promise<Record<string, string>> {
    if (principal === 'anonymous') return {};
    if (!fresh || principal.endsWith(' key')) return credentials.get(principal)!;
    if (principal === 'SUPERADMIN') return bearer(await gw.platformToken());
    const email = `${principal.toLowerCase().replace('_', '-')}@${state.hospital.slug}.test`;
    return bearer((await signIn(gw, email, STAFF_PASSWORD, state.hospital.slug)).token);
  }

  async function call(key: string, principal: MatrixPrincipal, query: string, variables: Record<string, unknown>, fresh = false): Promise<Body> {
    const row = OPERATION_MATRIX[key]!;
    const headers = await headersFor(principal, fresh);
    // Hospital users and API keys always call from their own hospital; the others from where the operation lives.
    const inHospital = row.where === 'hospital' || (principal !== 'anonymous' && principal !== 'SUPERADMIN');
    const response = await gw.raw(inHospital ? `/t/${state.hospital.slug}/graphql` : '/graphql', { query, variables }, headers);
    return (await response.json()) as Body;
  }

  it('has a row for every Query and Mutation field of the schema, and no row for a field that is gone', () => {
    expect(schemaFields.filter((f) => !OPERATION_MATRIX[f])).toEqual([]);
    expect(Object.keys(OPERATION_MATRIX).filter((f) => !schemaFields.includes(f))).toEqual([]);
  });

  it('knows how to exercise every operation of the schema', () => {
    expect(schemaFields.filter((f) => !CALLS[f])).toEqual([]);
  });

  const cells = Object.keys(OPERATION_MATRIX).flatMap((key) => PRINCIPALS.map((principal) => [key, principal] as const));

  it.each(cells)('enforces %s for %s as the matrix says', async (key, principal) => {
    const recipe = CALLS[key]!;
    const field = key.split('.')[1]!;
    const body = await call(key, principal, recipe.query, (await recipe.variables?.(state)) ?? {}, recipe.freshSession);
    const denial = body.errors?.find((e) => e.path?.[0] === field && DENIALS.has(e.extensions?.code ?? ''));
    const allowed = OPERATION_MATRIX[key]!.allowed.includes(principal);
    expect({ key, principal, allowed: denial === undefined }).toEqual({ key, principal, allowed });
  });

  const fieldCells = Object.keys(FIELD_MATRIX).flatMap((key) =>
    OPERATION_MATRIX[FIELD_HOSTS[key.split('.')[0]!]!.operation]!.allowed.map((principal) => [key, principal] as const),
  );

  it.each(fieldCells)('enforces the field rule %s for %s, while the rest of the object comes back', async (key, principal) => {
    const [type, field] = key.split('.') as [string, string];
    const host = FIELD_HOSTS[type]!;
    const selection = FIELD_SELECTIONS[field] ?? field;
    const body = await call(host.operation, principal, host.query(selection), host.variables(state));
    const object = host.object(body.data);
    const [shownField, shownValue] = host.shown(state);
    expect(object?.[shownField]).toBe(shownValue);
    const denial = body.errors?.find((e) => e.path?.join('.') === `${host.path}.${field}`);
    const allowed = FIELD_MATRIX[key]!.includes(principal);
    expect({ principal, allowed: denial === undefined, code: denial?.extensions?.code ?? null }).toEqual({ principal, allowed, code: allowed ? null : 'FORBIDDEN' });
    if (!allowed) expect(object?.[field]).toBeNull();
  });

  it('shows a user their own account wherever it appears, though their role may not see others’', async () => {
    const victim = await signIn(gw, 'victim@matrix-general.test', STAFF_PASSWORD, state.hospital.slug);
    const host = FIELD_HOSTS.User!;
    const response = await gw.raw(`/t/${state.hospital.slug}/graphql`, { query: host.query('displayName email roles active mfaEnabled'), variables: host.variables(state) }, { authorization: `Bearer ${victim.token}` });
    const body = (await response.json()) as Body;
    expect(body.errors).toBeUndefined();
    expect(host.object(body.data)).toEqual({ id: state.victimId, displayName: '', email: 'victim@matrix-general.test', roles: ['NURSE'], active: true, mfaEnabled: false });
  });

  it('runs platform operations only on the platform host, even for SUPERADMIN', async () => {
    const response = await gw.raw(`/t/${state.hospital.slug}/graphql`, { query: '{ tenants { totalCount } }' }, credentials.get('SUPERADMIN'));
    const body = (await response.json()) as Body;
    expect(body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
