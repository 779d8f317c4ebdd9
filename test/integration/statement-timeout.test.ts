import { runInTenant, type TenantRecord } from '../../src/tenancy';
import { TestGateway } from '../fixtures/gateway';

describe('statement timeout per request transaction', () => {
  let gw: TestGateway;
  let hospital: TenantRecord;

  beforeAll(async () => {
    gw = await TestGateway.start({ STATEMENT_TIMEOUT_MS: '300', DB_POOL_SIZE: '1' });
    await gw.createTenant({ slug: 'slow-queries' });
    hospital = (await gw.tenancy.store.bySlug('slow-queries'))!;
  });
  afterAll(() => gw.stop());

  const run = (sql: string) => runInTenant(gw.tenancy.pools, hospital, (em) => em.getConnection().execute(sql, [], 'all', em.getTransactionContext()));

  it('cancels a statement that runs past the timeout', async () => {
    await expect(run('select pg_sleep(2)')).rejects.toThrow(/statement timeout/);
  });

  it('returns the connection to the pool clean: the next transaction works and nothing leaks outside one', async () => {
    await expect(run('select pg_sleep(2)')).rejects.toThrow(/statement timeout/);
    expect(await run("select current_setting('statement_timeout') as t")).toEqual([{ t: '300ms' }]);
    const lease = await gw.tenancy.pools.acquire(hospital.placement);
    try {
      const outside = await lease.orm.em.fork().getConnection().execute("select current_setting('statement_timeout') as t, current_setting('app.tenant_id', true) as tenant");
      expect(outside).toEqual([{ t: '0', tenant: '' }]);
    } finally {
      lease.release();
    }
  });
});
