import { print } from 'graphql';
import { PLAN_REQUEST_LIMITS, PLATFORM_ADMIN_REQUESTS_PER_MINUTE } from '../../src/modules/plans/plan-limits';
import { createPlatformAdmin } from '../../src/modules/platform/platform-admins';
import { createTenant } from '../../src/modules/platform/tenant.service';
import { scaledLimit } from '../../src/rate-limits';
import { Isolation, Plan } from '../../src/tenancy';
import { errorCode, STAFF_PASSWORD, TestGateway, type GqlResult } from '../fixtures/gateway';
import type { Hospital } from '../fixtures/identity';
import { addStaff } from '../fixtures/staff';
import { ChangeTenantPlanDocument, LoginDocument, MeDocument, RefreshTokenDocument } from './generated/graphql';

/** Small limits: the production table scaled down, so each is a handful of requests. */
const MULTIPLIER = 0.005;
const limitOf = (plan: Plan, scope: 'tenant' | 'user') => scaledLimit(PLAN_REQUEST_LIMITS[plan][scope], MULTIPLIER)!;

/** Provisions a hospital through the core (no platform-admin requests spent) and signs its ADMIN in. */
async function provision(gw: TestGateway, slug: string, plan: Plan): Promise<Hospital> {
  const admin = { email: `admin@${slug}.test`, password: STAFF_PASSWORD };
  const tenant = await createTenant(gw.tenancy, { slug, name: `Hospital ${slug}`, isolation: Isolation.SHARED, plan, admin });
  return { id: tenant.id, slug, token: await gw.login(admin.email, admin.password, slug) };
}

const me = (gw: TestGateway, as: { slug?: string; token: string }) => gw.gql(MeDocument, {}, as);

/** `count` requests as `as`, each expected to succeed. */
async function spend(gw: TestGateway, as: { slug?: string; token: string }, count: number): Promise<void> {
  for (let i = 0; i < count; i += 1) expect(errorCode(await me(gw, as))).toBeUndefined();
}

function expectRateLimited(result: GqlResult<unknown>): void {
  expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) });
  expect(result.status).toBe(429);
}

