import { createTestDatabase } from '../fixtures/database';
import { FaultProxy } from '../fixtures/fault-proxy';
import { TestGateway } from '../fixtures/gateway';

/** The catalog database's server accepts connections and never answers: /readyz says so rather than hang. */
describe('readiness while the catalog database does not answer', () => {
  let proxy: FaultProxy;
  let gw: TestGateway;

  beforeAll(async () => {
    const databaseUrl = await createTestDatabase();
    proxy = await FaultProxy.start(databaseUrl);
    gw = await TestGateway.start({ DB_CONNECT_TIMEOUT_MS: '1000' }, proxy.via(databaseUrl));
  });
  afterAll(async () => {
    await proxy?.close(); // first: it ends the connections it left unanswered, which the stop would wait on
    await gw?.stop().catch(() => undefined);
  });

  it('answers /readyz 503 once the catalog database stops answering, while /healthz stays 200', async () => {
    expect((await fetch(`${gw.baseUrl}/readyz`)).status).toBe(200);
    proxy.silenceOpen();
    void proxy.silenceNew();
    const ready = await fetch(`${gw.baseUrl}/readyz`);
    expect({ status: ready.status, body: await ready.json() }).toEqual({ status: 503, body: { status: 'unavailable' } });
    expect((await fetch(`${gw.baseUrl}/healthz`)).status).toBe(200);
  });
});
