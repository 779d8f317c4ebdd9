import { newTotpSecret } from '../../src/auth/totp';
import { ownerQuery } from '../fixtures/database';
import { ADMIN, errorCode, STAFF_PASSWORD, TestGateway } from '../fixtures/gateway';
import { codeFor, createStaff, signIn, type Hospital, type Staff } from '../fixtures/identity';
import {
  AuditLogDocument,
  ConfirmMfaEnrollmentDocument,
  CreateUserDocument,
  DisableMfaDocument,
  LoginDocument,
  LogoutDocument,
  MeDocument,
  PatientsDocument,
  RegenerateMfaRecoveryCodesDocument,
  ResetUserMfaDocument,
  StartMfaEnrollmentDocument,
  UpdateHospitalSettingsDocument,
  UsersDocument,
} from './generated/graphql';

describe('two-factor sign-in (TOTP)', () => {
  let gw: TestGateway;
  let hospital: Hospital;
  let strict: Hospital;

  /** Enrols the user signed in as `staff` (whose password is `password`) and returns the secret; the confirming code uses the previous time step. */
  async function enrol(staff: { token: string }, password: string, slug?: string): Promise<string> {
    const started = await gw.gql(StartMfaEnrollmentDocument, {}, { slug, token: staff.token });
    const secret = started.data!.startMfaEnrollment.secret;
    const confirmed = await gw.gql(ConfirmMfaEnrollmentDocument, { code: codeFor(secret, -1), password }, { slug, token: staff.token });
    expect(confirmed.data?.confirmMfaEnrollment.mfaEnabled).toBe(true);
    return secret;
  }

  beforeAll(async () => {
    gw = await TestGateway.start();
    hospital = await gw.createTenant({ slug: 'mfa-general' });
    strict = await gw.createTenant({ slug: 'mfa-strict' });
  });
  afterAll(() => gw.stop());

  it('enrols: the secret comes with an otpauth URI, and MFA is on only after a valid code', async () => {
    const nurse = await createStaff(gw, hospital, 'NURSE');
    const started = await gw.gql(StartMfaEnrollmentDocument, {}, { slug: hospital.slug, token: nurse.token });
    const { secret, uri } = started.data!.startMfaEnrollment;
    expect(uri).toMatch(/^otpauth:\/\/totp\/.+secret=/);
    expect(uri).toContain(`secret=${secret}`);
    const wrong = await gw.gql(ConfirmMfaEnrollmentDocument, { code: codeFor(newTotpSecret('x', 'y').secret), password: nurse.password }, { slug: hospital.slug, token: nurse.token });
    expect(wrong.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { code: expect.any(String) } });
    expect((await gw.gql(MeDocument, {}, { slug: hospital.slug, token: nurse.token })).data?.me?.mfaEnabled).toBe(false);
    const confirmed = await gw.gql(ConfirmMfaEnrollmentDocument, { code: codeFor(secret), password: nurse.password }, { slug: hospital.slug, token: nurse.token });
    expect(confirmed.data?.confirmMfaEnrollment.mfaEnabled).toBe(true);
  });

  it('turns MFA on only with the password too, so a stolen session cannot put another authenticator on the account', async () => {
    const nurse = await createStaff(gw, hospital, 'NURSE', 'stolen.session@mfa-general.test');
    const started = await gw.gql(StartMfaEnrollmentDocument, {}, { slug: hospital.slug, token: nurse.token });
    const { secret } = started.data!.startMfaEnrollment;
    const thief = await gw.gql(ConfirmMfaEnrollmentDocument, { code: codeFor(secret), password: 'a guessed password' }, { slug: hospital.slug, token: nurse.token });
    expect(thief.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { password: 'is not correct' } });
    expect((await gw.gql(MeDocument, {}, { slug: hospital.slug, token: nurse.token })).data?.me?.mfaEnabled).toBe(false);
    // The owner still signs in with the password alone, and can confirm with it.
    expect((await signIn(gw, nurse.email, nurse.password, hospital.slug)).user.mfaEnabled).toBe(false);
    const owner = await gw.gql(ConfirmMfaEnrollmentDocument, { code: codeFor(secret), password: nurse.password }, { slug: hospital.slug, token: nurse.token });
    expect(owner.data?.confirmMfaEnrollment.mfaEnabled).toBe(true);
  });

  it('asks for the code after the password, refuses a wrong one, accepts a right one and refuses it replayed', async () => {
    const doctor = await createStaff(gw, hospital, 'DOCTOR');
    const secret = await enrol(doctor, doctor.password, hospital.slug);
    const login = (mfaCode?: string) => gw.gql(LoginDocument, { email: doctor.email, password: doctor.password, mfaCode }, { slug: hospital.slug });

    const withoutCode = await login();
    expect(withoutCode.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', mfaRequired: true });
    const wrongCode = await login(codeFor(newTotpSecret('x', 'y').secret));
    expect(wrongCode.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', mfaRequired: true });
    const code = codeFor(secret);
    const ok = await login(code);
    expect(ok.data?.login.user).toMatchObject({ email: doctor.email, mfaEnabled: true });
    const replayed = await login(code);
    expect(replayed.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', mfaRequired: true });
    const next = await login(codeFor(secret, 1));
    expect(next.data?.login.token).toBeTruthy();
  });

  it('stores the TOTP seed sealed, and still accepts a seed stored in the clear before sealing existed', async () => {
    const doctor = await createStaff(gw, hospital, 'DOCTOR', 'sealed@mfa-general.test');
    const secret = await enrol(doctor, doctor.password, hospital.slug);
    const { placement } = (await gw.tenancy.store.bySlug(hospital.slug))!;
    const users = `"${placement.schema}".users`;
    const [row] = await ownerQuery<{ mfa_secret: string }>(`select mfa_secret from ${users} where email = $1`, [doctor.email], placement.database);
    expect(row!.mfa_secret).toMatch(/^v1\./);
    expect(row!.mfa_secret).not.toContain(secret);

    await ownerQuery(`update ${users} set mfa_secret = $1 where email = $2`, [secret, doctor.email], placement.database);
    const login = await gw.gql(LoginDocument, { email: doctor.email, password: doctor.password, mfaCode: codeFor(secret, 1) }, { slug: hospital.slug });
    expect(login.data?.login.token).toBeTruthy();
  });

  it('does not take a code in place of a wrong password', async () => {
    const clerk = await createStaff(gw, hospital, 'BILLING');
    const secret = await enrol(clerk, clerk.password, hospital.slug);
    const result = await gw.gql(LoginDocument, { email: clerk.email, password: 'not the password!', mfaCode: codeFor(secret) }, { slug: hospital.slug });
    expect(result.errors?.[0]).toMatchObject({ message: 'Invalid email or password', extensions: { code: 'UNAUTHENTICATED' } });
  });

  it('turns MFA off only with a valid code', async () => {
    const tech = await createStaff(gw, hospital, 'LAB_TECH');
    const secret = await enrol(tech, tech.password, hospital.slug);
    const wrong = await gw.gql(DisableMfaDocument, { code: '123' }, { slug: hospital.slug, token: tech.token });
    expect(errorCode(wrong)).toBe('BAD_USER_INPUT');
    const off = await gw.gql(DisableMfaDocument, { code: codeFor(secret) }, { slug: hospital.slug, token: tech.token });
    expect(off.data?.disableMfa.mfaEnabled).toBe(false);
    expect((await signIn(gw, tech.email, tech.password, hospital.slug)).user.mfaEnabled).toBe(false);
  });

  it('lets an ADMIN reset a lost second factor: the user’s sessions end and they sign in with the password again', async () => {
    const nurse = await createStaff(gw, hospital, 'NURSE', 'lost.phone@mfa-general.test');
    await enrol(nurse, nurse.password, hospital.slug);
    const reset = await gw.gql(ResetUserMfaDocument, { id: nurse.id }, hospital);
    expect(reset.data?.resetUserMfa.mfaEnabled).toBe(false);
    expect(errorCode(await gw.gql(MeDocument, {}, { slug: hospital.slug, token: nurse.token }))).toBe('UNAUTHENTICATED');
    expect((await signIn(gw, nurse.email, nurse.password, hospital.slug)).user.mfaEnabled).toBe(false);
  });

  it('gives platform users MFA too', async () => {
    const platform = await signIn(gw, ADMIN.email, ADMIN.password);
    const secret = await enrol(platform, ADMIN.password);
    const withoutCode = await gw.gql(LoginDocument, { email: ADMIN.email, password: ADMIN.password }, {});
    expect(withoutCode.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', mfaRequired: true });
    const withCode = await gw.gql(LoginDocument, { email: ADMIN.email, password: ADMIN.password, mfaCode: codeFor(secret) }, {});
    expect(withCode.data?.login.user.kind).toBe('PLATFORM_USER');
    await gw.gql(DisableMfaDocument, { code: codeFor(secret, 1) }, { token: withCode.data!.login.token });
  });

  describe('recovery codes', () => {
    const CODE = /^[a-z2-9]{5}-[a-z2-9]{5}$/;
    const regenerate = (token: string, password: string, slug?: string) => gw.gql(RegenerateMfaRecoveryCodesDocument, { password }, { slug, token });

    it('are handed out once MFA is on, to a session that gave the second factor and the password again', async () => {
      const doctor = await createStaff(gw, hospital, 'DOCTOR', 'codes@mfa-general.test');
      expect(errorCode(await regenerate(doctor.token, doctor.password, hospital.slug))).toBe('CONFLICT');
      const earlier = await signIn(gw, doctor.email, doctor.password, hospital.slug); // a session from before MFA
      await enrol(doctor, doctor.password, hospital.slug);
      const wrongPassword = await regenerate(doctor.token, 'not the password!', hospital.slug);
      expect(wrongPassword.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { password: expect.any(String) } });
      expect(errorCode(await regenerate(earlier.token, doctor.password, hospital.slug))).toBe('CONFLICT');
      const codes = (await regenerate(doctor.token, doctor.password, hospital.slug)).data!.regenerateMfaRecoveryCodes;
      expect(codes).toHaveLength(10);
      expect(new Set(codes).size).toBe(10);
      for (const code of codes) expect(code).toMatch(CODE);
      expect((await gw.gql(MeDocument, {}, { slug: hospital.slug, token: doctor.token })).data?.me?.mfaRecoveryCodesLeft).toBe(10);
      // Only their hashes are stored.
      const { placement } = (await gw.tenancy.store.bySlug(hospital.slug))!;
      const [row] = await ownerQuery<{ codes: string[] }>(`select mfa_recovery_codes as codes from "${placement.schema}".users where email = $1`, [doctor.email], placement.database);
      expect(row!.codes).toHaveLength(10);
      for (const stored of row!.codes) expect(stored).toMatch(/^[0-9a-f]{64}$/);
      expect(row!.codes.join()).not.toContain(codes[0]!.slice(0, 5));
    });

    it('sign in in place of the TOTP code, each once, however they are typed', async () => {
      const nurse = await createStaff(gw, hospital, 'NURSE', 'codes.nurse@mfa-general.test');
      await enrol(nurse, nurse.password, hospital.slug);
      const codes = (await regenerate(nurse.token, nurse.password, hospital.slug)).data!.regenerateMfaRecoveryCodes;
      const login = (mfaCode: string) => gw.gql(LoginDocument, { email: nurse.email, password: nurse.password, mfaCode }, { slug: hospital.slug });
      const first = await login(codes[0]!);
      expect(first.data?.login.user).toMatchObject({ email: nurse.email, mfaEnabled: true, mfaRecoveryCodesLeft: 9 });
      expect((await login(codes[0]!)).errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', mfaRequired: true });
      const typed = await login(` ${codes[1]!.replace('-', '').toUpperCase()} `);
      expect(typed.data?.login.user.mfaRecoveryCodesLeft).toBe(8);
      // The session a recovery code opened counts as two-factor: it may get new codes.
      const fresh = (await regenerate(typed.data!.login.token, nurse.password, hospital.slug)).data!.regenerateMfaRecoveryCodes;
      expect(fresh).toHaveLength(10);
      // Presented twice at once, a code still signs in only once.
      const racing = await Promise.all([login(fresh[0]!), login(fresh[0]!)]);
      expect(racing.filter((r) => r.data?.login.token)).toHaveLength(1);
    });

    it('are replaced by new ones, and cleared when MFA is turned off (with a recovery code) or reset by an ADMIN', async () => {
      const clerk = await createStaff(gw, hospital, 'RECEPTIONIST', 'codes.clerk@mfa-general.test');
      await enrol(clerk, clerk.password, hospital.slug);
      const old = (await regenerate(clerk.token, clerk.password, hospital.slug)).data!.regenerateMfaRecoveryCodes;
      const fresh = (await regenerate(clerk.token, clerk.password, hospital.slug)).data!.regenerateMfaRecoveryCodes;
      const login = (mfaCode: string) => gw.gql(LoginDocument, { email: clerk.email, password: clerk.password, mfaCode }, { slug: hospital.slug });
      expect(errorCode(await login(old[0]!))).toBe('UNAUTHENTICATED');
      const off = await gw.gql(DisableMfaDocument, { code: fresh[0]! }, { slug: hospital.slug, token: clerk.token });
      expect(off.data?.disableMfa).toMatchObject({ mfaEnabled: false, mfaRecoveryCodesLeft: 0 });

      await enrol(clerk, clerk.password, hospital.slug);
      expect((await regenerate(clerk.token, clerk.password, hospital.slug)).data?.regenerateMfaRecoveryCodes).toHaveLength(10);
      expect((await gw.gql(ResetUserMfaDocument, { id: clerk.id }, hospital)).data?.resetUserMfa.mfaEnabled).toBe(false);
      const again = await signIn(gw, clerk.email, clerk.password, hospital.slug);
      expect(again.user).toMatchObject({ mfaEnabled: false, mfaRecoveryCodesLeft: 0 });
    });

    it('are noted in the audit trail when they sign in or turn MFA off (a TOTP code is not)', async () => {
      const tech = await createStaff(gw, hospital, 'LAB_TECH', 'codes.tech@mfa-general.test');
      const secret = await enrol(tech, tech.password, hospital.slug);
      const codes = (await regenerate(tech.token, tech.password, hospital.slug)).data!.regenerateMfaRecoveryCodes;
      await signIn(gw, tech.email, tech.password, hospital.slug, codeFor(secret));
      await signIn(gw, tech.email, tech.password, hospital.slug, codes[0]!);
      expect((await gw.gql(DisableMfaDocument, { code: codes[1]! }, { slug: hospital.slug, token: tech.token })).data?.disableMfa.mfaEnabled).toBe(false);
      const trail = await gw.gql(AuditLogDocument, { first: 3, filter: { recordId: tech.id } }, hospital);
      expect(trail.data!.auditLog.edges.map((e) => [e.node.operation, e.node.detail])).toEqual([
        ['disableMfa', 'second factor: recovery code'],
        ['login', 'second factor: recovery code'],
        ['login', null],
      ]);
    });

    it('work for platform users too', async () => {
      const platform = await signIn(gw, ADMIN.email, ADMIN.password);
      const secret = await enrol(platform, ADMIN.password);
      const codes = (await regenerate(platform.token, ADMIN.password)).data!.regenerateMfaRecoveryCodes;
      expect(codes).toHaveLength(10);
      const withCode = await gw.gql(LoginDocument, { email: ADMIN.email, password: ADMIN.password, mfaCode: codes[3]! }, {});
      expect(withCode.data?.login.user).toMatchObject({ kind: 'PLATFORM_USER', mfaRecoveryCodesLeft: 9 });
      const [entry] = await ownerQuery<{ detail: string | null }>(
        `select detail from catalog.platform_audit where operation = 'login' order by at desc limit 1`, [], new URL(gw.databaseUrl).pathname.slice(1));
      expect(entry?.detail).toBe('second factor: recovery code');
      const off = await gw.gql(DisableMfaDocument, { code: codeFor(secret) }, { token: withCode.data!.login.token });
      expect(off.data?.disableMfa.mfaRecoveryCodesLeft).toBe(0);
    });
  });

  describe('at the same time', () => {
    const slug = () => hospital.slug;
    const regenerate = (token: string, password: string) => gw.gql(RegenerateMfaRecoveryCodesDocument, { password }, { slug: slug(), token });

    it('accepts one fresh code once, however many sign-ins and disableMfa calls send it together', async () => {
      const doctor = await createStaff(gw, hospital, 'DOCTOR', 'one.code@mfa-general.test');
      const secret = await enrol(doctor, doctor.password, slug());
      const code = codeFor(secret);
      const answers = await Promise.all([
        ...Array.from({ length: 4 }, () => gw.gql(LoginDocument, { email: doctor.email, password: doctor.password, mfaCode: code }, { slug: slug() })),
        ...Array.from({ length: 4 }, () => gw.gql(DisableMfaDocument, { code }, { slug: slug(), token: doctor.token })),
      ]);
      expect(answers.filter((a) => !a.errors)).toHaveLength(1);
      const me = (await gw.gql(MeDocument, {}, { slug: slug(), token: doctor.token })).data!.me!;
      const { placement } = (await gw.tenancy.store.bySlug(slug()))!;
      const [row] = await ownerQuery<{ step: number | null }>(`select mfa_last_step as step from "${placement.schema}".users where email = $1`, [doctor.email], placement.database);
      // Off: nothing of the factor is left, its last step neither. On (a sign-in won): the code's step is spent.
      expect(row!.step !== null).toBe(me.mfaEnabled);
    });

    it('turns MFA on once when two sessions confirm the enrolment with one code together, and only the winner’s session counts as two-factor', async () => {
      const nurse = await createStaff(gw, hospital, 'NURSE', 'two.confirms@mfa-general.test');
      const other = await signIn(gw, nurse.email, nurse.password, slug());
      const started = await gw.gql(StartMfaEnrollmentDocument, {}, { slug: slug(), token: nurse.token });
      const code = codeFor(started.data!.startMfaEnrollment.secret);
      const tokens = [nurse.token, other.token, nurse.token, other.token];
      const answers = await Promise.all(tokens.map((token) => gw.gql(ConfirmMfaEnrollmentDocument, { code, password: nurse.password }, { slug: slug(), token })));
      expect(answers.filter((a) => a.data?.confirmMfaEnrollment.mfaEnabled)).toHaveLength(1);
      expect(answers.filter((a) => errorCode(a) === 'BAD_USER_INPUT')).toHaveLength(3);
      const codes = [await regenerate(nurse.token, nurse.password), await regenerate(other.token, nurse.password)];
      expect(codes.map(errorCode).sort()).toEqual(['CONFLICT', undefined]);
    });

    it('leaves no recovery codes once disableMfa has turned MFA off, however many regenerations it raced', async () => {
      const clerk = await createStaff(gw, hospital, 'BILLING', 'codes.race@mfa-general.test');
      const secret = await enrol(clerk, clerk.password, slug());
      const [off] = await Promise.all([
        gw.gql(DisableMfaDocument, { code: codeFor(secret) }, { slug: slug(), token: clerk.token }),
        ...Array.from({ length: 3 }, () => regenerate(clerk.token, clerk.password)),
      ]);
      expect(off.data?.disableMfa.mfaEnabled).toBe(false);
      const me = await gw.gql(MeDocument, {}, { slug: slug(), token: clerk.token });
      expect(me.data?.me).toMatchObject({ mfaEnabled: false, mfaRecoveryCodesLeft: 0 });
    });
  });

  describe('when the hospital requires it', () => {
    let receptionist: Staff;

    beforeAll(async () => {
      receptionist = await createStaff(gw, strict, 'RECEPTIONIST');
      const setting = await gw.gql(UpdateHospitalSettingsDocument, { input: { requireMfa: true } }, strict);
      expect(setting.data?.updateHospitalSettings.requireMfa).toBe(true);
    });

    it('restricts a session without a second factor to enrolment, on the very next request', async () => {
      const me = await gw.gql(MeDocument, {}, { slug: strict.slug, token: receptionist.token });
      expect(me.data?.me?.mfaEnrollmentRequired).toBe(true);
      const patients = await gw.gql(PatientsDocument, {}, { slug: strict.slug, token: receptionist.token });
      expect(patients.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', mfaEnrollmentRequired: true });
      const users = await gw.gql(UsersDocument, {}, strict);
      expect(users.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', mfaEnrollmentRequired: true });
    });

    it('opens the hospital once the user enrols, and from then on sign-in needs the code', async () => {
      const secret = await enrol(receptionist, receptionist.password, strict.slug);
      expect(errorCode(await gw.gql(PatientsDocument, {}, { slug: strict.slug, token: receptionist.token }))).toBeUndefined();
      const withoutCode = await gw.gql(LoginDocument, { email: receptionist.email, password: receptionist.password }, { slug: strict.slug });
      expect(withoutCode.errors?.[0]?.extensions).toMatchObject({ mfaRequired: true });
      const withCode = await signIn(gw, receptionist.email, receptionist.password, strict.slug, codeFor(secret));
      expect(withCode.user.mfaEnrollmentRequired).toBe(false);
      const off = await gw.gql(DisableMfaDocument, { code: codeFor(secret, 1) }, { slug: strict.slug, token: withCode.token });
      expect(errorCode(off)).toBe('CONFLICT');
    });

    it('holds the ADMIN who turned it on to it as well, while still letting them sign out', async () => {
      const admin = await signIn(gw, `admin@${strict.slug}.test`, STAFF_PASSWORD, strict.slug);
      expect(admin.user.mfaEnrollmentRequired).toBe(true);
      const create = await gw.gql(CreateUserDocument, { input: { email: 'new@mfa-strict.test', password: STAFF_PASSWORD, role: 'NURSE' } }, { slug: strict.slug, token: admin.token });
      expect(create.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', mfaEnrollmentRequired: true });
      expect((await gw.gql(LogoutDocument, {}, { slug: strict.slug, token: admin.token })).data?.logout).toBe(true);
      expect(errorCode(await gw.gql(MeDocument, {}, { slug: strict.slug, token: admin.token }))).toBe('UNAUTHENTICATED');
    });
  });
});
