import type { Isolation, PatientsQuery } from '../e2e/generated/graphql';
import { CreatePatientDocument, PatientDocument, PatientsDocument, UpdatePatientDocument } from '../e2e/generated/graphql';
import { errorCode, TestGateway, type GqlResult } from '../fixtures/gateway';

const MODES: Isolation[] = ['SHARED', 'SCHEMA', 'DATABASE'];

describe.each(MODES)('hospitals A and B in %s isolation', (mode) => {
  let gw: TestGateway;
  let a: { slug: string; token: string };
  let b: { slug: string; token: string };
  let bPatient: { id: string; mrn: string };

  beforeAll(async () => {
    gw = await TestGateway.start();
    a = await gw.createTenant({ slug: 'hospital-a', isolation: mode });
    b = await gw.createTenant({ slug: 'hospital-b', isolation: mode });
    await gw.gql(CreatePatientDocument, { input: { firstName: 'Alice', lastName: 'Ashford', birthDate: '1970-03-04', mrn: 'A-1' } }, a);
    const created = await gw.gql(CreatePatientDocument, { input: { firstName: 'Bob', lastName: 'Brennan', birthDate: '1981-05-06', mrn: 'B-1' } }, b);
    bPatient = created.data!.createPatient;
  });
  afterAll(() => gw.stop());

  it('lists only A’s patients to A', async () => {
    const list = await gw.gql(PatientsDocument, { first: 100 }, a);
    expect(list.data?.patients.totalCount).toBe(1);
    expect(list.data?.patients.edges.map((e) => e.node.lastName)).toEqual(['Ashford']);
  });

  it.each(['Brennan', 'Bob', 'B-1'])('finds nothing of B when A searches for "%s"', async (search) => {
    const list = await gw.gql(PatientsDocument, { search }, a);
    expect(list.data?.patients).toMatchObject({ totalCount: 0, edges: [] });
  });

  it('returns null for B’s patient by id, exactly as for an id that does not exist', async () => {
    const foreign = await gw.gql(PatientDocument, { id: bPatient.id }, a);
    const missing = await gw.gql(PatientDocument, { id: '00000000-0000-4000-8000-000000000000' }, a);
    expect(foreign).toEqual(missing);
    expect(foreign.data?.patient).toBeNull();
  });

  it('fails an update of B’s patient with NOT_FOUND, like a missing row, and changes nothing', async () => {
    const missingId = '00000000-0000-4000-8000-000000000000';
    const foreign = await gw.gql(UpdatePatientDocument, { id: bPatient.id, input: { lastName: 'Hijacked' } }, a);
    const missing = await gw.gql(UpdatePatientDocument, { id: missingId, input: { lastName: 'Hijacked' } }, a);
    expect(errorCode(foreign)).toBe('NOT_FOUND');
    expect(JSON.stringify(foreign).replace(bPatient.id, 'ID')).toBe(JSON.stringify(missing).replace(missingId, 'ID'));
    const still = await gw.gql(PatientDocument, { id: bPatient.id }, b);
    expect(still.data?.patient?.lastName).toBe('Brennan');
  });

  it('lets A reuse B’s MRN without any hint that B has it', async () => {
    const created = await gw.gql(CreatePatientDocument, { input: { firstName: 'Cy', lastName: 'Cole', birthDate: '1990-01-01', mrn: bPatient.mrn } }, a);
    expect(created.errors).toBeUndefined();
    const duplicate = await gw.gql(CreatePatientDocument, { input: { firstName: 'Di', lastName: 'Dale', birthDate: '1990-01-01', mrn: bPatient.mrn } }, a);
    expect(errorCode(duplicate)).toBe('CONFLICT');
  });

  it('pages through A’s patients with stable cursors and never reaches B’s', async () => {
    for (const n of [1, 2, 3]) {
      await gw.gql(CreatePatientDocument, { input: { firstName: `P${n}`, lastName: `Page${n}`, birthDate: '2000-01-01', mrn: `PG-${n}` } }, a);
    }
    const seen: string[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 10; pages += 1) {
      const result: GqlResult<PatientsQuery> = await gw.gql(PatientsDocument, { first: 2, after }, a);
      const connection = result.data!.patients;
      seen.push(...connection.edges.map((e) => e.node.lastName));
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor ?? null;
    }
    expect(seen).toEqual(['Ashford', 'Cole', 'Page1', 'Page2', 'Page3']);
  });
});
