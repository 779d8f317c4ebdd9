import { Writable } from 'node:stream';
import { createLogger } from '../../src/logger';
import { CreatePatientDocument, CreateTenantDocument, LoginDocument, PatientsDocument } from '../e2e/generated/graphql';
import { ownerQuery, testServerUrl } from '../fixtures/database';
import { errorCode, STAFF_PASSWORD, TestGateway } from '../fixtures/gateway';

describe('DATABASE hospitals on a named server', () => {
  let gw: TestGateway;
  let platform: string;
  const admin = { email: 'admin@east.test', password: STAFF_PASSWORD };

  beforeAll(async () => {
    const east = new URL(testServerUrl());
    east.pathname = '/postgres';
    gw = await TestGateway.start({ TENANT_DATABASE_SERVERS: `east=${east.toString()}` });
    platform = await gw.platformToken();
  });
  afterAll(() => gw.stop());

  it('places the hospital’s database on the named server and serves it from there', async () => {
    const created = await gw.gql(CreateTenantDocument, { input: { slug: 'east-wing', name: 'East', isolation: 'DATABASE', server: 'east', admin } }, { token: platform });
    expect(created.data?.createTenant).toMatchObject({ server: 'east', isolation: 'DATABASE', status: 'ACTIVE' });
    const [row] = await ownerQuery<{ server_name: string; database_name: string }>(
      'select server_name, database_name from catalog.tenants where slug = $1', ['east-wing'], new URL(gw.databaseUrl).pathname.slice(1),
    );
    expect(row!.server_name).toBe('east');
    expect(await ownerQuery('select 1 from pg_database where datname = $1', [row!.database_name])).toHaveLength(1);

    const token = await gw.login(admin.email, admin.password, 'east-wing');
    await gw.gql(CreatePatientDocument, { input: { firstName: 'E', lastName: 'Ast', birthDate: '1990-01-01', mrn: 'E-1' } }, { slug: 'east-wing', token });
    const list = await gw.gql(PatientsDocument, {}, { slug: 'east-wing', token });
    expect(list.data?.patients.totalCount).toBe(1);
  });

  it.each([
    ['an unknown server', { isolation: 'DATABASE' as const, server: 'west' }],
    ['a server for a SCHEMA hospital', { isolation: 'SCHEMA' as const, server: 'east' }],
  ])('refuses %s with BAD_USER_INPUT', async (_why, extra) => {
    const result = await gw.gql(CreateTenantDocument, { input: { slug: 'nowhere', name: 'N', admin, ...extra } }, { token: platform });
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.extensions?.fields).toHaveProperty('server');
  });

  it('answers 503 SERVICE_UNAVAILABLE on a gateway without the hospital’s server configured, and logs the setting to add', async () => {
    await gw.gql(CreateTenantDocument, { input: { slug: 'east-annex', name: 'Annex', isolation: 'DATABASE', server: 'east', admin: { ...admin, email: 'admin@east-annex.test' } } }, { token: platform });
    const token = await gw.login('admin@east-annex.test', admin.password, 'east-annex');
    const lines: { msg: string; err?: { message: string } }[] = [];
    const logger = createLogger('warn', new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(JSON.parse(chunk.toString())), done()) }));
    // Another replica, started during a rollout that has not yet given it the "east" server.
    const replica = await TestGateway.start({}, gw.databaseUrl, logger);
    try {
      const read = await replica.gql(PatientsDocument, {}, { slug: 'east-annex', token });
      const signIn = await replica.gql(LoginDocument, { email: 'admin@east-annex.test', password: admin.password }, { slug: 'east-annex' });
      for (const answer of [read, signIn]) {
        expect({ status: answer.status, code: errorCode(answer), message: answer.errors?.[0]?.message }).toEqual({
          status: 503, code: 'SERVICE_UNAVAILABLE', message: 'The database is unavailable; try again shortly',
        });
      }
      const faults = lines.filter((l) => l.msg === 'database fault');
      expect(faults.map((l) => l.err?.message)).toEqual(Array(2).fill('Unknown database server "east": it is not in this process\'s TENANT_DATABASE_SERVERS'));
    } finally {
      await replica.stop();
    }
  });
});
