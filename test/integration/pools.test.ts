import { MeDocument } from '../e2e/generated/graphql';
import { ownerQuery } from '../fixtures/database';
import { TestGateway } from '../fixtures/gateway';

describe('runtime connection pools', () => {
  let gw: TestGateway;
  const hospitals: { slug: string; token: string }[] = [];

  beforeAll(async () => {
    gw = await TestGateway.start({ DB_MAX_OPEN_POOLS: '2', DB_POOL_SIZE: '2' });
    for (const slug of ['pool-one', 'pool-two', 'pool-three', 'pool-four']) {
      hospitals.push(await gw.createTenant({ slug, isolation: 'DATABASE' }));
    }
  }, 60_000);
  afterAll(() => gw.stop());

  it('keeps at most the configured number of pools open, closing the least recently used', async () => {
    for (let round = 0; round < 3; round += 1) {
      for (const hospital of hospitals) {
        const me = await gw.gql(MeDocument, {}, hospital);
        expect(me.data?.me?.tenant?.slug).toBe(hospital.slug);
        expect(gw.tenancy.pools.openPools).toBeLessThanOrEqual(2);
      }
    }
  });

  it('keeps the runtime role’s open connections within pools × pool size', async () => {
    await Promise.all(hospitals.flatMap((h) => Array.from({ length: 5 }, () => gw.gql(MeDocument, {}, h))));
    await new Promise((r) => setTimeout(r, 200));
    const [row] = await ownerQuery<{ n: number }>(
      "select count(*)::int as n from pg_stat_activity where usename = 'sovereign_app' and datname like $1",
      [`${new URL(gw.databaseUrl).pathname.slice(1)}%`],
    );
    expect(row!.n).toBeLessThanOrEqual(2 * 2);
  });
});