describe('request rate limits per hospital and per user, by plan', () => {
  let gw: TestGateway;

  beforeAll(async () => {
    gw = await TestGateway.start({ RATE_LIMIT_MULTIPLIER: String(MULTIPLIER), RATE_LIMIT_PUBLIC_PER_MINUTE: '20000' });
  });
  afterAll(() => gw.stop());

  it('refuses a user over the per-user limit with RATE_LIMITED, HTTP 429 and Retry-After, while another user of the hospital goes on', async () => {
    const hospital = await provision(gw, 'rl-user', Plan.BASIC);
    const nurse = await addStaff(gw, hospital.slug, 'NURSE');
    const doctor = await addStaff(gw, hospital.slug, 'DOCTOR');
    await spend(gw, nurse, limitOf(Plan.BASIC, 'user'));

    const refused = await gw.raw(`/t/${hospital.slug}/graphql`, { query: print(MeDocument) }, { authorization: `Bearer ${nurse.token}` });
    expect(refused.status).toBe(429);
    const body = (await refused.json()) as GqlResult<unknown>;
    expect(body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    const wait = body.errors?.[0]?.extensions?.retryAfterSeconds as number;
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(60);
    expect(refused.headers['retry-after']).toBe(String(wait));

    expect(errorCode(await me(gw, doctor))).toBeUndefined();
  });

  it("refuses a hospital over its plan's limit, whoever asks, while another hospital on the same plan is unaffected", async () => {
    const full = await provision(gw, 'rl-full', Plan.TRIAL);
    const neighbour = await provision(gw, 'rl-neighbour', Plan.TRIAL);
    const budget = limitOf(Plan.TRIAL, 'tenant');
    const perUser = limitOf(Plan.TRIAL, 'user');
    const staff = [full, ...(await Promise.all(Array.from({ length: Math.ceil(budget / perUser) }, (_, i) => addStaff(gw, full.slug, 'NURSE', `nurse${i}`))))];
    let spent = 0;
    for (const member of staff) {
      const take = Math.min(perUser, budget - spent);
      await spend(gw, { slug: full.slug, token: member.token }, take);
      spent += take;
    }
    expect(spent).toBe(budget);

    // The next member has not used any of their own allowance: the hospital's is what is spent.
    const fresh = await addStaff(gw, full.slug, 'DOCTOR');
    expectRateLimited(await me(gw, fresh));
    expect(errorCode(await me(gw, neighbour))).toBeUndefined();
  });

  it('gives each plan its own limits, and a plan change applies on the next request', async () => {
    const trial = await provision(gw, 'rl-trial', Plan.TRIAL);
    const enterprise = await provision(gw, 'rl-enterprise', Plan.ENTERPRISE);
    expect(limitOf(Plan.ENTERPRISE, 'user')).toBeGreaterThan(limitOf(Plan.TRIAL, 'user'));

    await spend(gw, trial, limitOf(Plan.TRIAL, 'user'));
    expectRateLimited(await me(gw, trial));
    await spend(gw, enterprise, limitOf(Plan.ENTERPRISE, 'user'));
    expectRateLimited(await me(gw, enterprise));

    const changed = await gw.gql(ChangeTenantPlanDocument, { slug: trial.slug, plan: 'ENTERPRISE' }, { token: await gw.platformToken() });
    expect(changed.data?.changeTenantPlan.plan).toBe('ENTERPRISE');
    await spend(gw, trial, limitOf(Plan.ENTERPRISE, 'user'));
    expectRateLimited(await me(gw, trial));
  });

  it('counts a platform admin per person, on the platform host and inside hospitals, never against the hospital', async () => {
    await createPlatformAdmin(gw.tenancy.central, { email: 'support@platform.test', password: 'support-admin-password' });
    const support = await gw.login('support@platform.test', 'support-admin-password');
    const hospital = await provision(gw, 'rl-support', Plan.TRIAL);
    const limit = scaledLimit(PLATFORM_ADMIN_REQUESTS_PER_MINUTE, MULTIPLIER)!;
    await spend(gw, { slug: hospital.slug, token: support }, limit - 1);
    await spend(gw, { token: support }, 1);
    expectRateLimited(await me(gw, { token: support }));
    expectRateLimited(await me(gw, { slug: hospital.slug, token: support }));

    // The hospital's own allowance is untouched by the platform admin's requests.
    const members = [hospital, ...(await Promise.all([addStaff(gw, hospital.slug, 'NURSE'), addStaff(gw, hospital.slug, 'DOCTOR'), addStaff(gw, hospital.slug, 'BILLING')]))];
    for (const member of members.slice(0, limitOf(Plan.TRIAL, 'tenant'))) await spend(gw, { slug: hospital.slug, token: member.token }, 1);
  });
});

describe('request rate limits per client address for public mutations', () => {
  let gw: TestGateway;
  const PER_MINUTE = 4;
  const from = (address: string) => ({ 'x-forwarded-for': address });

  beforeAll(async () => {
    gw = await TestGateway.start({ RATE_LIMIT_PUBLIC_PER_MINUTE: String(PER_MINUTE), TRUST_PROXY: 'true' });
  });
  afterAll(() => gw.stop());

  it('limits sign-in attempts per address across emails, hospitals and the platform host, and nobody else', async () => {
    const a = await createTenant(gw.tenancy, { slug: 'rl-ip-a', name: 'A', isolation: Isolation.SHARED, plan: Plan.ENTERPRISE, admin: { email: 'admin@rl-ip-a.test', password: STAFF_PASSWORD } });
    const attempt = (email: string, address: string, slug?: string) => gw.gql(LoginDocument, { email, password: 'a wrong password' }, { slug, headers: from(address) });
    for (let i = 0; i < PER_MINUTE - 1; i += 1) expect(errorCode(await attempt(`user${i}@rl-ip-a.test`, '198.51.100.7', a.slug))).toBe('UNAUTHENTICATED');
    expect(errorCode(await attempt('someone@platform.test', '198.51.100.7'))).toBe('UNAUTHENTICATED');

    // Even the right password, at another email, is refused from this address now.
    const right = await gw.gql(LoginDocument, { email: 'admin@rl-ip-a.test', password: STAFF_PASSWORD }, { slug: a.slug, headers: from('198.51.100.7') });
    expectRateLimited(right);
    expect(errorCode(await gw.gql(RefreshTokenDocument, { refreshToken: 'x.y' }, { headers: from('198.51.100.7') }))).toBe('RATE_LIMITED');
    // Another address signs in.
    expect((await gw.gql(LoginDocument, { email: 'admin@rl-ip-a.test', password: STAFF_PASSWORD }, { slug: a.slug, headers: from('198.51.100.8') })).data?.login.token).toEqual(expect.any(String));
  });

  it('counts every public mutation in a request, aliases included', async () => {
    // Inside a hospital: on the platform host a mutation runs one field.
    const hospital = await createTenant(gw.tenancy, { slug: 'rl-aliases', name: 'A', isolation: Isolation.SHARED, plan: Plan.ENTERPRISE, admin: { email: 'admin@rl-aliases.test', password: STAFF_PASSWORD } });
    const aliased = `mutation { ${Array.from({ length: PER_MINUTE + 1 }, (_, i) => `a${i}: login(email: "x${i}@example.org", password: "a wrong password") { token }`).join(' ')} }`;
    const response = await gw.raw(`/t/${hospital.slug}/graphql`, { query: aliased }, from('198.51.100.9'));
    expect(response.status).toBe(429);
    expect(((await response.json()) as GqlResult<unknown>).errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
  });
});
