import { errorCode, TestGateway } from '../fixtures/gateway';
import { MeDocument, PatientsDocument, SuspendTenantDocument, ResumeTenantDocument, TenantsDocument } from './generated/graphql';

describe('gateway over HTTP', () => {
  let gw: TestGateway;
  let a: { id: string; slug: string; token: string };
  let b: { id: string; slug: string; token: string };

  beforeAll(async () => {
    gw = await TestGateway.start();
    a = await gw.createTenant({ slug: 'alpha-general' });
    b = await gw.createTenant({ slug: 'beta-clinic', isolation: 'SCHEMA', domains: ['records.beta-clinic.org'] });
  });
  afterAll(() => gw.stop());

  it('answers /healthz and /readyz', async () => {
    expect((await fetch(`${gw.baseUrl}/healthz`)).status).toBe(200);
    const ready = await fetch(`${gw.baseUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });

  it('signs a hospital user in to their own hospital and tells who they are', async () => {
    const me = await gw.gql(MeDocument, {}, { slug: a.slug, token: a.token });
    expect(me.data?.me).toMatchObject({ email: 'admin@alpha-general.test', roles: ['ADMIN'], tenant: { slug: 'alpha-general' } });
  });

  it('marks every GraphQL answer as not to be stored by browsers or proxies, with no validator hashed from it', async () => {
    const response = await fetch(`${gw.baseUrl}/t/${a.slug}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${a.token}` },
      body: JSON.stringify({ query: '{ patients(first: 1) { edges { node { id } } } }' }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('etag')).toBeNull();
  });

  it('refuses hospital A’s token in hospital B', async () => {
    const result = await gw.gql(PatientsDocument, {}, { slug: b.slug, token: a.token });
    expect(errorCode(result)).toBe('UNAUTHENTICATED');
    expect(result.status).toBe(401);
  });

  it('refuses a hospital token on the platform host', async () => {
    const result = await gw.gql(TenantsDocument, {}, { token: a.token });
    expect(errorCode(result)).toBe('UNAUTHENTICATED');
  });

  it('refuses anonymous calls to tenant operations', async () => {
    const result = await gw.gql(PatientsDocument, {}, { slug: a.slug });
    expect(errorCode(result)).toBe('UNAUTHENTICATED');
    expect(result.data).toBeNull();
  });

  it('refuses platform operations to hospital admins', async () => {
    const result = await gw.gql(TenantsDocument, {}, { slug: a.slug, token: a.token });
    expect(errorCode(result)).toBe('FORBIDDEN');
  });

  it.each([
    ['path', { slug: 'beta-clinic' }, {}],
    ['X-Tenant-ID slug', {}, { 'x-tenant-id': 'beta-clinic' }],
    ['Host subdomain', {}, { host: 'beta-clinic.localhost' }],
    ['custom domain', {}, { host: 'records.beta-clinic.org' }],
  ])('selects the hospital by %s', async (_name, options, headers) => {
    const result = await gw.gql(MeDocument, {}, { ...options, headers, token: b.token });
    expect(result.data?.me?.tenant?.slug).toBe('beta-clinic');
  });

  it.each([
    ['path and header disagree', { slug: 'alpha-general' }, { 'x-tenant-id': 'beta-clinic' }, 'TENANT_MISMATCH', 400],
    ['host and path disagree', { slug: 'alpha-general' }, { host: 'beta-clinic.localhost' }, 'TENANT_MISMATCH', 400],
    ['unknown slug', { slug: 'no-such-hospital' }, {}, 'TENANT_NOT_FOUND', 404],
    ['unknown custom domain', {}, { host: 'unknown.example.org' }, 'TENANT_NOT_FOUND', 404],
    ['malicious header', {}, { 'x-tenant-id': "x'; drop table tenants; --" }, 'TENANT_NOT_FOUND', 404],
  ])('answers %s with a coded error', async (_name, options, headers, code, status) => {
    const result = await gw.gql(MeDocument, {}, { ...options, headers });
    expect(errorCode(result)).toBe(code);
    expect(result.status).toBe(status);
  });

  it('refuses a suspended hospital and lets it back in on resume, without waiting for a cache', async () => {
    const platform = await gw.platformToken();
    await gw.gql(SuspendTenantDocument, { slug: a.slug }, { token: platform });
    const suspended = await gw.gql(MeDocument, {}, { slug: a.slug, token: a.token });
    expect(errorCode(suspended)).toBe('TENANT_SUSPENDED');
    await gw.gql(ResumeTenantDocument, { slug: a.slug }, { token: platform });
    const resumed = await gw.gql(MeDocument, {}, { slug: a.slug, token: a.token });
    expect(resumed.data?.me?.tenant?.slug).toBe(a.slug);
  });

  it('serves Apollo Sandbox to browsers with the hospital preset as a shared header', async () => {
    const page = await fetch(`${gw.baseUrl}/t/beta-clinic/graphql`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('EmbeddedSandbox');
    expect(html).toContain('"X-Tenant-ID":"beta-clinic"');
  });

  it('answers malformed JSON with a client error, not a 500', async () => {
    const response = await gw.raw('/graphql', '{"query": ');
    expect(response.status).toBe(400);
  });
});
