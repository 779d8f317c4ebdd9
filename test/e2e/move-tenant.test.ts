import { MoveTenantDocument, PatientsDocument, TenantDocument } from './generated/graphql';
import { errorCode, TestGateway } from '../fixtures/gateway';
import { seedHospital } from '../fixtures/transfer';

describe('the moveTenant mutation', () => {
  let gw: TestGateway;
  let platform: string;
  let hospital: { slug: string; token: string };

  beforeAll(async () => {
    gw = await TestGateway.start();
    platform = await gw.platformToken();
    hospital = await gw.createTenant({ slug: 'mutation-move', isolation: 'SHARED' });
    await seedHospital(gw, hospital, 3);
  });
  afterAll(() => gw.stop());

  it('moves a hospital for a platform admin and reports what it verified', async () => {
    const result = await gw.gql(MoveTenantDocument, { slug: 'mutation-move', to: 'DATABASE' }, { token: platform });
    expect(result.errors).toBeUndefined();
    expect(result.data?.moveTenant).toMatchObject({
      tenant: { slug: 'mutation-move', isolation: 'DATABASE', server: 'main', status: 'ACTIVE' },
      from: 'SHARED',
      fromServer: 'main',
      oldPlacementRemoved: true,
    });
    const rows = Object.fromEntries(result.data!.moveTenant.tables.map((t) => [t.name, t.rows]));
    expect(rows).toMatchObject({ users: 2, patients: 3 });
    expect(result.data!.moveTenant.heldMilliseconds).toBeGreaterThanOrEqual(0);
    expect((await gw.gql(TenantDocument, { slug: 'mutation-move' }, { token: platform })).data?.tenant?.isolation).toBe('DATABASE');
    expect((await gw.gql(PatientsDocument, {}, hospital)).data?.patients.totalCount).toBe(3);
  });

  it.each([
    ['anonymous callers', 'UNAUTHENTICATED', () => ({})],
    ['a hospital ADMIN in the hospital', 'FORBIDDEN', () => ({ token: hospital.token, slug: 'mutation-move' })],
    ['a hospital token on the platform host', 'UNAUTHENTICATED', () => ({ token: hospital.token })],
    ['platform admins inside a hospital', 'FORBIDDEN', () => ({ token: platform, slug: 'mutation-move' })],
  ])('refuses %s with %s', async (_who, code, options) => {
    const result = await gw.gql(MoveTenantDocument, { slug: 'mutation-move', to: 'SCHEMA' }, options());
    expect(errorCode(result)).toBe(code);
    expect((await gw.gql(TenantDocument, { slug: 'mutation-move' }, { token: platform })).data?.tenant?.isolation).toBe('DATABASE');
  });

  it.each([
    ['the mode it is already in', 'BAD_USER_INPUT', { to: 'DATABASE' as const }, 'to'],
    ['an unknown server', 'BAD_USER_INPUT', { to: 'DATABASE' as const, server: 'nowhere' }, 'server'],
    ['a server for a SCHEMA move', 'BAD_USER_INPUT', { to: 'SCHEMA' as const, server: 'main' }, 'server'],
  ])('refuses %s with %s', async (_why, code, args, field) => {
    const result = await gw.gql(MoveTenantDocument, { slug: 'mutation-move', ...args }, { token: platform });
    expect(errorCode(result)).toBe(code);
    expect(result.errors?.[0]?.extensions?.fields).toHaveProperty(field);
  });

  it('answers NOT_FOUND for a hospital that does not exist', async () => {
    expect(errorCode(await gw.gql(MoveTenantDocument, { slug: 'no-such-place', to: 'SCHEMA' }, { token: platform }))).toBe('NOT_FOUND');
  });
});
