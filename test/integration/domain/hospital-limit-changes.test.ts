import { TenantStatus } from '../../../src/tenancy';
import { ChangeTenantLimitsDocument, CreatePatientDocument, CreateTenantDocument, CreateUserDocument, PatientsDocument, TenantLimitsDocument, UsersDocument } from '../../e2e/generated/graphql';
import { ownerQuery } from '../../fixtures/database';
import { ADMIN, errorCode, STAFF_PASSWORD, TestGateway } from '../../fixtures/gateway';
import { dbName } from '../../fixtures/transfer';

type Hospital = { slug: string; token: string };

/**
 * The platform team shows, changes and clears a hospital's own limits after creating it. Enforcement
 * reads the limits from the hospital's catalog record and counts in its placement the same way in
 * every isolation mode (hospital-limits.test.ts runs it in each), so a change is checked in one.
 */
describe('changing a hospital’s own limits (changeTenantLimits)', () => {
  let gw: TestGateway;
  let platform: string;

  beforeAll(async () => {
    gw = await TestGateway.start();
    platform = await gw.platformToken();
  });
  afterAll(() => gw.stop());

  const change = (slug: string, limits: { maxUsers?: number | null; maxAssets?: number | null }) => gw.gql(ChangeTenantLimitsDocument, { slug, ...limits }, { token: platform });
  const limitsOf = async (slug: string) => (await gw.gql(TenantLimitsDocument, { slug }, { token: platform })).data?.tenant;
  const addUser = (h: Hospital, n: number) => gw.gql(CreateUserDocument, { input: { email: `u${n}@${h.slug}.test`, password: STAFF_PASSWORD, role: 'NURSE' } }, h);
  const addPatient = (h: Hospital, n: number) => gw.gql(CreatePatientDocument, { input: { firstName: 'P', lastName: 'Limit', birthDate: '1990-01-01', mrn: `C-${n}` } }, h);
  const counts = async (h: Hospital) => ({
    users: (await gw.gql(UsersDocument, { first: 1 }, h)).data?.users.totalCount,
    patients: (await gw.gql(PatientsDocument, { first: 1 }, h)).data?.patients.totalCount,
  });

  it('creates a hospital with its own limits and shows them, null where the plan decides', async () => {
    await gw.createTenant({ slug: 'own-at-birth', plan: 'BASIC', maxUsers: 3 });
    expect(await limitsOf('own-at-birth')).toEqual({ slug: 'own-at-birth', plan: 'BASIC', maxUsers: 3, maxAssets: null });
  });

  it('refuses createTenant limits outside 0..2147483647, naming each field, and creates nothing', async () => {
    const admin = { email: 'admin@own-bad.test', password: STAFF_PASSWORD };
    const result = await gw.gql(CreateTenantDocument, { input: { slug: 'own-bad', name: 'Bad', admin, maxUsers: -1, maxAssets: -5 } }, { token: platform });
    expect(result.errors?.[0]?.extensions).toEqual({
      code: 'BAD_USER_INPUT',
      fields: { maxUsers: 'must be a whole number from 0 to 2147483647', maxAssets: 'must be a whole number from 0 to 2147483647' },
    });
    expect(await limitsOf('own-bad')).toBeNull();
  });

  it('sets, raises and clears a limit, each taking effect on the next create', async () => {
    const h = await gw.createTenant({ slug: 'own-users' });
    expect((await change(h.slug, { maxUsers: 2 })).data?.changeTenantLimits).toEqual({ slug: h.slug, plan: 'ENTERPRISE', status: 'ACTIVE', maxUsers: 2, maxAssets: null });
    expect((await addUser(h, 1)).errors).toBeUndefined(); // the first ADMIN and this one
    const over = await addUser(h, 2);
    expect(over.errors?.[0]?.extensions).toMatchObject({ code: 'PLAN_LIMIT_REACHED', resource: 'users', limit: 2 });
    expect(over.errors?.[0]?.message).toBe('This hospital may have at most 2 users; the platform team sets this limit');

    expect((await change(h.slug, { maxUsers: 3 })).data?.changeTenantLimits.maxUsers).toBe(3);
    expect((await addUser(h, 3)).errors).toBeUndefined();
    expect(errorCode(await addUser(h, 4))).toBe('PLAN_LIMIT_REACHED');

    expect((await change(h.slug, { maxUsers: null })).data?.changeTenantLimits.maxUsers).toBeNull();
    expect((await addUser(h, 5)).errors).toBeUndefined(); // ENTERPRISE: no limit of its own
    expect(await limitsOf(h.slug)).toEqual({ slug: h.slug, plan: 'ENTERPRISE', maxUsers: null, maxAssets: null });
  });

  it("falls back to the plan's limit once the own limit is cleared", async () => {
    const h = await gw.createTenant({ slug: 'own-trial', plan: 'TRIAL', maxUsers: 7 });
    for (const n of [1, 2, 3, 4, 5]) expect((await addUser(h, n)).errors).toBeUndefined(); // 6 users, past TRIAL's 5
    await change(h.slug, { maxUsers: null });
    const over = await addUser(h, 6);
    expect(over.errors?.[0]?.extensions).toMatchObject({ code: 'PLAN_LIMIT_REACHED', resource: 'users', limit: 5 });
    expect(over.errors?.[0]?.message).toBe('The TRIAL plan allows 5 users; upgrade the plan to add more');
  });

  it('leaves an omitted limit as it is, and changes only the one given', async () => {
    const h = await gw.createTenant({ slug: 'own-omitted', maxUsers: 4, maxAssets: 5 });
    expect((await change(h.slug, { maxAssets: 6 })).data?.changeTenantLimits).toMatchObject({ maxUsers: 4, maxAssets: 6 });
    expect((await change(h.slug, { maxUsers: 0 })).data?.changeTenantLimits).toMatchObject({ maxUsers: 0, maxAssets: 6 });
    const literal = await gw.raw('/graphql', { query: `mutation { changeTenantLimits(slug: "${h.slug}", maxAssets: null) { maxUsers maxAssets } }` }, { authorization: `Bearer ${platform}` });
    expect(await literal.json()).toEqual({ data: { changeTenantLimits: { maxUsers: 0, maxAssets: null } } });
  });

  it('deletes nothing when a limit goes below the count: the rows stay and further creates are refused', async () => {
    const h = await gw.createTenant({ slug: 'own-lowered' });
    for (const n of [1, 2, 3]) expect((await addPatient(h, n)).errors).toBeUndefined();
    expect((await addUser(h, 1)).errors).toBeUndefined();
    await change(h.slug, { maxAssets: 1, maxUsers: 0 });
    expect(await counts(h)).toEqual({ users: 2, patients: 3 });
    expect((await addPatient(h, 4)).errors?.[0]?.extensions).toMatchObject({ code: 'PLAN_LIMIT_REACHED', resource: 'patients', limit: 1 });
    expect((await addUser(h, 2)).errors?.[0]?.extensions).toMatchObject({ code: 'PLAN_LIMIT_REACHED', resource: 'users', limit: 0 });
    expect(await counts(h)).toEqual({ users: 2, patients: 3 });
  });

  it('changes the limits of a suspended hospital, which keeps them when resumed', async () => {
    const h = await gw.createTenant({ slug: 'own-suspended' });
    await gw.tenancy.provisioner.setStatus(h.slug, TenantStatus.SUSPENDED);
    expect((await change(h.slug, { maxAssets: 0 })).data?.changeTenantLimits).toMatchObject({ status: 'SUSPENDED', maxAssets: 0 });
    await gw.tenancy.provisioner.setStatus(h.slug, TenantStatus.ACTIVE);
    expect(errorCode(await addPatient(h, 1))).toBe('PLAN_LIMIT_REACHED');
  });

  describe('refused input, nothing changed', () => {
    const slug = 'own-refused';
    beforeAll(async () => {
      await gw.createTenant({ slug, maxUsers: 9, maxAssets: 9 });
    });
    afterEach(async () => {
      expect(await limitsOf(slug)).toMatchObject({ maxUsers: 9, maxAssets: 9 });
    });

    it('refuses a negative limit, naming the field', async () => {
      const result = await change(slug, { maxUsers: -1 });
      expect(result.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', fields: { maxUsers: 'must be a whole number from 0 to 2147483647' } });
    });

    it('refuses a limit past what GraphQL’s Int holds', async () => {
      expect(errorCode(await change(slug, { maxAssets: 2_147_483_648 }))).toBe('BAD_USER_INPUT');
    });

    it('refuses a change that names no limit', async () => {
      const result = await change(slug, {});
      expect(result.errors?.[0]?.extensions).toEqual({
        code: 'BAD_USER_INPUT',
        fields: { maxUsers: 'give it or maxAssets (null clears it)', maxAssets: 'give it or maxUsers (null clears it)' },
      });
    });

    it('answers NOT_FOUND for a hospital that does not exist or is deleted', async () => {
      expect(errorCode(await change('own-nobody', { maxUsers: 1 }))).toBe('NOT_FOUND');
      const gone = await gw.createTenant({ slug: 'own-deleted' });
      await gw.tenancy.lifecycle.softDelete(gone.slug);
      expect(errorCode(await change(gone.slug, { maxUsers: 1 }))).toBe('NOT_FOUND');
    });
  });

  it('takes the largest limit the catalog holds', async () => {
    const h = await gw.createTenant({ slug: 'own-largest' });
    expect((await change(h.slug, { maxUsers: 2_147_483_647 })).data?.changeTenantLimits.maxUsers).toBe(2_147_483_647);
  });

  it('records every change in the central platform audit, successful or not', async () => {
    const h = await gw.createTenant({ slug: 'own-audited' });
    await change(h.slug, { maxUsers: 5 });
    await change(h.slug, { maxUsers: -5 });
    await change('own-audit-nobody', { maxUsers: 5 });
    const audit = await ownerQuery(
      `select operation, outcome, error_code, tenant_id, tenant_slug, actor_email, source from catalog.platform_audit
        where operation = 'changeTenantLimits' and tenant_slug in ('own-audited', 'own-audit-nobody') order by at`, [], dbName(gw),
    );
    const entry = { operation: 'changeTenantLimits', actor_email: ADMIN.email, source: 'API' };
    expect(audit).toEqual([
      { ...entry, outcome: 'SUCCESS', error_code: null, tenant_id: h.id, tenant_slug: h.slug },
      { ...entry, outcome: 'FAILURE', error_code: 'BAD_USER_INPUT', tenant_id: null, tenant_slug: h.slug },
      { ...entry, outcome: 'FAILURE', error_code: 'NOT_FOUND', tenant_id: null, tenant_slug: 'own-audit-nobody' },
    ]);
  });
});
