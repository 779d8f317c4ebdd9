import { ownerQuery } from '../fixtures/database';
import { STAFF_PASSWORD, TestGateway, type GqlResult } from '../fixtures/gateway';
import { ConvertDemoToTenantDocument, CreateTenantDocument, RequestDemoDocument } from './generated/graphql';

const NAME_RULE = 'must be 1–200 characters without line breaks or other control characters';
const EMOJI = '\u{1F3E5}'; // one character, two UTF-16 units

/** The fields a BAD_USER_INPUT answer names, with what is wrong with each. */
function refusedFields(result: GqlResult<unknown>): Record<string, string> {
  expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  return result.errors?.[0]?.extensions?.fields as Record<string, string>;
}

describe('platform and demo inputs over HTTP', () => {
  let gw: TestGateway;
  let platform: string;
  const db = () => new URL(gw.databaseUrl).pathname.slice(1);
  const admin = { email: 'admin@inputs.test', password: STAFF_PASSWORD };
  const demo = { hospitalName: 'Lakeside General', contactName: 'Dr Lake', email: 'lake@lakeside.test' };
  const createTenant = (input: Record<string, unknown>) => gw.gql(CreateTenantDocument, { input: { slug: 'inputs-h', name: 'Inputs', admin, ...input } as never }, { token: platform });
  const requestDemo = (input: Record<string, unknown>) => gw.gql(RequestDemoDocument, { input: { ...demo, ...input } as never });
  const created = async (slug: string) => (await ownerQuery('select 1 from catalog.tenants where slug = $1', [slug], db())).length;

  beforeAll(async () => {
    gw = await TestGateway.start({ DEMO_REQUESTS_PER_HOUR: '1000' });
    platform = await gw.platformToken();
  });
  afterAll(() => gw.stop());

  describe('lengths count characters, not UTF-16 units', () => {
    it('takes a hospital name of 200 emoji in createTenant and requestDemo', async () => {
      const name = EMOJI.repeat(200);
      const tenant = await createTenant({ slug: 'emoji-name', name });
      expect(tenant.data?.createTenant.name).toBe(name);
      expect((await requestDemo({ hospitalName: name, contactName: name })).errors).toBeUndefined();
    });

    it.each([
      ['201 letters', 'a'.repeat(201)],
      ['201 emoji', EMOJI.repeat(201)],
      ['a control character', 'Lake\u0007side'],
      ['nothing but spaces', '   '],
    ])('refuses a hospital name of %s with one message, naming the field', async (_what, name) => {
      expect(refusedFields(await createTenant({ slug: 'long-name', name }))).toEqual({ name: NAME_RULE });
      expect(refusedFields(await requestDemo({ hospitalName: name }))).toEqual({ hospitalName: NAME_RULE });
      expect(await created('long-name')).toBe(0);
    });

    it('takes an address of 500 emoji and refuses 501', async () => {
      expect((await createTenant({ slug: 'emoji-address', address: EMOJI.repeat(500) })).errors).toBeUndefined();
      expect(Object.keys(refusedFields(await createTenant({ slug: 'long-address', address: EMOJI.repeat(501) })))).toEqual(['address']);
    });

    it('takes an ADMIN password of 200 emoji', async () => {
      expect((await createTenant({ slug: 'emoji-password', admin: { ...admin, password: EMOJI.repeat(100) + 'x'.repeat(100) } })).errors).toBeUndefined();
    });
  });

  describe('control characters are refused in every single-line text', () => {
    it.each([
      ['name', { name: 'North\u001b[31mClinic' }],
      ['contactEmail', { contactEmail: 'desk\u0007@north.test' }],
      ['address', { address: '1 Main St\nSpringfield' }],
      ['address', { address: '1 Main St\u0007' }],
      ['admin.email', { admin: { ...admin, email: 'ctl\u0007admin@north.test' } }],
    ])('createTenant names %s', async (field, input) => {
      expect(Object.keys(refusedFields(await createTenant({ slug: 'control-input', ...input })))).toEqual([field]);
      expect(await created('control-input')).toBe(0);
    });

    it.each([
      ['hospitalName', { hospitalName: 'Lake\tside' }],
      ['contactName', { contactName: 'Dr \u001b[2JLake' }],
      ['contactName', { contactName: 'Dr Lake\nCEO' }],
      ['email', { email: 'ctl\u0007lake@example.org' }],
    ])('requestDemo names %s', async (field, input) => {
      expect(Object.keys(refusedFields(await requestDemo(input)))).toEqual([field]);
    });
  });

  describe('every problem at once, with blank optional text among them', () => {
    it('reports a bad slug, a blank address and a bad ADMIN email together', async () => {
      const fields = refusedFields(await createTenant({ slug: 'X!', address: '   ', admin: { ...admin, email: 'bad' } }));
      expect(Object.keys(fields).sort()).toEqual(['address', 'admin.email', 'slug']);
      expect(fields.address).toBe('must not be blank');
    });

    it('reports blank contact details and a blank server with the rest of the hospital', async () => {
      const fields = refusedFields(await createTenant({ slug: 'blank-all', name: ' ', contactEmail: '', contactPhone: ' ', address: '\t', server: '  ' }));
      expect(Object.keys(fields).sort()).toEqual(['address', 'contactEmail', 'contactPhone', 'name', 'server']);
      expect(await created('blank-all')).toBe(0);
    });

    it('reports a blank phone and message with a bad email on requestDemo', async () => {
      expect(Object.keys(refusedFields(await requestDemo({ email: 'bad', phone: ' ', message: '\n' }))).sort()).toEqual(['email', 'message', 'phone']);
    });
  });

  describe('null means none', () => {
    it('takes server: null on createTenant and convertDemoToTenant', async () => {
      const tenant = await createTenant({ slug: 'null-server', server: null, contactEmail: null, contactPhone: null, address: null });
      expect(tenant.errors).toBeUndefined();
      expect(await created('null-server')).toBe(1);
      const request = (await requestDemo({ hospitalName: 'Null Server Demo', email: 'null@demo.test', phone: null, message: null })).data!.requestDemo;
      const converted = await gw.gql(ConvertDemoToTenantDocument, { input: { demoRequestId: request.id, slug: 'null-server-demo', server: null } }, { token: platform });
      expect(converted.errors).toBeUndefined();
      expect(await created('null-server-demo')).toBe(1);
    });
  });

  it('refuses to convert a stored demo request whose email has a control character, naming admin.email, and keeps it pending', async () => {
    const [row] = await ownerQuery<{ id: string }>(
      `insert into catalog.demo_requests (id, hospital_name, contact_name, email) values (gen_random_uuid(), 'Old Request', 'Someone', 'ctl' || chr(7) || 'old@example.org') returning id`, [], db(),
    );
    const converted = await gw.gql(ConvertDemoToTenantDocument, { input: { demoRequestId: row!.id, slug: 'old-request' } }, { token: platform });
    expect(Object.keys(refusedFields(converted))).toEqual(['contactEmail', 'admin.email']);
    expect(await created('old-request')).toBe(0);
    const [request] = await ownerQuery<{ status: string }>('select status from catalog.demo_requests where id = $1', [row!.id], db());
    expect(request!.status).toBe('PENDING');
  });
});
