import { errorCode, TestGateway } from '../fixtures/gateway';
import { apiKeyHeaders, createKey, createStaff, type Hospital } from '../fixtures/identity';
import { at } from '../fixtures/staff';
import {
  ApiKeysDocument, CreateApiKeyDocument, CreateAppointmentDocument, CreatePatientDocument, LogoutDocument, MeDocument, OrderLabTestDocument,
  PatientWithNotesDocument, SearchDocument, UsersDocument,
} from './generated/graphql';

describe('API keys', () => {
  let gw: TestGateway;
  let hospital: Hospital;

  beforeAll(async () => {
    gw = await TestGateway.start();
    hospital = await gw.createTenant({ slug: 'keys-general' });
  });
  afterAll(() => gw.stop());

  it('shows the key once, at creation, and never in the list', async () => {
    const { id, key } = await createKey(gw, hospital, 'LAB_TECH', 'analyser');
    expect(key).toMatch(/^sov_[0-9a-f]{32}_[A-Za-z0-9_-]{43}$/);
    const list = await gw.gql(ApiKeysDocument, {}, hospital);
    const listed = list.data?.apiKeys.edges.find((e) => e.node.id === id)?.node;
    expect(listed).toMatchObject({ name: 'analyser', role: 'LAB_TECH', revokedAt: null });
    expect(JSON.stringify(list)).not.toContain(key.slice(-43));
    expect(key.startsWith(listed!.prefix)).toBe(true);
  });

  it('acts with the key’s one role, field rules included', async () => {
    const { key } = await createKey(gw, hospital, 'RECEPTIONIST', 'front desk kiosk');
    const headers = { 'x-api-key': key };
    const created = await gw.gql(CreatePatientDocument, { input: { firstName: 'Kai', lastName: 'Osk', birthDate: '1990-01-01', mrn: 'K-1' } }, { slug: hospital.slug, headers });
    expect(created.data?.createPatient.mrn).toBe('K-1');
    const read = await gw.gql(PatientWithNotesDocument, { id: created.data!.createPatient.id }, { slug: hospital.slug, headers });
    expect(read.data?.patient).toMatchObject({ lastName: 'Osk', clinicalNotes: null });
    expect(errorCode(read)).toBe('FORBIDDEN');
    expect(errorCode(await gw.gql(UsersDocument, {}, { slug: hospital.slug, headers }))).toBe('FORBIDDEN');
  });

  it('searches every kind of record its role may read', async () => {
    const doctor = await createStaff(gw, hospital, 'DOCTOR', 'search-doctor@keys-general.test');
    const created = await gw.gql(CreatePatientDocument, { input: { firstName: 'Quill', lastName: 'Searchable', birthDate: '1980-02-02', mrn: 'Q-1' } }, hospital);
    const patientId = created.data!.createPatient.id;
    await gw.gql(CreateAppointmentDocument, { input: { patientId, clinicianId: doctor.id, startsAt: at(3), endsAt: at(4) } }, hospital);
    await gw.gql(OrderLabTestDocument, { input: { patientId, testCode: '2345-7', testName: 'Glucose' } }, { slug: hospital.slug, token: doctor.token });
    const kindsFor = async (role: 'DOCTOR' | 'LAB_TECH' | 'BILLING') => {
      const { key } = await createKey(gw, hospital, role, `${role} search`);
      const hits = await gw.gql(SearchDocument, { query: 'Searchable' }, { slug: hospital.slug, headers: apiKeyHeaders(key) });
      return new Set(hits.data!.search.map((h) => h.kind));
    };
    expect(await kindsFor('DOCTOR')).toEqual(new Set(['PATIENT', 'APPOINTMENT', 'LAB_ORDER']));
    expect(await kindsFor('LAB_TECH')).toEqual(new Set(['PATIENT', 'LAB_ORDER']));
    expect(await kindsFor('BILLING')).toEqual(new Set(['PATIENT']));
  });

  it('has no account: a key cannot sign out or manage itself', async () => {
    const { key } = await createKey(gw, hospital, 'BILLING', 'ledger');
    expect(errorCode(await gw.gql(LogoutDocument, {}, { slug: hospital.slug, headers: apiKeyHeaders(key) }))).toBe('FORBIDDEN');
  });

  it('refuses an ADMIN key and a second active key of the same name', async () => {
    const admin = await gw.gql(CreateApiKeyDocument, { input: { name: 'root', role: 'ADMIN' } }, hospital);
    expect(admin.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { role: expect.any(String) } });
    await createKey(gw, hospital, 'NURSE', 'ward monitor');
    const duplicate = await gw.gql(CreateApiKeyDocument, { input: { name: 'Ward Monitor', role: 'NURSE' } }, hospital);
    expect(errorCode(duplicate)).toBe('CONFLICT');
  });

  it.each([
    ['a malformed key', { authorization: 'ApiKey not-a-key' }],
    ['a well-formed key that does not exist', { authorization: `ApiKey sov_${'0'.repeat(32)}_${'A'.repeat(43)}` }],
    ['a token and a key at once', { authorization: 'Bearer x', 'x-api-key': 'y' }],
    ['an unknown scheme', { authorization: 'Basic dXNlcjpwYXNz' }],
  ])('refuses %s with UNAUTHENTICATED', async (_name, headers) => {
    const result = await gw.gql(MeDocument, {}, { slug: hospital.slug, headers });
    expect(errorCode(result)).toBe('UNAUTHENTICATED');
    expect(result.status).toBe(401);
  });

  it('refuses a real key with a wrong secret', async () => {
    const { key } = await createKey(gw, hospital, 'DOCTOR', 'tampered');
    const tampered = `${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`;
    expect(errorCode(await gw.gql(MeDocument, {}, { slug: hospital.slug, headers: apiKeyHeaders(tampered) }))).toBe('UNAUTHENTICATED');
  });
});
