import { MeDocument, RequestDemoDocument, SuspendTenantDocument } from '../e2e/generated/graphql';
import { errorCode, TestGateway } from '../fixtures/gateway';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('two gateway replicas sharing Redis', () => {
  let first: TestGateway;
  let second: TestGateway;

  beforeAll(async () => {
    first = await TestGateway.start({ REDIS_URL, DEMO_REQUESTS_PER_HOUR: '2' });
    second = await TestGateway.start({ REDIS_URL, DEMO_REQUESTS_PER_HOUR: '2' }, first.databaseUrl);
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

  it('holds the public demo-request limit across both replicas, not once per replica', async () => {
    const ask = (gw: TestGateway, n: number) =>
      gw.gql(RequestDemoDocument, { input: { hospitalName: `H${n}`, contactName: 'C', email: `c${n}@example.org` } });
    expect((await ask(first, 1)).errors).toBeUndefined();
    expect((await ask(second, 2)).errors).toBeUndefined();
    expect(errorCode(await ask(first, 3))).toBe('RATE_LIMITED');
    expect(errorCode(await ask(second, 4))).toBe('RATE_LIMITED');
  });
});
