import { ownerQuery } from '../fixtures/database';
import { ADMIN, errorCode, STAFF_PASSWORD, TestGateway } from '../fixtures/gateway';
import { apiKeyHeaders, createKey, createStaff, signIn, type Hospital } from '../fixtures/identity';
import {
  ApiKeysDocument,
  ChangePasswordDocument,
  CreatePatientDocument,
  DeactivateUserDocument,
  LoginDocument,
  LogoutDocument,
  MeDocument,
  PatientWithNotesDocument,
  ReactivateUserDocument,
  RecordClinicalNotesDocument,
  RefreshTokenDocument,
  ResetPasswordDocument,
  RevokeApiKeyDocument,
  SetUserRolesDocument,
  TenantsDocument,
} from './generated/graphql';

describe('revocation takes effect on the next request', () => {
  let gw: TestGateway;
  let hospital: Hospital;
  let patientId: string;

  const me = (token: string) => gw.gql(MeDocument, {}, { slug: hospital.slug, token });

  beforeAll(async () => {
    gw = await TestGateway.start();
    hospital = await gw.createTenant({ slug: 'revocation-general' });
    const created = await gw.gql(CreatePatientDocument, { input: { firstName: 'Ada', lastName: 'Byron', birthDate: '1915-12-10', mrn: 'AB-1' } }, hospital);
    patientId = created.data!.createPatient.id;
  });
  afterAll(() => gw.stop());

  it('shuts a deactivated user out at once (token, refresh token, password) and lets them back on reactivation', async () => {
    const nurse = await createStaff(gw, hospital, 'NURSE');
    expect((await me(nurse.token)).data?.me?.email).toBe(nurse.email);
    await gw.gql(DeactivateUserDocument, { id: nurse.id }, hospital);
    expect(errorCode(await me(nurse.token))).toBe('UNAUTHENTICATED');
    expect(errorCode(await gw.gql(RefreshTokenDocument, { refreshToken: nurse.refreshToken }, { slug: hospital.slug }))).toBe('UNAUTHENTICATED');
    const login = await gw.gql(LoginDocument, { email: nurse.email, password: nurse.password }, { slug: hospital.slug });
    expect(login.errors?.[0]).toMatchObject({ message: 'Invalid email or password', extensions: { code: 'UNAUTHENTICATED' } });
    await gw.gql(ReactivateUserDocument, { id: nurse.id }, hospital);
    expect((await signIn(gw, nurse.email, nurse.password, hospital.slug)).user.email).toBe(nurse.email);
  });

  it('applies a demotion to the very next request made with the same token', async () => {
    const doctor = await createStaff(gw, hospital, 'DOCTOR');
    const before = await gw.gql(RecordClinicalNotesDocument, { patientId, notes: 'Mild fever.' }, { slug: hospital.slug, token: doctor.token });
    expect(before.data?.recordClinicalNotes.clinicalNotes).toBe('Mild fever.');
    await gw.gql(SetUserRolesDocument, { id: doctor.id, roles: ['RECEPTIONIST'] }, hospital);
    const write = await gw.gql(RecordClinicalNotesDocument, { patientId, notes: 'Changed.' }, { slug: hospital.slug, token: doctor.token });
    expect(errorCode(write)).toBe('FORBIDDEN');
    const read = await gw.gql(PatientWithNotesDocument, { id: patientId }, { slug: hospital.slug, token: doctor.token });
    expect(read.data?.patient).toMatchObject({ lastName: 'Byron', clinicalNotes: null });
    expect(errorCode(read)).toBe('FORBIDDEN');
  });

  it('refuses a revoked API key on its next request, and stores keys only as hashes', async () => {
    const { id, key } = await createKey(gw, hospital, 'BILLING', 'billing export');
    const before = await gw.gql(MeDocument, {}, { slug: hospital.slug, headers: apiKeyHeaders(key) });
    expect(before.data?.me).toMatchObject({ id, kind: 'API_KEY', roles: ['BILLING'], email: 'billing export' });
    const listed = await gw.gql(ApiKeysDocument, {}, hospital);
    expect(listed.data?.apiKeys.edges.find((e) => e.node.id === id)?.node.lastUsedAt).not.toBeNull();
    const stored = await ownerQuery<{ secret_hash: string }>('select secret_hash from tenants_shared.api_keys where id = $1', [id], new URL(gw.databaseUrl).pathname.slice(1));
    expect(stored[0]!.secret_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(key).not.toContain(stored[0]!.secret_hash);
    await gw.gql(RevokeApiKeyDocument, { id }, hospital);
    expect(errorCode(await gw.gql(MeDocument, {}, { slug: hospital.slug, headers: apiKeyHeaders(key) }))).toBe('UNAUTHENTICATED');
  });

  it('rotates refresh tokens, and a replayed one ends the whole session, new tokens included', async () => {
    const clerk = await createStaff(gw, hospital, 'BILLING');
    const first = await gw.gql(RefreshTokenDocument, { refreshToken: clerk.refreshToken }, { slug: hospital.slug });
    const next = first.data!.refreshToken;
    expect(next.refreshToken).not.toBe(clerk.refreshToken);
    expect((await me(next.token)).data?.me?.email).toBe(clerk.email);
    const replay = await gw.gql(RefreshTokenDocument, { refreshToken: clerk.refreshToken }, { slug: hospital.slug });
    expect(errorCode(replay)).toBe('UNAUTHENTICATED');
    expect(errorCode(await gw.gql(RefreshTokenDocument, { refreshToken: next.refreshToken }, { slug: hospital.slug }))).toBe('UNAUTHENTICATED');
    expect(errorCode(await me(next.token))).toBe('UNAUTHENTICATED');
    expect(errorCode(await me(clerk.token))).toBe('UNAUTHENTICATED');
  });

  describe('a refresh token used several times at once', () => {
    const database = () => new URL(gw.databaseUrl).pathname.slice(1);
    const refresh = (refreshToken: string, slug?: string) => gw.gql(RefreshTokenDocument, { refreshToken }, { slug });
    const idleInTransaction = async () =>
      (await ownerQuery<{ n: number }>("select count(*)::int as n from pg_stat_activity where datname = $1 and state like 'idle in transaction%'", [database()]))[0]!.n;

    /** Sends `n` uses of one token together: exactly one wins, promptly; the others are refused. */
    async function race(n: number, refreshToken: string, slug?: string) {
      const started = Date.now();
      const answers = await Promise.all(Array.from({ length: n }, () => refresh(refreshToken, slug)));
      expect(Date.now() - started).toBeLessThan(2_500); // well under the 5 s statement timeout
      expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
      const won = answers.filter((a) => a.data?.refreshToken);
      expect(won).toHaveLength(1);
      expect(answers.filter((a) => errorCode(a) === 'UNAUTHENTICATED')).toHaveLength(n - 1);
      expect(await idleInTransaction()).toBe(0);
      return won[0]!.data!.refreshToken;
    }

    it.each([2, 3, 10])('lets one of %i concurrent uses win and ends the session, the winner’s new tokens included', async (n) => {
      const clerk = await createStaff(gw, hospital, 'BILLING', `race-${n}@revocation-general.test`);
      const next = await race(n, clerk.refreshToken, hospital.slug);
      expect(errorCode(await refresh(next.refreshToken, hospital.slug))).toBe('UNAUTHENTICATED');
      expect(errorCode(await me(next.token))).toBe('UNAUTHENTICATED');
    });

    it('ends the session when one request spends the same token twice', async () => {
      const clerk = await createStaff(gw, hospital, 'BILLING', 'twice@revocation-general.test');
      const query = 'mutation($r:String!){a:refreshToken(refreshToken:$r){refreshToken} b:refreshToken(refreshToken:$r){refreshToken}}';
      const started = Date.now();
      const response = await gw.raw(`/t/${hospital.slug}/graphql`, { query, variables: { r: clerk.refreshToken } });
      expect(Date.now() - started).toBeLessThan(2_500);
      const body = (await response.json()) as { errors?: { path: string[]; extensions: { code: string } }[] };
      expect(response.status).toBe(200);
      expect(body.errors?.map((e) => [e.path[0], e.extensions.code])).toEqual([['b', 'UNAUTHENTICATED']]);
      expect(await idleInTransaction()).toBe(0);
      expect(errorCode(await refresh(clerk.refreshToken, hospital.slug))).toBe('UNAUTHENTICATED');
      expect(errorCode(await me(clerk.token))).toBe('UNAUTHENTICATED');
    });

    it('lets one of 10 concurrent uses of a platform refresh token win and ends the platform session', async () => {
      const platform = await signIn(gw, ADMIN.email, ADMIN.password);
      const next = await race(10, platform.refreshToken);
      expect(errorCode(await refresh(next.refreshToken))).toBe('UNAUTHENTICATED');
      expect(errorCode(await gw.gql(TenantsDocument, {}, { token: next.token }))).toBe('UNAUTHENTICATED');
    });
  });

  it('stores refresh tokens only as hashes', async () => {
    const tech = await createStaff(gw, hospital, 'LAB_TECH');
    const [sessionId, secret] = tech.refreshToken.split('.');
    const rows = await ownerQuery<{ token_hash: string }>('select token_hash from tenants_shared.auth_sessions where id = $1', [sessionId], new URL(gw.databaseUrl).pathname.slice(1));
    expect(rows[0]!.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[0]!.token_hash).not.toContain(secret);
  });

  it('ends the session on logout: its access token and refresh token stop, other sessions go on', async () => {
    const receptionist = await createStaff(gw, hospital, 'RECEPTIONIST');
    const other = await signIn(gw, receptionist.email, receptionist.password, hospital.slug);
    expect((await gw.gql(LogoutDocument, {}, { slug: hospital.slug, token: receptionist.token })).data?.logout).toBe(true);
    expect(errorCode(await me(receptionist.token))).toBe('UNAUTHENTICATED');
    expect(errorCode(await gw.gql(RefreshTokenDocument, { refreshToken: receptionist.refreshToken }, { slug: hospital.slug }))).toBe('UNAUTHENTICATED');
    expect((await me(other.token)).data?.me?.email).toBe(receptionist.email);
  });

  it('ends every session of a user whose password an ADMIN resets', async () => {
    const nurse = await createStaff(gw, hospital, 'NURSE', 'reset.me@revocation-general.test');
    await gw.gql(ResetPasswordDocument, { id: nurse.id, password: 'a fresh long password' }, hospital);
    expect(errorCode(await me(nurse.token))).toBe('UNAUTHENTICATED');
    expect(errorCode(await gw.gql(LoginDocument, { email: nurse.email, password: STAFF_PASSWORD }, { slug: hospital.slug }))).toBe('UNAUTHENTICATED');
    expect((await signIn(gw, nurse.email, 'a fresh long password', hospital.slug)).user.email).toBe(nurse.email);
  });

  it('leaves no session signed in with the old password when sign-ins race the reset', async () => {
    const nurse = await createStaff(gw, hospital, 'NURSE', 'reset.race@revocation-general.test');
    const [reset, ...logins] = await Promise.all([
      gw.gql(ResetPasswordDocument, { id: nurse.id, password: 'a fresh long password' }, hospital),
      // As many as LOGIN_MAX_FAILURES: a burst reserves lockout attempts before checking the password.
      ...Array.from({ length: 5 }, () => gw.gql(LoginDocument, { email: nurse.email, password: STAFF_PASSWORD }, { slug: hospital.slug })),
    ]);
    expect(errorCode(reset)).toBeUndefined();
    for (const login of logins) expect([undefined, 'UNAUTHENTICATED']).toContain(errorCode(login));
    const answers = await Promise.all(logins.flatMap((l) => (l.data?.login ? [me(l.data.login.token)] : [])));
    expect(answers.map(errorCode)).toEqual(answers.map(() => 'UNAUTHENTICATED'));
  });

  it('ends the other sessions, not this one, when a user changes their password', async () => {
    const doctor = await createStaff(gw, hospital, 'DOCTOR', 'changes.password@revocation-general.test');
    const other = await signIn(gw, doctor.email, doctor.password, hospital.slug);
    const wrong = await gw.gql(ChangePasswordDocument, { input: { currentPassword: 'not my password', newPassword: 'my new long password' } }, { slug: hospital.slug, token: doctor.token });
    expect(wrong.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { currentPassword: 'is not correct' } });
    const changed = await gw.gql(ChangePasswordDocument, { input: { currentPassword: doctor.password, newPassword: 'my new long password' } }, { slug: hospital.slug, token: doctor.token });
    expect(changed.data?.changePassword).toBe(true);
    expect((await me(doctor.token)).data?.me?.email).toBe(doctor.email);
    expect(errorCode(await me(other.token))).toBe('UNAUTHENTICATED');
  });

  it('rotates and revokes platform sessions in the catalog the same way', async () => {
    const platform = await signIn(gw, ADMIN.email, ADMIN.password);
    expect(platform.user).toMatchObject({ kind: 'PLATFORM_USER', roles: ['SUPERADMIN'], tenant: null });
    const next = (await gw.gql(RefreshTokenDocument, { refreshToken: platform.refreshToken }, {})).data!.refreshToken;
    expect(errorCode(await gw.gql(TenantsDocument, {}, { token: next.token }))).toBeUndefined();
    expect(errorCode(await gw.gql(RefreshTokenDocument, { refreshToken: platform.refreshToken }, {}))).toBe('UNAUTHENTICATED');
    expect(errorCode(await gw.gql(TenantsDocument, {}, { token: next.token }))).toBe('UNAUTHENTICATED');
    const again = await signIn(gw, ADMIN.email, ADMIN.password);
    await gw.gql(LogoutDocument, {}, { slug: hospital.slug, token: again.token });
    expect(errorCode(await gw.gql(TenantsDocument, {}, { token: again.token }))).toBe('UNAUTHENTICATED');
  });
});
