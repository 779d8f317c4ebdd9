import { Client } from 'pg';
import { CreatePatientDocument, MeDocument, PatientDocument, RequestDemoDocument, SuspendTenantDocument } from '../e2e/generated/graphql';
import { ownerQuery } from '../fixtures/database';
import { EmbeddedServer } from '../fixtures/embedded-server';
import { errorCode, TestGateway } from '../fixtures/gateway';
import { TEST_REDIS_URL } from '../fixtures/redis';

const REDIS_URL = TEST_REDIS_URL;

/**
 * Scale-out on one machine: two gateway replicas sharing one Redis, DATABASE hospitals placed on two
 * PostgreSQL servers (the test run's server as `main`, and an embedded one of this test's own as `b`).
 */
describe('scale-out: two replicas, one Redis, two PostgreSQL servers', () => {
  let serverB: EmbeddedServer;
  let one: TestGateway;
  let two: TestGateway;
  const hospitals: Record<'main' | 'b', { slug: string; token: string }> = {} as never;

  beforeAll(async () => {
    serverB = await EmbeddedServer.create(['postgres']);
    // A tenth of the production request limits: a TRIAL user may make 12 requests a minute.
    const env = { REDIS_URL, TENANT_DATABASE_SERVERS: `b=${serverB.url()}`, DEMO_REQUESTS_PER_HOUR: '3', RATE_LIMIT_MULTIPLIER: '0.1' };
    one = await TestGateway.start(env);
    two = await TestGateway.start(env, one.databaseUrl);
    hospitals.main = await one.createTenant({ slug: 'on-main', isolation: 'DATABASE' });
    hospitals.b = await one.createTenant({ slug: 'on-b', isolation: 'DATABASE', server: 'b' });
  });
  afterAll(async () => {
    await two?.stop();
    await one?.stop();
    await serverB.destroy();
  });

  it('places each hospital’s database on its own server', async () => {
    const catalog = await ownerQuery<{ slug: string; server_name: string; database_name: string }>(
      'select slug, server_name, database_name from catalog.tenants where slug in ($1, $2) order by slug', ['on-b', 'on-main'], new URL(one.databaseUrl).pathname.slice(1),
    );
    expect(catalog.map((t) => [t.slug, t.server_name])).toEqual([['on-b', 'b'], ['on-main', 'main']]);
    const [onB, onMain] = catalog;
    const b = new Client({ connectionString: serverB.url() });
    await b.connect();
    try {
      expect((await b.query('select 1 from pg_database where datname = $1', [onB!.database_name])).rowCount).toBe(1);
      expect((await b.query('select 1 from pg_database where datname = $1', [onMain!.database_name])).rowCount).toBe(0);
    } finally {
      await b.end();
    }
    expect(await ownerQuery('select 1 from pg_database where datname = $1', [onMain!.database_name])).toHaveLength(1);
  });

  it.each(['main', 'b'] as const)('serves the hospital on server %s through both replicas: written on one, read on the other', async (server) => {
    const hospital = hospitals[server];
    for (const [writer, reader] of [[one, two], [two, one]] as const) {
      const created = await writer.gql(CreatePatientDocument, { input: { firstName: 'Scale', lastName: server, birthDate: '1970-01-01' } }, hospital);
      expect(created.errors).toBeUndefined();
      const read = await reader.gql(PatientDocument, { id: created.data!.createPatient.id }, hospital);
      expect(read.data?.patient).toMatchObject({ id: created.data!.createPatient.id, lastName: server });
    }
  });

  it('holds a hospital user’s request limit across replicas, not once per replica', async () => {
    const trial = await one.createTenant({ slug: 'on-trial', isolation: 'DATABASE', server: 'b', plan: 'TRIAL' });
    const limit = 12; // TRIAL: 120 requests a minute per user, times 0.1
    const replicas = [one, two];
    for (let n = 0; n < limit; n++) expect((await replicas[n % 2]!.gql(MeDocument, {}, trial)).errors).toBeUndefined();
    for (const gw of replicas) {
      const refused = await gw.gql(MeDocument, {}, trial);
      expect(errorCode(refused)).toBe('RATE_LIMITED');
      expect(refused.errors?.[0]?.extensions?.retryAfterSeconds).toBeGreaterThan(0);
    }
  });

  it('holds the public demo-request limit across replicas, not once per replica', async () => {
    const limit = 3;
    const attempt = (gw: TestGateway, n: number) => gw.gql(RequestDemoDocument, { input: { hospitalName: `H${n}`, contactName: 'C', email: `c${n}@example.org` } });
    const replicas = [one, two];
    for (let n = 0; n < limit; n++) expect((await attempt(replicas[n % 2]!, n)).errors).toBeUndefined();
    expect(errorCode(await attempt(one, limit))).toBe('RATE_LIMITED');
    expect(errorCode(await attempt(two, limit + 1))).toBe('RATE_LIMITED');
  });

  it('honours on one replica, within a second, a suspension made on the other', async () => {
    const hospital = hospitals.b;
    expect((await two.gql(MeDocument, {}, hospital)).data?.me?.tenant?.slug).toBe('on-b'); // cached on replica two
    const suspended = await one.gql(SuspendTenantDocument, { slug: 'on-b' }, { token: await one.platformToken() });
    expect(suspended.errors).toBeUndefined();
    const deadline = Date.now() + 1_000;
    let code: string | undefined;
    do {
      code = errorCode(await two.gql(MeDocument, {}, hospital));
      if (code === 'TENANT_SUSPENDED') break;
      await new Promise((r) => setTimeout(r, 20));
    } while (Date.now() < deadline);
    expect(code).toBe('TENANT_SUSPENDED');
  });
});
