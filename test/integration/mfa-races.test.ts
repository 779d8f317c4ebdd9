import type { EntityManager } from '@mikro-orm/postgresql';
import * as account from '../../src/modules/session/account.service';
import type { AccountStore } from '../../src/modules/session/accounts';
import { signIn } from '../../src/modules/session/session.service';
import { resetUserMfa } from '../../src/modules/users/user.service';
import { afterNextRead, sessionOf, TestAccounts, type TestAccount } from '../fixtures/accounts';
import { TestGateway } from '../fixtures/gateway';
import { codeFor } from '../fixtures/identity';
import { whileHeld } from '../fixtures/races';

type Where = 'hospital' | 'platform';
const SLUG = 'mfa-races';

/**
 * Changes of one account's second factor made at the same time, in a hospital (each in its request's
 * transaction) and on the platform (statement by statement): each ends as it would have one after the
 * other, whichever gets to the account's row first.
 */
describe('second-factor changes racing each other', () => {
  let gw: TestGateway;
  const accounts = {} as Record<Where, TestAccounts>;
  let n = 0;

  beforeAll(async () => {
    gw = await TestGateway.start();
    await gw.createTenant({ slug: SLUG });
    accounts.hospital = new TestAccounts(gw, (await gw.tenancy.store.bySlug(SLUG))!);
    accounts.platform = new TestAccounts(gw);
  });
  afterAll(() => gw.stop());

  function user(where: Where, mfa: boolean): Promise<TestAccount> {
    n += 1;
    return accounts[where].create(`user.${n}@mfa-races.test`, { mfa });
  }

  const throttle = () => gw.app.services.loginThrottle;
  const disable = (where: Where, target: TestAccount, code: string) => (store: AccountStore) => account.disableMfa(store, throttle(), accounts[where].principal(target), code, false);
  const regenerate = (where: Where, target: TestAccount) => (store: AccountStore) => account.regenerateMfaRecoveryCodes(store, throttle(), accounts[where].principal(target), target.password);
  const signInWith = (where: Where, target: TestAccount, mfaCode: string) => (store: AccountStore) => signIn(store, accounts[where].deps(), { email: target.email, password: target.password, mfaCode });
  const inHospital = (fn: (store: AccountStore) => Promise<unknown>) => async (em: EntityManager) => fn(await accounts.hospital.store(em));

  /** Runs `late` as one request whose read of the account comes before `early` runs (as a whole request) and changes it. */
  function afterChange<T>(where: Where, read: 'findByEmail' | 'findById', early: (store: AccountStore) => Promise<unknown>, late: (store: AccountStore) => Promise<T>): Promise<T> {
    return accounts[where].run(async (store) => {
      afterNextRead(store, read, () => accounts[where].run(early));
      return late(store);
    });
  }

  describe('one TOTP code', () => {
    it.each(['hospital', 'platform'] as const)('turns MFA off once: a second disableMfa that read MFA on before the first turned it off is refused (%s)', async (where) => {
      const target = await user(where, true);
      const code = codeFor(target.secret!);
      await expect(afterChange(where, 'findById', disable(where, target, code), disable(where, target, code))).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
      expect(await accounts[where].storedMfa(target.id)).toMatchObject({ mfa_secret: null, mfa_last_step: null });
    });

    it.each(['hospital', 'platform'] as const)('does not sign in once MFA was turned off with it after the sign-in read the account (%s)', async (where) => {
      const target = await user(where, true);
      const code = codeFor(target.secret!);
      await expect(afterChange(where, 'findByEmail', disable(where, target, code), signInWith(where, target, code))).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
      expect(await accounts[where].storedMfa(target.id)).toMatchObject({ mfa_secret: null, mfa_last_step: null });
      expect(await accounts[where].liveSessions(target.id)).toBe(0);
    });

    it('makes a second disableMfa wait for the first to commit, then refuses it (hospital)', async () => {
      const target = await user('hospital', true);
      const code = codeFor(target.secret!);
      const [first, second] = await whileHeld(gw, SLUG, inHospital(disable('hospital', target, code)), inHospital(disable('hospital', target, code)));
      expect(first.status).toBe('fulfilled');
      expect(second).toMatchObject({ status: 'rejected', reason: { code: 'BAD_USER_INPUT' } });
      expect(await accounts.hospital.storedMfa(target.id)).toMatchObject({ mfa_secret: null, mfa_last_step: null });
    });
  });

  describe('confirming an enrolment', () => {
    /** A user with an enrolment started and two sessions; returns the new secret and the sessions. */
    async function enrolling(where: Where) {
      const target = await user(where, false);
      const sessions = [];
      for (let i = 0; i < 2; i += 1) sessions.push(sessionOf((await accounts[where].run((store) => signIn(store, accounts[where].deps(), { email: target.email, password: target.password }))).refreshToken));
      const { secret } = await accounts[where].run((store) => account.startMfaEnrollment(store, accounts[where].principal(target), 'test'));
      const confirm = (sessionId: string) => (store: AccountStore) => account.confirmMfaEnrollment(store, throttle(), accounts[where].principal(target, sessionId, false), { code: codeFor(secret), password: target.password });
      return { target, sessions, confirm };
    }

    it('turns MFA on once when two sessions confirm with one code: the second waits, then finds no enrolment (hospital)', async () => {
      const { sessions, confirm } = await enrolling('hospital');
      const [first, second] = await whileHeld(gw, SLUG, inHospital(confirm(sessions[0]!)), inHospital(confirm(sessions[1]!)));
      expect(first.status).toBe('fulfilled');
      expect(second).toMatchObject({ status: 'rejected', reason: { code: 'BAD_USER_INPUT', details: { fields: { code: expect.stringMatching(/no enrolment/) } } } });
      expect([await accounts.hospital.sessionMfa(sessions[0]!), await accounts.hospital.sessionMfa(sessions[1]!)]).toEqual([true, false]);
    });

    it('turns MFA on once when a confirmation read the enrolment before another confirmed it (platform)', async () => {
      const { sessions, confirm } = await enrolling('platform');
      await expect(afterChange('platform', 'findById', confirm(sessions[0]!), confirm(sessions[1]!))).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
      expect([await accounts.platform.sessionMfa(sessions[0]!), await accounts.platform.sessionMfa(sessions[1]!)]).toEqual([true, false]);
    });
  });

  describe('recovery codes', () => {
    it('are refused while a disableMfa is being committed, once it has turned MFA off (hospital)', async () => {
      const target = await user('hospital', true);
      const [off, codes] = await whileHeld(gw, SLUG, inHospital(disable('hospital', target, codeFor(target.secret!))), inHospital(regenerate('hospital', target)));
      expect(off.status).toBe('fulfilled');
      expect(codes).toMatchObject({ status: 'rejected', reason: { code: 'CONFLICT' } });
      expect(await accounts.hospital.storedMfa(target.id)).toMatchObject({ mfa_secret: null, mfa_recovery_codes: [] });
    });

    it('are refused while an ADMIN reset of MFA is being committed (hospital)', async () => {
      const target = await user('hospital', true);
      const [reset, codes] = await whileHeld(gw, SLUG, (em) => resetUserMfa(em, null, target.id), inHospital(regenerate('hospital', target)));
      expect(reset.status).toBe('fulfilled');
      expect(codes).toMatchObject({ status: 'rejected', reason: { code: 'CONFLICT' } });
      expect(await accounts.hospital.storedMfa(target.id)).toMatchObject({ mfa_secret: null, mfa_recovery_codes: [] });
    });

    it('made while a disableMfa waits are cleared by it (hospital)', async () => {
      const target = await user('hospital', true);
      const [codes, off] = await whileHeld(gw, SLUG, inHospital(regenerate('hospital', target)), inHospital(disable('hospital', target, codeFor(target.secret!))));
      expect(codes.status).toBe('fulfilled');
      expect(off.status).toBe('fulfilled');
      expect(await accounts.hospital.storedMfa(target.id)).toMatchObject({ mfa_secret: null, mfa_recovery_codes: [] });
    });

    it('are refused when MFA was turned off after the request read it on (platform)', async () => {
      const target = await user('platform', true);
      await expect(afterChange('platform', 'findById', disable('platform', target, codeFor(target.secret!)), regenerate('platform', target))).rejects.toMatchObject({ code: 'CONFLICT' });
      expect(await accounts.platform.storedMfa(target.id)).toMatchObject({ mfa_secret: null, mfa_recovery_codes: [] });
    });

    it('made after a disableMfa read the account are cleared by it (platform)', async () => {
      const target = await user('platform', true);
      await afterChange('platform', 'findById', regenerate('platform', target), disable('platform', target, codeFor(target.secret!)));
      expect(await accounts.platform.storedMfa(target.id)).toMatchObject({ mfa_secret: null, mfa_recovery_codes: [] });
    });
  });
});
