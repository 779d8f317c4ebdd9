import { databaseFault, ServerNotAnsweringError } from '../../src/db/faults';
import { PoolRegistry } from '../../src/tenancy/pools';
import { testServerUrl } from '../fixtures/database';
import { FaultProxy } from '../fixtures/fault-proxy';
import { TestGateway } from '../fixtures/gateway';

/**
 * The connection budget against a server that stops answering: room for one pool only, so a pool
 * that held its place while it waited on the silent server would keep every other database waiting.
 */
describe('runtime pools of a server that stops answering', () => {
  let proxy: FaultProxy;
  let gw: TestGateway;
  let pools: PoolRegistry;
  let database: string;
  const east = () => ({ server: 'east', database });
  const main = () => ({ server: 'main', database });

  beforeAll(async () => {
    proxy = await FaultProxy.start(testServerUrl());
    const eastUrl = new URL(testServerUrl());
    eastUrl.pathname = '/postgres';
    // The gateway sets the runtime role up on both servers; the pools under test are this test's own.
    gw = await TestGateway.start({ TENANT_DATABASE_SERVERS: `east=${proxy.via(eastUrl.toString())}` });
    database = new URL(gw.databaseUrl).pathname.slice(1);
    pools = new PoolRegistry(gw.tenancy.servers, [], { maxOpen: 1, size: 1, budget: 1, statementTimeoutMs: 500, connectTimeoutMs: 500 });
  });
  afterAll(async () => {
    await pools?.closeAll();
    await gw?.stop();
    await proxy?.close();
  });

  const select = async (placement: { server: string; database: string }) => {
    const lease = await pools.acquire(placement);
    try {
      return await lease.orm.em.getConnection().execute('select 1 as one');
    } finally {
      lease.release();
    }
  };

  it('closes a pool whose server went silent, and opens the next database’s pool in its place', async () => {
    expect(await select(east())).toEqual([{ one: 1 }]);
    proxy.silenceOpen();
    void proxy.silenceNew();
    // The east pool's idle connection is never told goodbye back; its place is still given up.
    expect(await select(main())).toEqual([{ one: 1 }]);
    expect(pools.openPools).toBe(1);
  });

  it('gives up a new connection the server does not answer, marks the server, and refuses it at once afterwards', async () => {
    const first = await pools.acquire(east()).then(() => 'leased', (error: unknown) => error);
    expect(databaseFault(first)?.code).toBe('SERVICE_UNAVAILABLE');
    expect(pools.unavailableServers).toEqual(['east']);
    const again = await pools.acquire(east()).then(() => 'leased', (error: unknown) => error);
    expect(again).toBeInstanceOf(ServerNotAnsweringError);
    expect(databaseFault(again)?.code).toBe('SERVICE_UNAVAILABLE');
    // Its failed pool holds no place: the other database is served.
    expect(await select(main())).toEqual([{ one: 1 }]);
  });

  it('tries the server again once the wait is over, and serves it once it answers', async () => {
    proxy.answerNew();
    let result: unknown;
    for (let attempt = 0; attempt < 40 && !Array.isArray(result); attempt += 1) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, 250));
      result = await select(east()).catch((error: unknown) => error);
    }
    expect(result).toEqual([{ one: 1 }]);
    expect(pools.unavailableServers).toEqual([]);
  });
});
