import { Writable } from 'node:stream';
import { Client } from 'pg';
import { createLogger } from '../../src/logger';
import { CreatePatientDocument, CreateTenantDocument, LoginDocument, PatientsDocument } from '../e2e/generated/graphql';
import { runCli } from '../fixtures/cli';
import { EmbeddedServer } from '../fixtures/embedded-server';
import { errorCode, STAFF_PASSWORD, TestGateway } from '../fixtures/gateway';

/**
 * Deployments sharing one PostgreSQL server, each with its own main database, on a server of this
 * test's own that checks passwords (scram-sha-256): the shared test server may trust every connection,
 * where a changed password locks no one out.
 */
describe('the runtime role of deployments sharing a server', () => {
  const ROLE = 'sov_rt_deployments';
  const A = { APP_DB_ROLE: ROLE, APP_DB_PASSWORD: 'password-of-deployment-a' };
  const B = { APP_DB_ROLE: ROLE, APP_DB_PASSWORD: 'password-of-deployment-b' };
  const refusal = (database: string, server = 'main') =>
    `APP_DB_ROLE "${ROLE}" on database server ${server} belongs to the deployment whose main database is "${database}", and this deployment's APP_DB_PASSWORD does not sign in as it (changing its password would lock that deployment out): give each deployment its own APP_DB_ROLE`;
  let server: EmbeddedServer;
  let a: TestGateway;

  beforeAll(async () => {
    server = await EmbeddedServer.create(['main_of_a']);
    a = await TestGateway.start(A, server.url('main_of_a'));
  });
  afterAll(async () => {
    await a?.stop();
    await server?.destroy();
  });

  async function ownerQuery(sql: string): Promise<void> {
    const client = new Client({ connectionString: server.url() });
    await client.connect();
    await client.query(sql).finally(() => client.end());
  }

  /** A new DATABASE hospital on `gw` (its own pool: new runtime connections) signed into and written to. */
  async function serveNewConnections(gw: TestGateway, slug: string) {
    const admin = { email: `admin@${slug}.test`, password: STAFF_PASSWORD };
    const created = await gw.gql(CreateTenantDocument, { input: { slug, name: slug, isolation: 'DATABASE', admin } }, { token: await gw.platformToken() });
    expect(created.errors).toBeUndefined();
    const signIn = await gw.gql(LoginDocument, admin, { slug });
    return { created, signIn };
  }

  it('refuses to start a second deployment with the same APP_DB_ROLE and another password, and the first keeps opening connections', async () => {
    await expect(TestGateway.start(B, await server.createDatabase('main_of_b'))).rejects.toThrow(refusal('main_of_a'));
    const { signIn } = await serveNewConnections(a, 'after-refusal');
    expect(signIn.errors).toBeUndefined();
    const token = signIn.data!.login.token;
    const patient = await a.gql(CreatePatientDocument, { input: { firstName: 'Still', lastName: 'Serving', birthDate: '1980-01-01' } }, { slug: 'after-refusal', token });
    expect(patient.errors).toBeUndefined();
  });

  it('restarts the same deployment, and takes its rotated APP_DB_PASSWORD', async () => {
    const again = await TestGateway.start(A, a.databaseUrl);
    await again.stop();
    const rotated = await TestGateway.start({ ...A, APP_DB_PASSWORD: 'rotated-password-of-a' }, a.databaseUrl);
    try {
      const { signIn } = await serveNewConnections(rotated, 'after-rotation');
      expect(signIn.errors).toBeUndefined();
    } finally {
      await rotated.stop();
    }
    const back = await TestGateway.start(A, a.databaseUrl);
    await back.stop();
  });

  it('refuses `sovereign migrate` of the second deployment with one line and exit 1', async () => {
    const result = await runCli(await server.createDatabase('main_of_c'), ['migrate'], B);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(`Configuration error: ${refusal('main_of_a')}`);
  });

  it('refuses a deployment whose extra server (TENANT_DATABASE_SERVERS) holds the role of another deployment', async () => {
    const own = await EmbeddedServer.create(['main_of_d']);
    try {
      await expect(TestGateway.start({ ...B, TENANT_DATABASE_SERVERS: `shared=${server.url()}` }, own.url('main_of_d'))).rejects.toThrow(refusal('main_of_a', 'shared'));
    } finally {
      await own.destroy();
    }
  });

  it('answers 503 SERVICE_UNAVAILABLE, and logs an error, when PostgreSQL rejects the runtime role’s password', async () => {
    const lines: { level: number; msg: string; role?: string }[] = [];
    const logger = createLogger('warn', new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(JSON.parse(chunk.toString())), done()) }));
    const gw = await TestGateway.start(A, a.databaseUrl, logger);
    try {
      const token = await gw.platformToken();
      const admin = { email: 'admin@rejected.test', password: STAFF_PASSWORD };
      const created = await gw.gql(CreateTenantDocument, { input: { slug: 'rejected', name: 'Rejected', isolation: 'DATABASE', admin } }, { token });
      expect(created.errors).toBeUndefined();
      const hospitalToken = (await gw.gql(LoginDocument, admin, { slug: 'rejected' })).data!.login.token;
      await ownerQuery(`alter role ${ROLE} password 'changed-behind-its-back'`);
      // The hospital's pool keeps the connections it has: a new gateway's pool must open new ones.
      const replica = await TestGateway.start({ ...A, MIGRATE_ON_START: 'false' }, a.databaseUrl, logger);
      try {
        const read = await replica.gql(PatientsDocument, {}, { slug: 'rejected', token: hospitalToken });
        expect({ status: read.status, code: errorCode(read), message: read.errors?.[0]?.message }).toEqual({
          status: 503, code: 'SERVICE_UNAVAILABLE', message: 'The database is unavailable; try again shortly',
        });
        const rejected = lines.filter((l) => l.msg.startsWith("PostgreSQL rejected the runtime role's password"));
        expect(rejected.map((l) => ({ level: l.level, role: l.role }))).toEqual([{ level: 50, role: ROLE }]);
      } finally {
        await replica.stop();
      }
    } finally {
      await gw.stop();
      await ownerQuery(`alter role ${ROLE} password '${A.APP_DB_PASSWORD}'`);
    }
  });
});
