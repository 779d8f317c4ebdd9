import { Client } from 'pg';
import { MeDocument } from '../e2e/generated/graphql';
import { ownerQuery, testServerUrl } from '../fixtures/database';
import { TestGateway } from '../fixtures/gateway';

describe('runtime connection pools', () => {
  let gw: TestGateway;
  const hospitals: { slug: string; token: string }[] = [];

  /** Open connections of the runtime role to this gateway's databases, as PostgreSQL counts them. */
  const runtimeConnections = async (client: { query: Client['query'] }): Promise<number> => {
    const { rows } = await client.query<{ n: number }>(
      "select count(*)::int as n from pg_stat_activity where usename = 'sovereign_app' and datname like $1",
      [`${new URL(gw.databaseUrl).pathname.slice(1)}%`],
    );
    return rows[0]!.n;
  };

  beforeAll(async () => {
    // Three pools could stay open, but a budget of 4 connections at 2 per pool allows two at once.
    gw = await TestGateway.start({ DB_MAX_OPEN_POOLS: '3', DB_POOL_SIZE: '2', DB_CONNECTION_BUDGET: '4' });
    for (const slug of ['pool-one', 'pool-two', 'pool-three', 'pool-four', 'pool-five']) {
      hospitals.push(await gw.createTenant({ slug, isolation: 'DATABASE' }));
    }
  }, 90_000);
  afterAll(() => gw.stop());

  it('keeps at most budget ÷ pool size pools open, closing the least recently used', async () => {
    expect(gw.tenancy.pools.bounds).toMatchObject({ maxOpen: 2, size: 2, budget: 4 });
    for (let round = 0; round < 3; round += 1) {
      for (const hospital of hospitals) {
        const me = await gw.gql(MeDocument, {}, hospital);
        expect(me.data?.me?.tenant?.slug).toBe(hospital.slug);
        expect(gw.tenancy.pools.openPools).toBeLessThanOrEqual(2);
      }
    }
  });

  it('never has more runtime connections open than the budget while every hospital is busy', async () => {
    const sampler = new Client({ connectionString: testServerUrl() });
    await sampler.connect();
    let loading = true;
    let samples = 0;
    let most = 0;
    const sampling = (async () => {
      while (loading) {
        most = Math.max(most, await runtimeConnections(sampler));
        samples += 1;
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    try {
      // Four concurrent callers per hospital, ten requests each, all five hospitals at once.
      const callers = hospitals.flatMap((hospital) => Array.from({ length: 4 }, async () => {
        const slugs: (string | undefined)[] = [];
        for (let i = 0; i < 10; i += 1) slugs.push((await gw.gql(MeDocument, {}, hospital)).data?.me?.tenant?.slug);
        return slugs.every((slug) => slug === hospital.slug);
      }));
      expect(await Promise.all(callers)).toEqual(callers.map(() => true));
    } finally {
      loading = false;
      await sampling;
      await sampler.end();
    }
    expect(samples).toBeGreaterThan(0);
    expect(most).toBeGreaterThan(0);
    expect(most).toBeLessThanOrEqual(4);
  });

  it('keeps the runtime role’s open connections within the budget once the load is over', async () => {
    const [row] = await ownerQuery<{ n: number }>(
      "select count(*)::int as n from pg_stat_activity where usename = 'sovereign_app' and datname like $1",
      [`${new URL(gw.databaseUrl).pathname.slice(1)}%`],
    );
    expect(row!.n).toBeLessThanOrEqual(4);
  });
});
