import { ownerQuery } from '../fixtures/database';
import { ADMIN, errorCode, STAFF_PASSWORD, TestGateway, type GqlResult } from '../fixtures/gateway';
import { signIn } from '../fixtures/identity';
import { RefreshTokenDocument } from './generated/graphql';

/**
 * Platform operations commit work of their own (schemas, databases, catalog entries), which no one
 * transaction can undo with a sibling field's failure: a mutation on the platform host runs exactly
 * one root field, and one with more is refused before anything runs.
 */
describe('mutations on the platform host: one root field each', () => {
  let gw: TestGateway;
  let token: string;
  const db = () => new URL(gw.databaseUrl).pathname.slice(1);
  const entry = async (slug: string) => (await ownerQuery<{ status: string; plan: string }>('select status, plan from catalog.tenants where slug = $1', [slug], db()))[0];
  const post = async (query: string, variables: Record<string, unknown> = {}, bearer = token) => {
    const response = await gw.raw('/graphql', { query, variables }, { authorization: `Bearer ${bearer}` });
    return { status: response.status, ...((await response.json()) as Omit<GqlResult<Record<string, unknown>>, 'status'>) };
  };
  const refused = (result: GqlResult<unknown>) => ({ status: result.status, code: errorCode(result), message: result.errors?.[0]?.message, data: result.data });
  const REFUSAL = (fields: string) => ({
    status: 400,
    code: 'BAD_USER_INPUT',
    message: `A mutation on the platform host runs exactly one field; this one has ${fields}: send each in a request of its own`,
    data: undefined,
  });

  beforeAll(async () => {
    gw = await TestGateway.start();
    token = await gw.platformToken();
    await gw.createTenant({ slug: 'beta' });
  });
  afterAll(() => gw.stop());

  it.each([
    ['two suspensions', 'mutation { a: suspendTenant(slug: "beta") { status } b: suspendTenant(slug: "no-such") { status } }', 'a, b'],
    ['a plan change and a suspension', 'mutation { changeTenantPlan(slug: "beta", plan: TRIAL) { plan } suspendTenant(slug: "no-such") { status } }', 'changeTenantPlan, suspendTenant'],
    ['fields in a fragment', 'mutation { ...Both } fragment Both on Mutation { suspendTenant(slug: "beta") { status } x: resumeTenant(slug: "no-such") { status } }', 'suspendTenant, x'],
  ])('refuses %s before anything runs, changing nothing', async (_what, query, fields) => {
    expect(refused(await post(query))).toEqual(REFUSAL(fields));
    expect(await entry('beta')).toEqual({ status: 'ACTIVE', plan: 'ENTERPRISE' });
  });

  it('refuses a hospital creation beside another field: no hospital is created', async () => {
    const admin = `admin: { email: "a@gamma.test", password: "${STAFF_PASSWORD}" }`;
    const query = `mutation { createTenant(input: { slug: "gamma", name: "Gamma", ${admin} }) { id } suspendTenant(slug: "no-such") { status } }`;
    expect(refused(await post(query))).toEqual(REFUSAL('createTenant, suspendTenant'));
    expect(await entry('gamma')).toBeUndefined();
  });

  it('refuses a token refresh beside another field without spending the refresh token', async () => {
    const session = await signIn(gw, ADMIN.email, ADMIN.password);
    const query = 'mutation($r: String!) { refreshToken(refreshToken: $r) { token refreshToken } x: suspendTenant(slug: "no-such-slug") { status } }';
    expect(refused(await post(query, { r: session.refreshToken }, session.token))).toEqual(REFUSAL('refreshToken, x'));
    const retried = await gw.gql(RefreshTokenDocument, { refreshToken: session.refreshToken });
    expect(retried.errors).toBeUndefined();
    expect(retried.data?.refreshToken.refreshToken).toEqual(expect.any(String));
  });

  it('runs one field, however it is spelled: aliased, in a fragment, repeated under one name, beside __typename', async () => {
    const one = await post('mutation { __typename ...S } fragment S on Mutation { held: suspendTenant(slug: "beta") { status } held: suspendTenant(slug: "beta") { status } }');
    expect({ status: one.status, errors: one.errors, data: one.data }).toEqual({ status: 200, errors: undefined, data: { __typename: 'Mutation', held: { status: 'SUSPENDED' } } });
    expect((await post('mutation { resumeTenant(slug: "beta") { status } }')).data).toEqual({ resumeTenant: { status: 'ACTIVE' } });
  });

  it("refuses a platform admin's own-account change beside another field inside a hospital: it would commit apart from the hospital's work", async () => {
    await gw.createTenant({ slug: 'epsilon' });
    const displayName = async () => (await ownerQuery<{ display_name: string }>('select display_name from catalog.platform_users where email = $1', [ADMIN.email], db()))[0]!.display_name;
    const before = await displayName();
    const query = 'mutation { updateProfile(input: { displayName: "Renamed" }) { id } x: createDepartment(input: { name: "   ", code: "X" }) { id } }';
    const response = await gw.raw('/t/epsilon/graphql', { query }, { authorization: `Bearer ${token}` });
    const body = { status: response.status, ...((await response.json()) as Omit<GqlResult<Record<string, unknown>>, 'status'>) };
    expect(refused(body)).toEqual({
      status: 400,
      code: 'BAD_USER_INPUT',
      message: "A platform admin's own account is changed apart from the hospital's work, so this mutation runs exactly one field; this one has updateProfile, x: send each in a request of its own",
      data: null, // a hospital's mutation request that reports an error answers data null (src/http/session-plugin.ts)
    });
    expect(await displayName()).toBe(before);
    // Alone, the change runs inside the hospital as anywhere.
    const alone = await gw.raw('/t/epsilon/graphql', { query: 'mutation { updateProfile(input: { displayName: "Renamed" }) { id } }' }, { authorization: `Bearer ${token}` });
    expect(((await alone.json()) as GqlResult<unknown>).errors).toBeUndefined();
    expect(await displayName()).toBe('Renamed');
  });

  it('leaves mutations inside a hospital alone: there, a request is rolled back whole', async () => {
    const hospital = await gw.createTenant({ slug: 'delta' });
    const query = 'mutation { a: createDepartment(input: { name: "A", code: "A" }) { id } b: createDepartment(input: { name: "B", code: "B" }) { id } }';
    const response = await gw.raw('/t/delta/graphql', { query }, { authorization: `Bearer ${hospital.token}` });
    const body = (await response.json()) as GqlResult<{ a: { id: string }; b: { id: string } }>;
    expect(body.errors).toBeUndefined();
    expect(Object.keys(body.data!)).toEqual(['a', 'b']);
  });
});
