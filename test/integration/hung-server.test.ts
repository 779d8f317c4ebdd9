import { CreatePatientDocument, PatientsDocument } from '../e2e/generated/graphql';
import { testServerUrl } from '../fixtures/database';
import { FaultProxy } from '../fixtures/fault-proxy';
import { errorCode, TestGateway, type GqlResult } from '../fixtures/gateway';

/**
 * A database server that accepts connections and never answers (a stopped or wedged host) holds up
 * only its own hospitals: they are answered SERVICE_UNAVAILABLE, the hospitals on other servers are
 * served as usual, and the gateway serves the hung server's hospitals again once it answers. The
 * "east" server is the test server behind a proxy that can fall silent.
 */
describe('a database server that accepts connections and never answers', () => {
  let proxy: FaultProxy;
  let gw: TestGateway;
  type Hospital = { slug: string; token: string };
  let hung: Hospital[];
  let healthy: Hospital;
  let n = 0;
  let settings: Record<string, string>;

  beforeAll(async () => {
    proxy = await FaultProxy.start(testServerUrl());
    const east = new URL(testServerUrl());
    east.pathname = '/postgres';
    settings = {
      TENANT_DATABASE_SERVERS: `east=${proxy.via(east.toString())}`,
      // Room for two pools: the hung server's hospitals could take every one of them.
      DB_MAX_OPEN_POOLS: '2',
      DB_POOL_SIZE: '2',
      DB_CONNECTION_BUDGET: '4',
      DB_CONNECT_TIMEOUT_MS: '1000',
      STATEMENT_TIMEOUT_MS: '1000',
      REQUEST_DEADLINE_MS: '15000',
    };
    gw = await TestGateway.start(settings);
    hung = [await gw.createTenant({ slug: 'hung-one', isolation: 'DATABASE', server: 'east' }), await gw.createTenant({ slug: 'hung-two', isolation: 'DATABASE', server: 'east' })];
    healthy = await gw.createTenant({ slug: 'well-kept', isolation: 'DATABASE' });
  }, 90_000);
  afterAll(async () => {
    await gw?.stop();
    await proxy?.close();
  });

  const read = (hospital: Hospital) => gw.gql(PatientsDocument, { first: 5 }, hospital);
  const write = (hospital: Hospital) =>
    gw.gql(CreatePatientDocument, { input: { firstName: 'Hung', lastName: 'Up', birthDate: '1990-01-01', mrn: `H-${++n}` } }, hospital);
  const outcome = (result: GqlResult<unknown>) => ({ status: result.status, code: errorCode(result) });
  const UNAVAILABLE = { status: 503, code: 'SERVICE_UNAVAILABLE' };

  it('serves the hospitals on a healthy server while the hung one’s are answered SERVICE_UNAVAILABLE', async () => {
    for (const hospital of [...hung, healthy]) expect(outcome(await read(hospital))).toEqual({ status: 200, code: undefined });
    proxy.silenceOpen();
    void proxy.silenceNew();

    const stuck = hung.flatMap((hospital) => [read(hospital), write(hospital), read(hospital)]);
    const served = [await read(healthy), await write(healthy)];
    const count = await read(healthy);
    expect([...served, count].map(outcome)).toEqual([...served, count].map(() => ({ status: 200, code: undefined })));
    expect(count.data?.patients.totalCount).toBe(1);
    expect((await Promise.all(stuck)).map(outcome)).toEqual(stuck.map(() => UNAVAILABLE));

    // Asked again while it still hangs: refused as unavailable, and the healthy server still served.
    const again = await Promise.all(hung.map(read));
    expect(again.map(outcome)).toEqual(again.map(() => UNAVAILABLE));
    expect(outcome(await write(healthy))).toEqual({ status: 200, code: undefined });
  });

  it('keeps /readyz at 200, naming the server that does not answer', async () => {
    const ready = await fetch(`${gw.baseUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', unavailableServers: ['east'] });
  });

  it('serves the hung server’s hospitals again by itself once it answers', async () => {
    proxy.answerNew();
    let last: GqlResult<unknown> | undefined;
    for (let attempt = 0; attempt < 100 && last?.status !== 200; attempt += 1) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, 250));
      last = await read(hung[0]!);
    }
    expect(outcome(last!)).toEqual({ status: 200, code: undefined });
    for (const hospital of hung) expect(outcome(await write(hospital))).toEqual({ status: 200, code: undefined });
    expect(await (await fetch(`${gw.baseUrl}/readyz`)).json()).toEqual({ status: 'ready' });
  });

  it('marks the server when a statement on an open connection goes unanswered, and no catalog read follows each refusal', async () => {
    expect(outcome(await read(hung[0]!))).toEqual({ status: 200, code: undefined }); // its pool open
    proxy.silenceOpen(); // new connections are still answered
    expect(outcome(await read(hung[0]!))).toEqual(UNAVAILABLE);
    expect(await (await fetch(`${gw.baseUrl}/readyz`)).json()).toEqual({ status: 'ready', unavailableServers: ['east'] });
    const lookups = jest.spyOn(gw.tenancy.store, 'byId');
    try {
      expect(outcome(await read(hung[1]!))).toEqual(UNAVAILABLE);
      expect(lookups).not.toHaveBeenCalled();
    } finally {
      lookups.mockRestore();
    }
  });

  it('starts another replica (migrating on start) while the server hangs, serving the other hospitals', async () => {
    proxy.silenceOpen();
    void proxy.silenceNew();
    const replica = await TestGateway.start(settings, gw.databaseUrl);
    try {
      expect(outcome(await replica.gql(PatientsDocument, { first: 5 }, healthy))).toEqual({ status: 200, code: undefined });
      expect(outcome(await replica.gql(PatientsDocument, { first: 5 }, hung[0]!))).toEqual(UNAVAILABLE);
    } finally {
      await replica.stop();
      proxy.answerNew();
    }
  });

  it('no longer names a silent server once it refuses connections: it is down, not hung', async () => {
    proxy.silenceOpen();
    void proxy.silenceNew();
    expect(outcome(await read(hung[0]!))).toEqual(UNAVAILABLE);
    expect(await (await fetch(`${gw.baseUrl}/readyz`)).json()).toEqual({ status: 'ready', unavailableServers: ['east'] });
    await proxy.close(); // its port now refuses connections
    let last: GqlResult<unknown> | undefined;
    const named = async () => ((await (await fetch(`${gw.baseUrl}/readyz`)).json()) as { unavailableServers?: string[] }).unavailableServers;
    for (let attempt = 0; attempt < 40 && (await named()); attempt += 1) {
      await new Promise((r) => setTimeout(r, 250));
      last = await read(hung[0]!);
    }
    expect(outcome(last!)).toEqual(UNAVAILABLE);
    expect(await (await fetch(`${gw.baseUrl}/readyz`)).json()).toEqual({ status: 'ready' });
  });
});
