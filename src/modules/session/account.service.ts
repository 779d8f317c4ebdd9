import { selfThrottleKey, throttled, type LoginThrottle } from '../../auth/login-throttle';
import { hashPassword, passwordProblem, verifyPassword } from '../../auth/passwords';
import type { UserPrincipal } from '../../auth/principal';
import { newRecoveryCodes, recoveryCodeHash } from '../../auth/recovery-codes';
import { newTotpSecret, totpStep } from '../../auth/totp';
import { BadInputError, ConflictError, NotFoundError } from '../../errors';
import { mfaOff, type AccountRow, type AccountStore } from './accounts';
import { acceptSecondFactor, type SecondFactor } from './session.service';

const NO_ENROLMENT = { code: 'there is no enrolment to confirm; call startMfaEnrollment first' };
const MFA_NOT_ON = { code: 'two-factor sign-in is not on' };
const notOn = () => ConflictError.because('Two-factor sign-in is not on; turn it on first');

async function ownAccount(store: AccountStore, principal: UserPrincipal): Promise<AccountRow> {
  const account = await store.findById(principal.id);
  if (!account) throw NotFoundError.forEntity('User', principal.id);
  return account;
}

/**
 * Runs a check of one of the user's secrets under the lockout of their own account operations (a
 * counter of its own, not the sign-in one), and returns what it accepted; `null` or `false` is a failure.
 */
function checkSecret<T>(throttle: LoginThrottle, store: AccountStore, account: AccountRow, check: () => Promise<T | null | false>, field: string, problem: string): Promise<T> {
  return throttled<T | BadInputError>(throttle, selfThrottleKey(store.scope, account.id), async () => {
    const accepted = await check();
    return accepted === null || accepted === false ? BadInputError.forFields({ [field]: problem }) : accepted;
  });
}

/** Changes the caller's password (the current one is required) and ends their other sessions. */
export async function changePassword(store: AccountStore, throttle: LoginThrottle, principal: UserPrincipal, input: { currentPassword: string; newPassword: string }): Promise<void> {
  const account = await ownAccount(store, principal);
  const issue = passwordProblem(input.newPassword, account.email);
  if (issue) throw BadInputError.forFields({ newPassword: issue });
  await checkSecret(throttle, store, account, () => verifyPassword(account.passwordHash, input.currentPassword), 'currentPassword', 'is not correct');
  account.passwordHash = await hashPassword(input.newPassword);
  await store.flush();
  await store.revokeAllSessions(account.id, principal.sessionId);
}

/** The caller's own profile; only the display name can change here (roles and hospital never). */
export async function updateProfile(store: AccountStore, principal: UserPrincipal, input: { displayName?: string | null }): Promise<AccountRow> {
  const account = await ownAccount(store, principal);
  if (input.displayName !== undefined && input.displayName !== null) account.displayName = input.displayName.trim();
  await store.flush();
  return account;
}

/** Starts TOTP enrolment: a new secret to put in an authenticator app; nothing changes until confirmed. */
export async function startMfaEnrollment(store: AccountStore, principal: UserPrincipal, issuer: string): Promise<{ secret: string; uri: string }> {
  const account = await ownAccount(store, principal);
  if (account.mfaSecret) throw ConflictError.because('Two-factor sign-in is already on; turn it off first to enrol a new device');
  const enrolment = newTotpSecret(issuer, account.email);
  account.mfaPendingSecret = store.sealSecret(enrolment.secret);
  await store.flush();
  return enrolment;
}

/**
 * Confirms enrolment with the password and a code from the new secret; this session then counts as
 * two-factor. The password is checked first, so a stolen session alone cannot put the thief's
 * authenticator on the account (locking its owner out). Of confirmations at the same time, one turns
 * MFA on; the others find no enrolment left, as they would one after the other.
 */
export async function confirmMfaEnrollment(store: AccountStore, throttle: LoginThrottle, principal: UserPrincipal, input: { code: string; password: string }): Promise<void> {
  const { code, password } = input;
  const account = await ownAccount(store, principal);
  const pending = account.mfaPendingSecret;
  if (account.mfaSecret || !pending) throw BadInputError.forFields(NO_ENROLMENT);
  await checkSecret(throttle, store, account, () => verifyPassword(account.passwordHash, password), 'password', 'is not correct');
  const step = await checkSecret(throttle, store, account, async () => totpStep(store.openSecret(pending), code), 'code', 'is not a valid code for the new secret');
  const on = { mfaSecret: pending, mfaPendingSecret: null, mfaEnabledAt: new Date(), mfaLastStep: step, mfaRecoveryCodes: [] };
  if (!(await store.updateIf(account.id, { mfaSecret: null, mfaPendingSecret: pending }, on))) throw BadInputError.forFields(NO_ENROLMENT);
  await store.markSessionMfa(principal.sessionId);
}

/** Turns MFA off with a current code (or a recovery code), unless the hospital requires it; returns which it was. */
export async function disableMfa(store: AccountStore, throttle: LoginThrottle, principal: UserPrincipal, code: string, required: boolean): Promise<SecondFactor> {
  const account = await ownAccount(store, principal);
  const secret = account.mfaSecret;
  if (!secret) throw BadInputError.forFields(MFA_NOT_ON);
  if (required) throw ConflictError.because('This hospital requires two-factor sign-in');
  const used = await checkSecret(throttle, store, account, () => acceptSecondFactor(store, account, secret, code), 'code', 'is not a valid or unused code');
  // Only the factor the code was checked against (turned off meanwhile by another request: refused).
  if (!(await store.updateIf(account.id, { mfaSecret: secret }, mfaOff()))) throw BadInputError.forFields(MFA_NOT_ON);
  return used;
}

/**
 * New one-time recovery codes, replacing any earlier ones; returned once, only their hashes are kept.
 * Needs MFA on, a session that gave the second factor, and the password again (under the lockout of
 * the user's own account operations), so neither a stolen session nor a stolen password alone can mint a way past the second factor.
 * They are stored only while MFA is still on with the secret read: turned off meanwhile, it is refused.
 */
export async function regenerateMfaRecoveryCodes(store: AccountStore, throttle: LoginThrottle, principal: UserPrincipal, password: string): Promise<string[]> {
  const account = await ownAccount(store, principal);
  const secret = account.mfaSecret;
  if (!secret) throw notOn();
  if (!principal.twoFactor) throw ConflictError.because('Sign in with your second factor to get recovery codes');
  await checkSecret(throttle, store, account, () => verifyPassword(account.passwordHash, password), 'password', 'is not correct');
  const codes = newRecoveryCodes();
  if (!(await store.updateIf(account.id, { mfaSecret: secret }, { mfaRecoveryCodes: codes.map(recoveryCodeHash) }))) throw notOn();
  return codes;
}
