import {
  AddPatientContactDocument, AddPatientInsuranceDocument, ArchivedPatientsDocument, ArchivePatientDocument, CreateAppointmentDocument,
  CreateDepartmentDocument, CreatePatientDocument, OrderLabTestDocument, PatientAllergiesDocument, PatientDetailsDocument,
  RecordAllergyDocument, RemovePatientContactDocument, RestorePatientDocument, SearchDocument, SetPatientDepartmentDocument,
} from '../../e2e/generated/graphql';
import { errorCode, TestGateway } from '../../fixtures/gateway';
import { addStaff, at, type Staff } from '../../fixtures/staff';

describe('patient details, archive and search', () => {
  let gw: TestGateway;
  let admin: { slug: string; token: string };
  let receptionist: Staff;
  let doctor: Staff;
  const patient = async (firstName: string, lastName: string, mrn?: string) =>
    (await gw.gql(CreatePatientDocument, { input: { firstName, lastName, birthDate: '1975-05-05', mrn } }, admin)).data!.createPatient;

  beforeAll(async () => {
    gw = await TestGateway.start();
    admin = await gw.createTenant({ slug: 'details' });
    receptionist = await addStaff(gw, admin.slug, 'RECEPTIONIST');
    doctor = await addStaff(gw, admin.slug, 'DOCTOR');
  });
  afterAll(() => gw.stop());

  it('generates a unique MRN when none is given', async () => {
    const [one, two] = [await patient('Gen', 'Erated'), await patient('Gen', 'Erated')];
    expect(one.mrn).toMatch(/^MRN-[2-9A-Z]{8}$/);
    expect(one.mrn).not.toBe(two.mrn);
  });

  it('keeps contacts and insurance for the front desk, and allergies for clinicians only', async () => {
    const { id } = await patient('Con', 'Tact', 'CT-1');
    const contact = await gw.gql(AddPatientContactDocument, { input: { patientId: id, kind: 'PHONE', value: '+33 1 23 45 67 89', label: 'mobile' } }, receptionist);
    await gw.gql(AddPatientInsuranceDocument, { input: { patientId: id, provider: 'Mutuelle', policyNumber: 'P-42', validUntil: '2030-12-31' } }, receptionist);
    expect((await gw.gql(PatientDetailsDocument, { id }, receptionist)).data?.patient).toMatchObject({
      contacts: [{ kind: 'PHONE', label: 'mobile' }],
      insurances: [{ provider: 'Mutuelle', validUntil: '2030-12-31' }],
    });
    await gw.gql(RecordAllergyDocument, { input: { patientId: id, substance: 'Penicillin', severity: 'SEVERE' } }, doctor);
    expect((await gw.gql(PatientAllergiesDocument, { id }, doctor)).data?.patient?.allergies).toMatchObject([{ substance: 'Penicillin' }]);
    const hidden = await gw.gql(PatientAllergiesDocument, { id }, receptionist);
    expect(errorCode(hidden)).toBe('FORBIDDEN');
    expect(errorCode(await gw.gql(RecordAllergyDocument, { input: { patientId: id, substance: 'Latex', severity: 'MILD' } }, receptionist))).toBe('FORBIDDEN');
    await gw.gql(RemovePatientContactDocument, { id: contact.data!.addPatientContact.id }, receptionist);
    expect((await gw.gql(PatientDetailsDocument, { id }, receptionist)).data?.patient?.contacts).toEqual([]);
  });

  it('archives a patient out of lists and search, and restores them', async () => {
    const { id } = await patient('Archie', 'Vist', 'AR-1');
    await gw.gql(ArchivePatientDocument, { id }, receptionist);
    expect((await gw.gql(ArchivedPatientsDocument, { search: 'Vist' }, receptionist)).data?.patients.totalCount).toBe(0);
    expect((await gw.gql(ArchivedPatientsDocument, { search: 'Vist', includeArchived: true }, receptionist)).data?.patients.edges[0]?.node.archivedAt).toEqual(expect.any(String));
    expect((await gw.gql(SearchDocument, { query: 'Vist' }, receptionist)).data?.search).toEqual([]);
    expect(errorCode(await gw.gql(ArchivePatientDocument, { id }, receptionist))).toBe('CONFLICT');
    await gw.gql(RestorePatientDocument, { id }, receptionist);
    expect((await gw.gql(ArchivedPatientsDocument, { search: 'Vist' }, receptionist)).data?.patients.totalCount).toBe(1);
    expect(errorCode(await gw.gql(ArchivePatientDocument, { id }, doctor))).toBe('FORBIDDEN');
  });

  it('sets a primary department of the same hospital', async () => {
    const { id } = await patient('Dep', 'Artment', 'DP-1');
    const department = (await gw.gql(CreateDepartmentDocument, { input: { name: 'Neurology', code: 'NEUR' } }, admin)).data!.createDepartment;
    const set = await gw.gql(SetPatientDepartmentDocument, { id, departmentId: department.id }, receptionist);
    expect(set.data?.setPatientDepartment.department?.id).toBe(department.id);
  });

  it('matches names in any order and by prefix with full-text search', async () => {
    await patient('Marie', 'Curie-Sklodowska', 'MC-1');
    const words = await gw.gql(ArchivedPatientsDocument, { search: 'sklodowska marie' }, receptionist);
    expect(words.data?.patients.edges.map((e) => e.node.lastName)).toEqual(['Curie-Sklodowska']);
    const prefix = await gw.gql(ArchivedPatientsDocument, { search: 'Curi' }, receptionist);
    expect(prefix.data?.patients.edges.map((e) => e.node.lastName)).toEqual(['Curie-Sklodowska']);
  });

  it('returns hits best first and searches appointments and lab orders of the hospital by role', async () => {
    const exact = await patient('Rank', 'Someone', 'RANKED');
    await patient('Ranked', 'Ranked', 'OTHER-1');
    const hits = await gw.gql(SearchDocument, { query: 'ranked' }, receptionist);
    expect(hits.data?.search.length).toBeGreaterThanOrEqual(2);
    const scores = hits.data!.search.map((h) => h.score);
    expect(scores).toEqual([...scores].sort((x, y) => y - x));
    expect(hits.data?.search.map((h) => h.patient?.id)).toContain(exact.id);

    await gw.gql(CreateAppointmentDocument, { input: { patientId: exact.id, clinicianId: doctor.id, startsAt: at(3), endsAt: at(4) } }, receptionist);
    await gw.gql(OrderLabTestDocument, { input: { patientId: exact.id, testCode: '2345-7', testName: 'Glucose' } }, doctor);
    const asReceptionist = (await gw.gql(SearchDocument, { query: 'RANKED' }, receptionist)).data!.search.map((h) => h.kind);
    expect(asReceptionist).toContain('APPOINTMENT');
    expect(asReceptionist).not.toContain('LAB_ORDER');
    const asDoctor = (await gw.gql(SearchDocument, { query: 'glucose' }, doctor)).data!.search;
    expect(asDoctor.map((h) => h.labOrder?.testName)).toContain('Glucose');
  });
});
