import { MoveTenantDocument, PatientsDocument, TenantDocument } from './generated/graphql';
import { errorCode, TestGateway } from '../fixtures/gateway';
import { ownerQuery } from '../fixtures/database';
import { catalogEntry, dbName, dumpHospital, seedHospital } from '../fixtures/transfer';
import { Isolation } from '../../src/tenancy';
import { derivePlacement } from '../../src/tenancy/placement';

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

describe('a moveTenant past its request deadline', () => {
  let gw: TestGateway;

  beforeAll(async () => {
    gw = await TestGateway.start({ REQUEST_DEADLINE_MS: '1500' });
  });
  afterAll(() => gw.stop());

  /** Waits until no move of `id` is recorded any more (the move ended, one way or the other). */
  async function untilSettled(id: string): Promise<void> {
    for (let n = 0; n < 600; n += 1) {
      if ((await ownerQuery('select 1 from catalog.tenant_transfers where tenant_id = $1', [id], dbName(gw))).length === 0) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('the move never ended');
  }

  it('is abandoned as its REQUEST_TIMEOUT says: nothing it did is kept', async () => {
    const hospital = await gw.createTenant({ slug: 'late-move', isolation: 'SCHEMA' });
    await seedHospital(gw, hospital, 3);
    const before = (await catalogEntry(gw, hospital.slug))!;
    const data = await dumpHospital(gw, hospital.slug);
    // A request in flight holds the hospital: the move waits for it to finish its switch, past its deadline.
    const busy = gw.tenancy.session((await gw.tenancy.store.bySlug(hospital.slug))!);
    await busy.em();
    const answered = gw.gql(MoveTenantDocument, { slug: hospital.slug, to: 'DATABASE' }, { token: await gw.platformToken() });
    let late;
    try {
      late = await answered;
    } finally {
      await busy.end(true);
    }
    expect({ status: late.status, code: errorCode(late), message: late.errors?.[0]?.message }).toEqual({
      status: 504, code: 'REQUEST_TIMEOUT', message: 'The request took too long and was abandoned; nothing it did was kept',
    });
    await untilSettled(before.id);
    expect(await catalogEntry(gw, hospital.slug)).toEqual(before);
    expect(await dumpHospital(gw, hospital.slug)).toEqual(data);
    expect(await ownerQuery('select 1 from pg_database where datname like $1', [`${derivePlacement(Isolation.DATABASE, before.id, dbName(gw)).database}%`])).toHaveLength(0);
    expect((await gw.gql(PatientsDocument, {}, hospital)).data?.patients.totalCount).toBe(3);
  });
});
