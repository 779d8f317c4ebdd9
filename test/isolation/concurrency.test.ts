import { CreatePatientDocument, PatientsDocument, type Isolation } from '../e2e/generated/graphql';
import { TestGateway } from '../fixtures/gateway';

const TENANTS = 20;
const REQUESTS = 500;
const MODES: Isolation[] = ['SHARED', 'SCHEMA', 'DATABASE'];

describe('500 interleaved concurrent requests over 20 hospitals of mixed modes', () => {
  let gw: TestGateway;
  const hospitals: { slug: string; token: string }[] = [];

  beforeAll(async () => {
    gw = await TestGateway.start({ DB_MAX_OPEN_POOLS: '10', DB_POOL_SIZE: '5' });
    for (let i = 0; i < TENANTS; i += 1) {
      const slug = `crowd-${String(i).padStart(2, '0')}`;
      const hospital = await gw.createTenant({ slug, isolation: MODES[i % MODES.length]! });
      for (const n of [1, 2]) {
        await gw.gql(CreatePatientDocument, { input: { firstName: `P${n}`, lastName: slug, birthDate: '1990-01-01', mrn: `${slug}-${n}` } }, hospital);
      }
      hospitals.push(hospital);
    }
  }, 180_000);
  afterAll(() => gw.stop());

  it('answers every request with its own hospital’s rows only', async () => {
    const results = await Promise.all(
      Array.from({ length: REQUESTS }, async (_, i) => {
        const hospital = hospitals[(i * 7) % TENANTS]!;
        if (i % 5 === 0) {
          const created = await gw.gql(CreatePatientDocument, { input: { firstName: `C${i}`, lastName: hospital.slug, birthDate: '1990-01-01', mrn: `c-${i}` } }, hospital);
          return { hospital, lastNames: created.data ? [created.data.createPatient.lastName] : [], errors: created.errors };
        }
        const list = await gw.gql(PatientsDocument, { first: 100 }, hospital);
        return { hospital, lastNames: list.data?.patients.edges.map((e) => e.node.lastName) ?? [], errors: list.errors };
      }),
    );
    for (const { hospital, lastNames, errors } of results) {
      expect(errors).toBeUndefined();
      expect(lastNames.length).toBeGreaterThan(0);
      expect(new Set(lastNames)).toEqual(new Set([hospital.slug]));
    }
    expect(gw.tenancy.pools.openPools).toBeLessThanOrEqual(10);
  }, 120_000);
});
