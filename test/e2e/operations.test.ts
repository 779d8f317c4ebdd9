import { ownerQuery } from '../fixtures/database';
import { TestGateway } from '../fixtures/gateway';

describe('production settings', () => {
  let gw: TestGateway;

  beforeAll(async () => {
    gw = await TestGateway.start({ NODE_ENV: 'production', APP_DB_PASSWORD: 'sovereign_app_dev', SECRETS_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64') });
  });
  afterAll(() => gw.stop());

  it('shows no explorer to browsers', async () => {
    const page = await fetch(`${gw.baseUrl}/graphql`, { headers: { accept: 'text/html' } });
    expect(await page.text()).not.toContain('EmbeddedSandbox');
  });

  it('refuses introspection', async () => {
    const response = await gw.raw('/graphql', { query: '{ __schema { types { name } } }' });
    const body = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('readiness', () => {
  it('reports 503 on /readyz once the catalog database is gone, while /healthz stays up', async () => {
    const gw = await TestGateway.start();
    try {
      expect((await fetch(`${gw.baseUrl}/readyz`)).status).toBe(200);
      await ownerQuery(`drop database "${new URL(gw.databaseUrl).pathname.slice(1)}" with (force)`);
      const ready = await fetch(`${gw.baseUrl}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({ status: 'unavailable' });
      expect((await fetch(`${gw.baseUrl}/healthz`)).status).toBe(200);
    } finally {
      await gw.stop();
    }
  });
});
