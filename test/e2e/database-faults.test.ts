import { Client } from 'pg';
import { CreatePatientDocument, PatientsDocument } from './generated/graphql';
import { EmbeddedServer } from '../fixtures/embedded-server';
import { TestGateway, type GqlResult } from '../fixtures/gateway';

/**
 * The main database going away and coming back, with a gateway under a steady load of reads and
 * writes over HTTP. The database is a server of this test's own, never the shared one.
 */
describe('database faults', () => {
  const DATABASE = 'faults';
  let server: EmbeddedServer;
  let gw: TestGateway;

  beforeAll(async () => {
    server = await EmbeddedServer.create([DATABASE], { running: false });
  });
  afterAll(async () => {
    await gw?.stop();
    await server.destroy();
  });

  const readyz = async () => (await fetch(`${gw.baseUrl}/readyz`)).status;

  async function until(what: string, check: () => Promise<boolean>, ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('starts with the database down, waits, and becomes ready once it is up', async () => {
    const starting = TestGateway.start({ STARTUP_DB_WAIT_MS: '60000', REQUEST_DEADLINE_MS: '5000' }, server.url(DATABASE));
    await new Promise((r) => setTimeout(r, 1_500)); // connection refused meanwhile
    await server.start(DATABASE);
    gw = await starting;
    expect(await readyz()).toBe(200);
  });

  it('answers coded errors while the database is down, recovers by itself, and loses no acknowledged write', async () => {
    const hospital = await gw.createTenant({ slug: 'outage' });
    const acknowledged: string[] = [];
    const outcomes: { status: number; code: string | undefined }[] = [];
    let running = true;
    let n = 0;

    const record = (result: GqlResult<unknown>) => {
      outcomes.push({ status: result.status, code: result.errors?.[0]?.extensions?.code });
      expect(JSON.stringify(result.errors ?? [])).not.toMatch(/\bat \w+ \(|node_modules|ECONNREFUSED/); // no stack, no internals
    };
    const worker = async () => {
      while (running) {
        const mrn = `OUT-${++n}`;
        const created = await gw.gql(CreatePatientDocument, { input: { firstName: 'Load', lastName: 'Test', birthDate: '1990-01-01', mrn } }, hospital);
        record(created);
        if (created.data?.createPatient) acknowledged.push(created.data.createPatient.id);
        record(await gw.gql(PatientsDocument, { first: 5 }, hospital));
      }
    };
    const load = Promise.all([worker(), worker(), worker()]);
    await until('writes to be acknowledged before the outage', async () => acknowledged.length >= 10, 30_000);
    await server.stop();
    const acknowledgedBefore = acknowledged.length;
    const outageFrom = outcomes.length;
    await until('/readyz to report 503', async () => (await readyz()) === 503, 10_000);
    await until('requests to fail during the outage', async () => outcomes.length > outageFrom + 6, 20_000);
    expect(await readyz()).toBe(503);

    await server.start(DATABASE);
    await until('/readyz to report 200 again', async () => (await readyz()) === 200, 30_000);
    const recoveredFrom = outcomes.length;
    await until('writes to be acknowledged again without a restart', async () => acknowledged.length >= acknowledgedBefore + 10, 30_000);
    running = false;
    await load;

    const during = outcomes.slice(outageFrom, recoveredFrom).filter((o) => o.code !== undefined);
    expect(during.length).toBeGreaterThan(0);
    for (const o of outcomes.filter((x) => x.code !== undefined)) {
      expect(['SERVICE_UNAVAILABLE', 'REQUEST_TIMEOUT']).toContain(o.code);
      expect([503, 504]).toContain(o.status);
    }
    expect(outcomes.every((o) => o.status !== 500)).toBe(true);

    const owner = new Client({ connectionString: server.url(DATABASE) });
    await owner.connect();
    try {
      const { rows } = await owner.query<{ id: string }>('select id from tenants_shared.patients where id = any($1::uuid[])', [acknowledged]);
      expect(rows.map((r) => r.id).sort()).toEqual([...acknowledged].sort());
    } finally {
      await owner.end();
    }
  });
});
