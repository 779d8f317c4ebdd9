import { Patient } from '../../../src/modules/patients/patient.entity';
import { READ_ONLY_EXEMPT } from '../../../src/modules/plans/plan.rules';
import { runInTenant } from '../../../src/tenancy';
import {
  ChangePasswordDocument,
  ChangeTenantPlanDocument,
  ConfirmMfaEnrollmentDocument,
  CreateDepartmentDocument,
  CreatePatientDocument,
  CreateUserDocument,
  DisableMfaDocument,
  LoginDocument,
  LogoutDocument,
  PatientsDocument,
  RefreshTokenDocument,
  RegenerateMfaRecoveryCodesDocument,
  StartMfaEnrollmentDocument,
  UpdateProfileDocument,
} from '../../e2e/generated/graphql';
import { ownerQuery } from '../../fixtures/database';
import { errorCode, STAFF_PASSWORD, TestGateway, type GqlResult } from '../../fixtures/gateway';
import { codeFor, signIn } from '../../fixtures/identity';

describe('plans', () => {
  let gw: TestGateway;
  let platform: string;

  const input = (mrn: string) => ({ input: { firstName: 'P', lastName: 'Limit', birthDate: '1990-01-01', mrn } });

  /** Inserts `count` patients straight into the hospital (fast set-up for the boundaries). */
  async function fill(slug: string, count: number): Promise<void> {
    const tenant = (await gw.tenancy.store.bySlug(slug))!;
    await runInTenant(gw.tenancy.pools, tenant, async (em) => {
      for (let i = 0; i < count; i += 1) em.create(Patient, { firstName: 'F', lastName: 'Fill', birthDate: '1990-01-01', mrn: `F-${i}` } as Patient);
      await em.flush();
    });
  }

  async function expireTrial(slug: string, id: string): Promise<void> {
    await ownerQuery(`update catalog.tenants set trial_ends_at = now() - interval '1 minute' where slug = $1`, [slug], new URL(gw.databaseUrl).pathname.slice(1));
    gw.tenancy.store.invalidate(id);
  }

  beforeAll(async () => {
    gw = await TestGateway.start();
    platform = await gw.platformToken();
  });
  afterAll(() => gw.stop());

  it('lets a TRIAL hospital register its 100th patient and refuses the 101st with PLAN_LIMIT_REACHED', async () => {
    const trial = await gw.createTenant({ slug: 'trial-full', plan: 'TRIAL' });
    await fill(trial.slug, 99);
    expect((await gw.gql(CreatePatientDocument, input('LAST'), trial)).errors).toBeUndefined();
    const over = await gw.gql(CreatePatientDocument, input('OVER'), trial);
    expect(over.errors?.[0]?.extensions).toMatchObject({ code: 'PLAN_LIMIT_REACHED', resource: 'patients', limit: 100 });
    expect((await gw.gql(PatientsDocument, { first: 1 }, trial)).data?.patients.totalCount).toBe(100);
  });

  it('holds the limit under concurrent creates: with room for 2, exactly 2 of 6 succeed', async () => {
    const trial = await gw.createTenant({ slug: 'trial-race', plan: 'TRIAL' });
    await fill(trial.slug, 98);
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => gw.gql(CreatePatientDocument, input(`R-${i}`), trial)));
    expect(results.filter((r) => r.data?.createPatient).length).toBe(2);
    expect(results.filter((r) => errorCode(r) === 'PLAN_LIMIT_REACHED').length).toBe(4);
    expect((await gw.gql(PatientsDocument, { first: 1 }, trial)).data?.patients.totalCount).toBe(100);
  });

  it('gives BASIC room past 100 patients (its limit is 1,000)', async () => {
    const basic = await gw.createTenant({ slug: 'basic-room', plan: 'BASIC' });
    await fill(basic.slug, 100);
    expect((await gw.gql(CreatePatientDocument, input('B-101'), basic)).errors).toBeUndefined();
  });

  it('makes an expired trial read-only: reads and sign-in work, writes are PLAN_LIMIT_REACHED until the plan changes', async () => {
    const trial = await gw.createTenant({ slug: 'trial-over', plan: 'TRIAL' });
    await expireTrial(trial.slug, trial.id);
    const write = await gw.gql(CreatePatientDocument, input('X-1'), trial);
    expect(write.errors?.[0]?.extensions).toMatchObject({ code: 'PLAN_LIMIT_REACHED', reason: 'TRIAL_EXPIRED' });
    expect(errorCode(await gw.gql(CreateDepartmentDocument, { input: { name: 'ER', code: 'ER' } }, trial))).toBe('PLAN_LIMIT_REACHED');
    expect((await gw.gql(PatientsDocument, {}, trial)).data?.patients.totalCount).toBe(0);
    expect(await gw.login(`admin@${trial.slug}.test`, STAFF_PASSWORD, trial.slug)).toEqual(expect.any(String));
    const changed = await gw.gql(ChangeTenantPlanDocument, { slug: trial.slug, plan: 'BASIC' }, { token: platform });
    expect(changed.data?.changeTenantPlan.plan).toBe('BASIC');
    expect((await gw.gql(CreatePatientDocument, input('X-2'), trial)).errors).toBeUndefined();
  });

  it('keeps signing in and out and securing one’s own account open in an expired trial: every exempt mutation succeeds', async () => {
    const trial = await gw.createTenant({ slug: 'trial-own-account', plan: 'TRIAL' });
    await expireTrial(trial.slug, trial.id);
    const email = `admin@${trial.slug}.test`;
    const newPassword = 'a-new-hospital-admin-password';
    const session = await signIn(gw, email, STAFF_PASSWORD, trial.slug);
    const as = { slug: trial.slug, token: session.token };
    let secret = '';
    // In the order an account goes through them; each must be answered, none refused as read-only.
    const walk: Record<string, () => Promise<GqlResult<unknown>>> = {
      login: () => gw.gql(LoginDocument, { email, password: STAFF_PASSWORD }, { slug: trial.slug }),
      refreshToken: () => gw.gql(RefreshTokenDocument, { refreshToken: session.refreshToken }, { slug: trial.slug }),
      startMfaEnrollment: async () => {
        const started = await gw.gql(StartMfaEnrollmentDocument, {}, as);
        secret = started.data?.startMfaEnrollment.secret ?? '';
        return started;
      },
      // The current step's code, then the next step's for disableMfa: later than the one spent, and still
      // valid if the clock passes into the next step before the server checks it (a code of the step
      // before would then be two steps old).
      confirmMfaEnrollment: () => gw.gql(ConfirmMfaEnrollmentDocument, { code: codeFor(secret), password: STAFF_PASSWORD }, as),
      regenerateMfaRecoveryCodes: () => gw.gql(RegenerateMfaRecoveryCodesDocument, { password: STAFF_PASSWORD }, as),
      disableMfa: () => gw.gql(DisableMfaDocument, { code: codeFor(secret, 1) }, as),
      changePassword: () => gw.gql(ChangePasswordDocument, { input: { currentPassword: STAFF_PASSWORD, newPassword } }, as),
      logout: async () => gw.gql(LogoutDocument, {}, { slug: trial.slug, token: (await signIn(gw, email, newPassword, trial.slug)).token }),
    };
    expect(new Set(Object.keys(walk))).toEqual(READ_ONLY_EXEMPT);
    for (const [mutation, call] of Object.entries(walk)) {
      const answer = await call();
      expect({ mutation, errors: answer.errors }).toEqual({ mutation, errors: undefined });
    }
    // The hospital itself is still read-only.
    expect(errorCode(await gw.gql(UpdateProfileDocument, { input: { displayName: 'Renamed' } }, { slug: trial.slug, token: (await signIn(gw, email, newPassword, trial.slug)).token }))).toBe('PLAN_LIMIT_REACHED');
  });

  it('lets only a platform admin change a plan, and an unknown hospital is NOT_FOUND', async () => {
    const hospital = await gw.createTenant({ slug: 'plan-self', plan: 'BASIC' });
    expect(errorCode(await gw.gql(ChangeTenantPlanDocument, { slug: hospital.slug, plan: 'ENTERPRISE' }, hospital))).toBe('FORBIDDEN');
    expect(errorCode(await gw.gql(ChangeTenantPlanDocument, { slug: 'no-such-hospital', plan: 'ENTERPRISE' }, { token: platform }))).toBe('NOT_FOUND');
  });

  it('lets a TRIAL hospital have 5 users and refuses the 6th createUser with PLAN_LIMIT_REACHED', async () => {
    const trial = await gw.createTenant({ slug: 'trial-users', plan: 'TRIAL' });
    const addUser = (n: number) =>
      gw.gql(CreateUserDocument, { input: { email: `u${n}@trial-users.test`, password: STAFF_PASSWORD, role: 'NURSE' } }, trial);
    for (const n of [2, 3, 4, 5]) expect((await addUser(n)).errors).toBeUndefined();
    const sixth = await addUser(6);
    expect(errorCode(sixth)).toBe('PLAN_LIMIT_REACHED');
    expect(sixth.errors?.[0]?.extensions).toMatchObject({ resource: 'users', limit: 5 });
  });

  it('lifts the patient limit at once when a full trial is upgraded', async () => {
    const trial = await gw.createTenant({ slug: 'trial-upgrade', plan: 'TRIAL' });
    await fill(trial.slug, 100);
    expect(errorCode(await gw.gql(CreatePatientDocument, input('U-1'), trial))).toBe('PLAN_LIMIT_REACHED');
    await gw.gql(ChangeTenantPlanDocument, { slug: trial.slug, plan: 'PROFESSIONAL' }, { token: platform });
    expect((await gw.gql(CreatePatientDocument, input('U-1'), trial)).errors).toBeUndefined();
  });
});
