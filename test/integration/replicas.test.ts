import { MeDocument, SuspendTenantDocument } from '../e2e/generated/graphql';
import { errorCode, TestGateway } from '../fixtures/gateway';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('two gateway replicas sharing Redis', () => {
  let first: TestGateway;
  let second: TestGateway;

  beforeAll(async () => {
    first = await TestGateway.start({ REDIS_URL });
    second = await TestGateway.start({ REDIS_URL }, first.databaseUrl);
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
});
