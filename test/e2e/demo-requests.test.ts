import { ownerQuery } from '../fixtures/database';
import { errorCode, TestGateway } from '../fixtures/gateway';
import { ConvertDemoToTenantDocument, DemoRequestsDocument, MeDocument, RequestDemoDocument } from './generated/graphql';

describe('demo requests', () => {
  let gw: TestGateway;
  let platform: string;
  const form = { hospitalName: 'Riverside General', contactName: 'Dr Rivers', email: 'Rivers@Riverside.example', phone: '+44 20 7946 0000' };

  beforeAll(async () => {
    gw = await TestGateway.start({ DEMO_REQUESTS_PER_HOUR: '4' });
    platform = await gw.platformToken();
  });
  afterAll(() => gw.stop());

  it('takes a demo request from anyone on the platform host and shows it to the platform team', async () => {
    const made = await gw.gql(RequestDemoDocument, { input: form });
    expect(made.data?.requestDemo.status).toBe('PENDING');
    const listed = await gw.gql(DemoRequestsDocument, { status: 'PENDING' }, { token: platform });
    expect(listed.data?.demoRequests.edges.map((e) => e.node)).toContainEqual(expect.objectContaining({ hospitalName: 'Riverside General', email: 'rivers@riverside.example' }));
  });

  it.each([
    ['no email address', 'not-an-email'],
    ['an address no account may have (it would become the first ADMIN’s)', '"john doe"@riverside.example'],
  ])('refuses a demo request whose email is %s with BAD_USER_INPUT naming the field', async (_name, email) => {
    const refused = await gw.gql(RequestDemoDocument, { input: { ...form, hospitalName: 'Misspelt General', email } });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { email: 'must be an email address' } });
  });

  it('refuses a hospital name with a line break when the request is made, not when it is converted', async () => {
    const refused = await gw.gql(RequestDemoDocument, { input: { ...form, hospitalName: 'Riverside\nGeneral' } });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { hospitalName: expect.stringContaining('control characters') } });
  });

  it('rate-limits demo requests per client address', async () => {
    const codes: (string | undefined)[] = [];
    for (let i = 0; i < 3; i += 1) codes.push(errorCode(await gw.gql(RequestDemoDocument, { input: { ...form, hospitalName: `Spam ${i}` } })));
    expect(codes).toContain('RATE_LIMITED');
    const limited = await gw.gql(RequestDemoDocument, { input: form });
    expect(errorCode(limited)).toBe('RATE_LIMITED');
    expect(limited.errors?.[0]?.extensions?.retryAfterSeconds).toEqual(expect.any(Number));
  });

  it('keeps the demo list and conversion to the platform team', async () => {
    const hospital = await gw.createTenant({ slug: 'demo-outsider' });
    expect(errorCode(await gw.gql(DemoRequestsDocument, {}))).toBe('UNAUTHENTICATED');
    expect(errorCode(await gw.gql(DemoRequestsDocument, {}, { slug: hospital.slug, token: hospital.token }))).toBe('FORBIDDEN');
    expect(errorCode(await gw.gql(RequestDemoDocument, { input: form }, { slug: hospital.slug }))).toBe('FORBIDDEN');
  });

  it('provisions a hospital from a demo request, whose requester signs in as its ADMIN, once', async () => {
    const request = (await gw.gql(DemoRequestsDocument, { status: 'PENDING' }, { token: platform })).data!.demoRequests.edges.find((e) => e.node.hospitalName === 'Riverside General');
    const converted = await gw.gql(ConvertDemoToTenantDocument, { input: { demoRequestId: request!.node.id, slug: 'riverside', isolation: 'SCHEMA', plan: 'TRIAL' } }, { token: platform });
    expect(converted.errors).toBeUndefined();
    const payload = converted.data!.convertDemoToTenant;
    expect(payload.tenant).toMatchObject({ slug: 'riverside', name: 'Riverside General', isolation: 'SCHEMA', status: 'ACTIVE', contactEmail: 'rivers@riverside.example', contactPhone: '+44 20 7946 0000' });
    expect(payload.initialPassword.length).toBeGreaterThanOrEqual(20);
    const token = await gw.login(payload.adminEmail, payload.initialPassword, 'riverside');
    expect((await gw.gql(MeDocument, {}, { slug: 'riverside', token })).data?.me?.roles).toEqual(['ADMIN']);

    const again = await gw.gql(ConvertDemoToTenantDocument, { input: { demoRequestId: request!.node.id, slug: 'riverside-2' } }, { token: platform });
    expect(errorCode(again)).toBe('CONFLICT');
    expect((await gw.gql(DemoRequestsDocument, { status: 'CONVERTED' }, { token: platform })).data?.demoRequests.totalCount).toBe(1);
  });

  it('audits platform actions centrally, with the hospital they concern, successes and failures', async () => {
    const db = new URL(gw.databaseUrl).pathname.slice(1);
    const rows = await ownerQuery<{ operation: string; tenant_slug: string | null; outcome: string; error_code: string | null; actor_email: string | null; source: string }>(
      `select operation, tenant_slug, outcome, error_code, actor_email, source from catalog.platform_audit where operation in ('convertDemoToTenant', 'createTenant') order by at`, [], db,
    );
    expect(rows).toContainEqual({ operation: 'createTenant', tenant_slug: 'demo-outsider', outcome: 'SUCCESS', error_code: null, actor_email: 'root@platform.test', source: 'API' });
    expect(rows).toContainEqual({ operation: 'convertDemoToTenant', tenant_slug: 'riverside', outcome: 'SUCCESS', error_code: null, actor_email: 'root@platform.test', source: 'API' });
    expect(rows).toContainEqual({ operation: 'convertDemoToTenant', tenant_slug: 'riverside-2', outcome: 'FAILURE', error_code: 'CONFLICT', actor_email: 'root@platform.test', source: 'API' });
    await expect(ownerQuery('delete from catalog.platform_audit', [], db)).rejects.toThrow(/append-only/);
  });
});

describe('demo requests turned off (DEMO_REQUESTS_PER_HOUR=0)', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await TestGateway.start({ DEMO_REQUESTS_PER_HOUR: '0' });
  });
  afterAll(() => gw.stop());

  it('refuses every demo request with FORBIDDEN saying they are turned off, and stores none', async () => {
    const form = { hospitalName: 'Closed General', contactName: 'Dr Closed', email: 'closed@closed.example' };
    const refused = await gw.gql(RequestDemoDocument, { input: form });
    expect(refused.errors?.[0]).toMatchObject({ message: 'Demo requests are turned off on this deployment', extensions: { code: 'FORBIDDEN' } });
    expect(refused.errors?.[0]?.extensions?.retryAfterSeconds).toBeUndefined();
    const platform = await gw.platformToken();
    expect((await gw.gql(DemoRequestsDocument, { status: 'PENDING' }, { token: platform })).data?.demoRequests.totalCount).toBe(0);
  });
});
