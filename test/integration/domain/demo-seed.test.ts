import { seedDemoHospital, DEMO_PASSWORD } from '../../../src/modules/demo/demo-seed';
import { AppointmentsDocument, PatientOverviewDocument, PatientsDocument } from '../../e2e/generated/graphql';
import { TestGateway } from '../../fixtures/gateway';

describe('demo data', () => {
  let gw: TestGateway;

  beforeAll(async () => {
    gw = await TestGateway.start();
  });
  afterAll(() => gw.stop());

  it('creates a signed-in-ready demo hospital in the chosen mode, the same on every run', async () => {
    const first = await seedDemoHospital(gw.tenancy, { slug: 'demo-one', isolation: 'SCHEMA' as never, patients: 12, seed: 7 });
    const second = await seedDemoHospital(gw.tenancy, { slug: 'demo-two', isolation: 'DATABASE' as never, patients: 12, seed: 7 });
    expect(first.tenant.isolation).toBe('SCHEMA');
    expect(first.counts).toEqual(second.counts);
    expect(first.counts).toMatchObject({ patients: 12, staff: 9, departments: 5 });

    const names = async (slug: string) => {
      const token = await gw.login(`reception@${slug}.example`, DEMO_PASSWORD, slug);
      const list = await gw.gql(PatientsDocument, { first: 100 }, { slug, token });
      return list.data!.patients.edges.map((e) => `${e.node.mrn} ${e.node.firstName} ${e.node.lastName} ${e.node.birthDate}`);
    };
    const one = await names('demo-one');
    expect(one).toHaveLength(12);
    expect(one).toEqual(await names('demo-two'));

    const admin = { slug: 'demo-one', token: await gw.login('admin@demo-one.example', DEMO_PASSWORD, 'demo-one') };
    const overview = await gw.gql(PatientOverviewDocument, { first: 12 }, admin);
    expect(overview.errors).toBeUndefined();
    expect((await gw.gql(AppointmentsDocument, { first: 100 }, admin)).data?.appointments.totalCount).toBe(12);
  });
});
