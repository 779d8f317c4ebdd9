import type { EntityManager } from '@mikro-orm/postgresql';
import * as account from '../../src/modules/session/account.service';
import { signIn } from '../../src/modules/session/session.service';
import { deactivateUser, resetPassword, resetUserMfa } from '../../src/modules/users/user.service';
import { afterNextRead, TestAccounts, type TestAccount } from '../fixtures/accounts';
import { TestGateway } from '../fixtures/gateway';
import { codeFor } from '../fixtures/identity';
import { whileHeld } from '../fixtures/races';

const NEW_PASSWORD = 'another long password';

type Where = 'SHARED' | 'SCHEMA' | 'platform';
type Change = 'resetPassword' | 'resetUserMfa' | 'deactivateUser' | 'changePassword';

/**
 * A sign-in reads the account, spends a while on argon2, then opens its session. Operations that change
 * what it checked (password, second factor, active) end the user's sessions; a session the sign-in opens
 * must not outlive them, whichever of the two gets to the account's row first.
 */
describe('a sign-in racing a change of the credentials it checked', () => {
  let gw: TestGateway;
  const accounts = {} as Record<Where, TestAccounts>;
  let n = 0;

  beforeAll(async () => {
    gw = await TestGateway.start();
    for (const isolation of ['SHARED', 'SCHEMA'] as const) {
      const { slug } = await gw.createTenant({ slug: `sign-in-races-${isolation.toLowerCase()}`, isolation });
      accounts[isolation] = new TestAccounts(gw, (await gw.tenancy.store.bySlug(slug))!);
    }
    accounts.platform = new TestAccounts(gw);
  });
  afterAll(() => gw.stop());

  /** A user of `where` for a test of `change` (with MFA on when the change is about it). */
  function user(where: Where, change: Change): Promise<TestAccount> {
    n += 1;
    return accounts[where].create(`${change.toLowerCase()}.${n}@sign-in-races.test`, { mfa: change === 'resetUserMfa' });
  }

  /** The change, made as its resolver makes it (`em`: the hospital unit of work it runs in). */
  async function change(where: Where, which: Change, target: TestAccount, em?: EntityManager): Promise<unknown> {
    const a = accounts[where];
    if (which === 'changePassword') {
      const input = { currentPassword: target.password, newPassword: NEW_PASSWORD };
      return account.changePassword(await a.store(em), gw.app.services.loginThrottle, a.principal(target), input);
    }
    const operation = { resetPassword: (e: EntityManager) => resetPassword(e, null, target.id, NEW_PASSWORD), resetUserMfa: (e: EntityManager) => resetUserMfa(e, null, target.id), deactivateUser: (e: EntityManager) => deactivateUser(e, null, target.id) }[which];
    return operation(em!);
  }

  /** Signs `target` in with the credentials it had when the test began. */
  async function signInAs(where: Where, target: TestAccount, em?: EntityManager) {
    const a = accounts[where];
    const store = await a.store(em);
    return { store, run: () => signIn(store, a.deps(), { email: target.email, password: target.password, mfaCode: target.secret ? codeFor(target.secret) : null }) };
  }

  it.each([
    ['SHARED', 'resetPassword'],
    ['SCHEMA', 'resetPassword'],
    ['SHARED', 'resetUserMfa'],
    ['SHARED', 'deactivateUser'],
    ['SHARED', 'changePassword'],
    ['SCHEMA', 'changePassword'],
    ['platform', 'changePassword'],
  ] as const)('refuses a %s sign-in that read the credentials before %s changed them, and leaves no session', async (where, which) => {
    const target = await user(where, which);
    const attempt = accounts[where].run(async (_store, em) => {
      const { store, run } = await signInAs(where, target, em);
      afterNextRead(store, 'findByEmail', () => accounts[where].run((_s, other) => change(where, which, target, other)));
      return run();
    });
    await expect(attempt).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await accounts[where].liveSessions(target.id)).toBe(0);
  });

  describe.each(['resetPassword', 'resetUserMfa', 'deactivateUser', 'changePassword'] as const)('with %s in a hospital', (which) => {
    it('makes a sign-in that comes while the change is being committed wait for it, then refuses it', async () => {
      const target = await user('SHARED', which);
      const [changed, attempt] = await whileHeld(
        gw,
        'sign-in-races-shared',
        (em) => change('SHARED', which, target, em),
        async (em) => (await signInAs('SHARED', target, em)).run(),
      );
      expect(changed.status).toBe('fulfilled');
      expect(attempt).toMatchObject({ status: 'rejected', reason: { code: 'UNAUTHENTICATED' } });
      expect(await accounts.SHARED.liveSessions(target.id)).toBe(0);
    });

    it('makes the change wait for a sign-in being committed, then ends the session it opened', async () => {
      const target = await user('SHARED', which);
      const [attempt, changed] = await whileHeld(
        gw,
        'sign-in-races-shared',
        async (em) => (await signInAs('SHARED', target, em)).run(),
        (em) => change('SHARED', which, target, em),
      );
      expect(attempt.status).toBe('fulfilled');
      expect(changed.status).toBe('fulfilled');
      expect(await accounts.SHARED.liveSessions(target.id)).toBe(0);
    });
  });
});
