import { createTenant } from '../../../src/modules/platform/tenant.service';
import { Isolation, Plan } from '../../../src/tenancy';
import { ChangeTenantPlanDocument, CreatePatientDocument, CreateUserDocument, PatientsDocument, UsersDocument } from '../../e2e/generated/graphql';
import { errorCode, STAFF_PASSWORD, TestGateway, type GqlResult } from '../../fixtures/gateway';
import { statementsOf } from '../../fixtures/statements';

type Hospital = { slug: string; token: string };

describe('per-hospital limits (maxUsers, maxAssets) set by the platform team', () => {
  let gw: TestGateway;

  beforeAll(async () => {
    gw = await TestGateway.start();
  });
  afterAll(() => gw.stop());

  /** Provisions a hospital with its own limits, as create-tenant and bulk-create-tenants do. */
  async function hospital(slug: string, plan: Plan, limits: { maxUsers?: number; maxAssets?: number }, isolation = Isolation.SHARED): Promise<Hospital> {
    const admin = { email: `admin@${slug}.test`, password: STAFF_PASSWORD };
    await createTenant(gw.tenancy, { slug, name: `Hospital ${slug}`, isolation, plan, admin, ...limits });
    return { slug, token: await gw.login(admin.email, admin.password, slug) };
  }

  const addUser = (h: Hospital, n: number) => gw.gql(CreateUserDocument, { input: { email: `u${n}@${h.slug}.test`, password: STAFF_PASSWORD, role: 'NURSE' } }, h);
  const addPatient = (h: Hospital, n: number) => gw.gql(CreatePatientDocument, { input: { firstName: 'P', lastName: 'Limit', birthDate: '1990-01-01', mrn: `L-${n}` } }, h);
  const users = async (h: Hospital) => (await gw.gql(UsersDocument, { first: 1 }, h)).data?.users.totalCount;
  const patients = async (h: Hospital) => (await gw.gql(PatientsDocument, { first: 1 }, h)).data?.patients.totalCount;
  const succeeded = (results: GqlResult<unknown>[]) => results.filter((r) => !r.errors).length;
  const refused = (results: GqlResult<unknown>[]) => results.filter((r) => errorCode(r) === 'PLAN_LIMIT_REACHED').length;
  const twenty = <T>(call: (n: number) => Promise<T>) => Promise.all(Array.from({ length: 20 }, (_, n) => call(n)));

  describe.each([Isolation.SHARED, Isolation.SCHEMA, Isolation.DATABASE])('in %s isolation', (isolation) => {
    it('holds an ENTERPRISE hospital to its own 2 users and 3 patients under 20 concurrent creates each', async () => {
      const h = await hospital(`limits-${isolation.toLowerCase()}`, Plan.ENTERPRISE, { maxUsers: 2, maxAssets: 3 }, isolation);
      const userResults = await twenty((n) => addUser(h, n));
      // The first ADMIN counts: one more user fits.
      expect({ succeeded: succeeded(userResults), refused: refused(userResults) }).toEqual({ succeeded: 1, refused: 19 });
      const patientResults = await twenty((n) => addPatient(h, n));
      expect({ succeeded: succeeded(patientResults), refused: refused(patientResults) }).toEqual({ succeeded: 3, refused: 17 });
      expect({ users: await users(h), patients: await patients(h) }).toEqual({ users: 2, patients: 3 });
    });
  });

  it('refuses every new user and patient with limits of 0, the first ADMIN still created', async () => {
    const h = await hospital('limits-zero', Plan.ENTERPRISE, { maxUsers: 0, maxAssets: 0 });
    const user = await addUser(h, 1);
    expect(user.errors?.[0]?.extensions).toMatchObject({ code: 'PLAN_LIMIT_REACHED', resource: 'users', limit: 0 });
    expect(errorCode(await addPatient(h, 1))).toBe('PLAN_LIMIT_REACHED');
    expect({ users: await users(h), patients: await patients(h) }).toEqual({ users: 1, patients: 0 });
  });

  it("replaces a TRIAL plan's limits, smaller or larger: 3 patients instead of 100, 7 users instead of 5", async () => {
    const h = await hospital('limits-trial', Plan.TRIAL, { maxUsers: 7, maxAssets: 3 });
    for (const n of [1, 2, 3]) expect((await addPatient(h, n)).errors).toBeUndefined();
    const fourth = await addPatient(h, 4);
    expect(fourth.errors?.[0]?.extensions).toMatchObject({ code: 'PLAN_LIMIT_REACHED', resource: 'patients', limit: 3 });
    expect(fourth.errors?.[0]?.message).toBe('This hospital may have at most 3 patients; the platform team sets this limit');
    for (const n of [2, 3, 4, 5, 6, 7]) expect((await addUser(h, n)).errors).toBeUndefined();
    expect((await addUser(h, 8)).errors?.[0]?.extensions).toMatchObject({ code: 'PLAN_LIMIT_REACHED', resource: 'users', limit: 7 });
  });

  it("keeps a hospital's own limit when its plan changes, and the plan's limit still applies where it set none", async () => {
    const h = await hospital('limits-replan', Plan.TRIAL, { maxUsers: 2 });
    const platform = await gw.platformToken();
    expect((await gw.gql(ChangeTenantPlanDocument, { slug: h.slug, plan: 'ENTERPRISE' }, { token: platform })).errors).toBeUndefined();
    expect((await addUser(h, 2)).errors).toBeUndefined();
    expect(errorCode(await addUser(h, 3))).toBe('PLAN_LIMIT_REACHED');
    expect((await gw.gql(ChangeTenantPlanDocument, { slug: h.slug, plan: 'TRIAL' }, { token: platform })).errors).toBeUndefined();
    expect((await addPatient(h, 1)).errors).toBeUndefined();
  });

  it('reads the limits with the hospital the request resolved, not from the catalog again', async () => {
    const h = await hospital('limits-cached', Plan.ENTERPRISE, { maxAssets: 5 });
    await addPatient(h, 1); // the hospital is now in the resolution cache
    const statements = await statementsOf(() => addPatient(h, 2));
    expect(statements.filter((s) => /catalog/i.test(s))).toEqual([]);
    expect(await patients(h)).toBe(2);
  });
});
