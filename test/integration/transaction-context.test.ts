import { Patient } from '../../src/modules/patients/patient.entity';
import { runInTenant } from '../../src/tenancy';
import { TestGateway } from '../fixtures/gateway';

describe('transaction contexts of the catalog and the hospitals', () => {
  let gw: TestGateway;

  beforeAll(async () => {
    gw = await TestGateway.start();
    await gw.createTenant({ slug: 'ctx-hospital', isolation: 'SCHEMA' });
  });
  afterAll(() => gw.stop());

  it('keeps hospital work on the hospital placement when it runs inside a catalog transaction', async () => {
    const record = (await gw.tenancy.store.bySlug('ctx-hospital'))!;
    const count = await gw.tenancy.central.em.fork().transactional(() => runInTenant(gw.tenancy.pools, record, (em) => em.count(Patient, {})));
    expect(count).toBe(0);
  });
});
