import Redis from 'ioredis';
import { PLAN_REQUEST_LIMITS } from '../../src/modules/plans/plan-limits';
import { scaledLimit } from '../../src/rate-limits';
import { LISTENER_NAME } from '../../src/tenancy/resolution/catalog-listener';
import { Plan } from '../../src/tenancy';
import { ChangeTenantLimitsDocument, CreatePatientDocument, MeDocument, RequestDemoDocument, SuspendTenantDocument } from '../e2e/generated/graphql';
import { ownerQuery } from '../fixtures/database';
import { errorCode, TestGateway } from '../fixtures/gateway';
import { TEST_REDIS_URL } from '../fixtures/redis';

const REDIS_URL = TEST_REDIS_URL;
/** Request limits scaled down to a few requests (platform admins and sign-ins keep room for the set-up). */
const MULTIPLIER = 0.01;

describe('two gateway replicas sharing Redis', () => {
  let first: TestGateway;
  let second: TestGateway;

  beforeAll(async () => {
    const env = { REDIS_URL, DEMO_REQUESTS_PER_HOUR: '2', RATE_LIMIT_MULTIPLIER: String(MULTIPLIER), RATE_LIMIT_PUBLIC_PER_MINUTE: '10000' };
    first = await TestGateway.start(env);
    second = await TestGateway.start(env, first.databaseUrl);
  });
  afterAll(async () => {
    await second.stop();
    await first.stop();
  });

  it('honours a suspension made on the other replica within a second', async () => {
    const hospital = await first.createTenant({ slug: 'replicated' });
    const before = await second.gql(MeDocument, {}, hospital);
    expect(before.data?.me?.tenant?.slug).toBe('replicated'); // now cached on the second replica

    await first.gql(SuspendTenantDocument, { slug: 'replicated' }, { token: await first.platformToken() });
    const deadline = Date.now() + 1_000;
    let code: string | undefined;
    while (Date.now() < deadline) {
      code = errorCode(await second.gql(MeDocument, {}, hospital));
      if (code === 'TENANT_SUSPENDED') break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(code).toBe('TENANT_SUSPENDED');
  });

  it("honours a hospital's limit changed on the other replica within a second", async () => {
    const hospital = await first.createTenant({ slug: 'replicated-own-limits' });
    const addPatient = (mrn: string) => second.gql(CreatePatientDocument, { input: { firstName: 'P', lastName: 'Replica', birthDate: '1990-01-01', mrn } }, hospital);
    expect((await addPatient('R-1')).errors).toBeUndefined(); // the hospital, without a limit, is now cached on the second replica

    const changed = await first.gql(ChangeTenantLimitsDocument, { slug: hospital.slug, maxAssets: 1 }, { token: await first.platformToken() });
    expect(changed.errors).toBeUndefined();
    const deadline = Date.now() + 1_000;
    let code: string | undefined;
    for (let n = 2; Date.now() < deadline; n += 1) {
      code = errorCode(await addPatient(`R-${n}`));
      if (code === 'PLAN_LIMIT_REACHED') break;
      await new Promise((r) => setTimeout(r, 50)); // few requests: a user here has 12 a minute
    }
    expect(code).toBe('PLAN_LIMIT_REACHED');
  });

  it('holds the public demo-request limit across both replicas, not once per replica', async () => {
    const ask = (gw: TestGateway, n: number) =>
      gw.gql(RequestDemoDocument, { input: { hospitalName: `H${n}`, contactName: 'C', email: `c${n}@example.org` } });
    expect((await ask(first, 1)).errors).toBeUndefined();
    expect((await ask(second, 2)).errors).toBeUndefined();
    expect(errorCode(await ask(first, 3))).toBe('RATE_LIMITED');
    expect(errorCode(await ask(second, 4))).toBe('RATE_LIMITED');
  });

  it("holds a user's request limit across both replicas, counted in Redis under the deployment's namespace", async () => {
    const hospital = await first.createTenant({ slug: 'replicated-limits', plan: 'BASIC' });
    const limit = scaledLimit(PLAN_REQUEST_LIMITS[Plan.BASIC].user, MULTIPLIER)!;
    let userId = '';
    for (let i = 0; i < limit; i += 1) {
      const result = await (i % 2 === 0 ? first : second).gql(MeDocument, {}, hospital);
      expect(result.errors).toBeUndefined();
      userId = result.data!.me!.id;
    }
    const over = await (limit % 2 === 0 ? first : second).gql(MeDocument, {}, hospital);
    expect(over.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) });
    expect(errorCode(await (limit % 2 === 0 ? second : first).gql(MeDocument, {}, hospital))).toBe('RATE_LIMITED');

    const redis = new Redis(REDIS_URL);
    try {
      const deployment = new URL(first.databaseUrl).pathname.slice(1);
      expect(await redis.exists(`sovereign:rate:${deployment}:user:BASIC:${hospital.id}:${userId}`)).toBe(1);
    } finally {
      redis.disconnect();
    }
  });

  it('drops its whole tenant cache once its catalog listener is back, Redis or not (what was sent meanwhile was missed)', async () => {
    const database = new URL(first.databaseUrl).pathname.slice(1);
    const cleared = [jest.spyOn(first.tenancy.store, 'clear'), jest.spyOn(second.tenancy.store, 'clear')];
    const times = () => cleared.reduce((sum, spy) => sum + spy.mock.calls.length, 0);
    try {
      const listeners = await ownerQuery<{ pid: number }>('select pid from pg_stat_activity where datname = $1 and application_name = $2', [database, LISTENER_NAME]);
      expect(listeners).toHaveLength(2); // one per replica, with REDIS_URL as without
      await ownerQuery('select pg_terminate_backend($1)', [listeners[0]!.pid]);
      for (const deadline = Date.now() + 3_000; Date.now() < deadline && times() === 0; ) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 100)); // time enough for a second, wrong drop to show
      expect(times()).toBe(1);
    } finally {
      jest.restoreAllMocks();
    }
  });
});
