import { CreatePatientDocument, PatientDocument, PatientsDocument, UpdatePatientDocument } from './generated/graphql';
import { errorCode, TestGateway } from '../fixtures/gateway';
import { addStaff, at } from '../fixtures/staff';

describe('patients over HTTP', () => {
  let gw: TestGateway;
  let hospital: { slug: string; token: string };
  const valid = { firstName: 'Grace', lastName: 'Hopper', birthDate: '1906-12-09', mrn: 'GH-1' };

  beforeAll(async () => {
    gw = await TestGateway.start();
    hospital = await gw.createTenant({ slug: 'input-checks' });
  });
  afterAll(() => gw.stop());

  it.each([
    ['an empty first name', { firstName: '' }, 'firstName'],
    ['an MRN with spaces', { mrn: 'A B' }, 'mrn'],
    ['a birth date in the future', { birthDate: '2999-01-01' }, 'birthDate'],
  ])('refuses %s with BAD_USER_INPUT naming the field, storing nothing', async (_why, change, field) => {
    const result = await gw.gql(CreatePatientDocument, { input: { ...valid, ...change } }, hospital);
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(Object.keys(result.errors?.[0]?.extensions?.fields as object)).toContain(field);
    const list = await gw.gql(PatientsDocument, {}, hospital);
    expect(list.data?.patients.totalCount).toBe(0);
  });

  it('refuses a malformed date and wrong types with BAD_USER_INPUT', async () => {
    const badDate = await gw.gql(CreatePatientDocument, { input: { ...valid, birthDate: '1980-13-45' } }, hospital);
    expect(errorCode(badDate)).toBe('BAD_USER_INPUT');
    const response = await gw.raw(`/t/${hospital.slug}/graphql`, { query: '{ patients(first: "ten") { totalCount } }' }, { authorization: `Bearer ${hospital.token}` });
    const body = (await response.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors[0]!.extensions.code).toBe('BAD_USER_INPUT');
  });

  it('treats an id that is not a UUID as a missing row', async () => {
    expect((await gw.gql(PatientDocument, { id: "1' or '1'='1" }, hospital)).data?.patient).toBeNull();
    expect(errorCode(await gw.gql(UpdatePatientDocument, { id: 'nope', input: { lastName: 'X' } }, hospital))).toBe('NOT_FOUND');
  });

  it('caps page size at 100 and refuses a page size below 1', async () => {
    const capped = await gw.gql(PatientsDocument, { first: 1000 }, hospital);
    expect(capped.errors).toBeUndefined();
    expect(errorCode(await gw.gql(PatientsDocument, { first: 0 }, hospital))).toBe('BAD_USER_INPUT');
    expect(errorCode(await gw.gql(PatientsDocument, { after: 'not-a-cursor' }, hospital))).toBe('BAD_USER_INPUT');
  });

  it('updates only the fields given and refuses a duplicate MRN without changing anything', async () => {
    const first = (await gw.gql(CreatePatientDocument, { input: valid }, hospital)).data!.createPatient;
    const second = (await gw.gql(CreatePatientDocument, { input: { ...valid, mrn: 'GH-2' } }, hospital)).data!.createPatient;
    const renamed = await gw.gql(UpdatePatientDocument, { id: second.id, input: { firstName: 'Anita' } }, hospital);
    expect(renamed.data?.updatePatient).toMatchObject({ firstName: 'Anita', lastName: 'Hopper', mrn: 'GH-2' });
    const clash = await gw.gql(UpdatePatientDocument, { id: second.id, input: { mrn: first.mrn, lastName: 'Borg' } }, hospital);
    expect(errorCode(clash)).toBe('CONFLICT');
    expect((await gw.gql(PatientDocument, { id: second.id }, hospital)).data?.patient).toMatchObject({ mrn: 'GH-2', lastName: 'Hopper' });
  });

  it('writes nothing from a mutation request that reports an error', async () => {
    await gw.gql(CreatePatientDocument, { input: { ...valid, mrn: 'DUP-1' } }, hospital);
    const response = await gw.raw(
      `/t/${hospital.slug}/graphql`,
      {
        query: `mutation {
          good: createPatient(input: { firstName: "B", lastName: "Fine", birthDate: "1990-01-01", mrn: "GH-9" }) { mrn }
          bad: createPatient(input: { firstName: "A", lastName: "Dup", birthDate: "1990-01-01", mrn: "DUP-1" }) { id }
        }`,
      },
      { authorization: `Bearer ${hospital.token}` },
    );
    const body = (await response.json()) as { data: unknown; errors: { extensions: { code: string } }[] };
    expect(body.errors.map((e) => e.extensions.code)).toEqual(['CONFLICT']);
    expect(body.data).toBeNull();
    const search = await gw.gql(PatientsDocument, { search: 'GH-9' }, hospital);
    expect(search.data?.patients.totalCount).toBe(0);
  });

  it('answers data null, with the error kept, for a mutation rolled back over a field of its answer the caller may not read', async () => {
    const post = async (token: string, query: string) => {
      const response = await gw.raw(`/t/${hospital.slug}/graphql`, { query }, { authorization: `Bearer ${token}` });
      return (await response.json()) as { data: unknown; errors?: { path: string[]; extensions: { code: string } }[] };
    };
    const receptionist = await addStaff(gw, hospital.slug, 'RECEPTIONIST', 'front-desk');
    const ghost = await post(receptionist.token, 'mutation { createPatient(input: { firstName: "Ghost", lastName: "Curl", birthDate: "1990-01-01", mrn: "GHOST-1" }) { id mrn clinicalNotes } }');
    expect(ghost.errors?.map((e) => [e.extensions.code, e.path.join('.')])).toEqual([['FORBIDDEN', 'createPatient.clinicalNotes']]);
    expect(ghost.data).toBeNull();
    expect((await gw.gql(PatientsDocument, { search: 'GHOST-1' }, hospital)).data?.patients.totalCount).toBe(0);

    const [nurse, doctor] = [await addStaff(gw, hospital.slug, 'NURSE', 'ward'), await addStaff(gw, hospital.slug, 'DOCTOR', 'clinic')];
    const patientId = (await gw.gql(CreatePatientDocument, { input: { ...valid, mrn: 'BOOKED-1' } }, hospital)).data!.createPatient.id;
    const booking = await post(nurse.token, `mutation { createAppointment(input: { patientId: "${patientId}", clinicianId: "${doctor.id}", startsAt: "${at(1)}", endsAt: "${at(2)}" }) { id status clinician { roles } } }`);
    expect(booking.errors?.map((e) => [e.extensions.code, e.path.join('.')])).toEqual([['FORBIDDEN', 'createAppointment.clinician.roles']]);
    expect(booking.data).toBeNull();
    const appointments = await post(hospital.token, '{ appointments(first: 5) { totalCount } }');
    expect(appointments.data).toEqual({ appointments: { totalCount: 0 } });
  });

  it('lets a platform admin work inside a hospital', async () => {
    const platform = await gw.platformToken();
    const created = await gw.gql(CreatePatientDocument, { input: { ...valid, mrn: 'PA-1' } }, { slug: hospital.slug, token: platform });
    expect(created.data?.createPatient.mrn).toBe('PA-1');
  });
});
