import { runCli } from '../fixtures/cli';
import { ownerQuery } from '../fixtures/database';
import { TestGateway } from '../fixtures/gateway';
import { LISTENER_NAME } from '../../src/tenancy/resolution/catalog-listener';

const databaseOf = (gw: TestGateway) => new URL(gw.databaseUrl).pathname.slice(1);

/** The listening connections open in `gw`'s main database, once the server has seen every close. */
async function listenersOf(gw: TestGateway, expected: number): Promise<number> {
  let count = -1;
  for (let n = 0; n < 40 && count !== expected; n += 1) {
    if (n > 0) await new Promise((r) => setTimeout(r, 50));
    const [row] = await ownerQuery<{ n: number }>('select count(*)::int as n from pg_stat_activity where datname = $1 and application_name = $2', [databaseOf(gw), LISTENER_NAME]);
    count = row!.n;
  }
  return count;
}

/** Gateways without REDIS_URL: catalog changes travel by LISTEN/NOTIFY in the main database. */
describe('catalog invalidation bus without Redis', () => {
  let one: TestGateway;
  let other: TestGateway;

  beforeAll(async () => {
    one = await TestGateway.start();
    other = await TestGateway.start();
  });
  afterAll(async () => {
    await other?.stop();
    await one?.stop();
  });

  it('holds one listening connection per gateway process', async () => {
    expect(await listenersOf(one, 1)).toBe(1);
  });

  it('does not carry a change to a gateway of another deployment (another main database)', async () => {
    const hospital = await one.createTenant({ slug: 'bus-deployment' });
    const heardHere = jest.spyOn(one.tenancy.store, 'dropLocal');
    const heardThere = jest.spyOn(other.tenancy.store, 'dropLocal');
    const clearedThere = jest.spyOn(other.tenancy.store, 'clear');
    try {
      expect((await runCli(one.databaseUrl, ['suspend-tenant', 'bus-deployment'])).code).toBe(0);
      for (let n = 0; n < 50 && heardHere.mock.calls.length === 0; n += 1) await new Promise((r) => setTimeout(r, 20));
      expect(heardHere).toHaveBeenCalledWith(hospital.id);
      await new Promise((r) => setTimeout(r, 300)); // time enough for a leak to arrive
      expect(heardThere).not.toHaveBeenCalled();
      expect(clearedThere).not.toHaveBeenCalled();
    } finally {
      jest.restoreAllMocks();
    }
  });

  it('closes its listening connection when it stops', async () => {
    const gw = await TestGateway.start();
    expect(await listenersOf(gw, 1)).toBe(1);
    await gw.stop();
    expect(await listenersOf(gw, 0)).toBe(0);
  });
});
