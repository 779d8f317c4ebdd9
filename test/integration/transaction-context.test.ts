import { Patient } from '../../src/modules/patients/patient.entity';
import { runInTenant, TenantSessionEndedError } from '../../src/tenancy';
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

  it('refuses a hospital session used after it ended, to sign in or to work, as ended', async () => {
    const record = (await gw.tenancy.store.bySlug('ctx-hospital'))!;
    const session = gw.tenancy.session(record);
    await session.end(false); // as when its client leaves before it opens
    const signedIn = { userId: '00000000-0000-4000-8000-000000000001', sessionId: '00000000-0000-4000-8000-000000000002' };
    await expect(session.enterAs(signedIn)).rejects.toBeInstanceOf(TenantSessionEndedError);
    await expect(session.em()).rejects.toBeInstanceOf(TenantSessionEndedError);
  });
});
