import { throttled, throttleKey, type LoginThrottle } from '../../auth/login-throttle';
import { hashPassword, passwordNeedsRehash, verifyPassword } from '../../auth/passwords';
import type { TokenService } from '../../auth/tokens';
import { isRecoveryCode, recoveryCodeHash } from '../../auth/recovery-codes';
import { totpStep } from '../../auth/totp';
import { AuthError } from '../../errors';
import type { AccountRow, AccountStore } from './accounts';

/** What signing in needs besides the account store. */
export interface SignInDeps {
  tokens: TokenService;
  throttle: LoginThrottle;
  /** The hospital id for hospital accounts; undefined for platform accounts. */
  tenantId: string | undefined;
  /** Whether the hospital requires a second factor (always false for the platform). */
  requiresMfa(): Promise<boolean>;
}

export interface SignedIn {
  account: AccountRow;
  roles: string[];
  token: string;
  refreshToken: string;
  expiresAt: Date;
  /** The hospital requires MFA and this session has not given a second factor: only enrolment is open. */
  mfaPending: boolean;
  /** The second factor this sign-in gave, if any. */
  secondFactor: SecondFactor | null;
}

/** What a second factor was: recorded in the audit trail when it was a recovery code. */
export type SecondFactor = 'TOTP code' | 'recovery code';

const INVALID = 'Invalid email or password';

/**
 * Checks a second factor: a TOTP code against the stored (sealed) secret, claiming its time step so
 * the same code never works twice; or one of the account's recovery codes, which is spent.
 */
export async function acceptSecondFactor(store: AccountStore, account: AccountRow, storedSecret: string, code: string): Promise<SecondFactor | null> {
  if (isRecoveryCode(code)) return (await store.spendRecoveryCode(account.id, recoveryCodeHash(code))) ? 'recovery code' : null;
  const step = totpStep(store.openSecret(storedSecret), code);
  return step !== null && (await store.claimMfaStep(account.id, storedSecret, step)) ? 'TOTP code' : null;
}

/**
 * Password (and, when the account has MFA, a TOTP code or a recovery code) for tokens. Unknown email, wrong password
 * and deactivated account give the same error after the same argon2 work; every failure counts
 * towards the (hospital, email) lockout, whose attempt is taken first. A hash made under earlier argon2
 * parameters is replaced by one under the current parameters once the sign-in has succeeded. The
 * session opens only if the account still holds what was checked: credentials changed meanwhile (a
 * password reset or change, MFA turned off, the account deactivated) give the same error as wrong ones.
 */
export async function signIn(store: AccountStore, deps: SignInDeps, input: { email: string; password: string; mfaCode?: string | null }): Promise<SignedIn> {
  const key = throttleKey(store.scope, input.email);
  const { account, secondFactor } = await throttled(deps.throttle, key, () => checkCredentials(store, input));
  const mfa = secondFactor !== null;
  await deps.throttle.reset(key);
  const checked = { id: account.id, passwordHash: account.passwordHash, mfaSecret: account.mfaSecret };
  if (passwordNeedsRehash(account.passwordHash)) {
    // Made under earlier parameters: replace it now that the password is known to be right, unless it changed meanwhile.
    const rehashed = await hashPassword(input.password);
    if (await store.updateIf(account.id, { passwordHash: account.passwordHash }, { passwordHash: rehashed })) checked.passwordHash = rehashed;
  }
  const opened = await store.openSession(checked, mfa, deps.tokens.refreshTtlSeconds);
  if (!opened) throw AuthError.unauthenticated(INVALID);
  return { ...(await issue(store, deps, account, opened.sessionId, mfa, opened.refreshToken)), secondFactor };
}

/**
 * The password, then the second factor if the account has one: what they let in, or the error for a
 * wrong one (counted by the lockout). A right password without a code is thrown, so it is not counted.
 */
async function checkCredentials(store: AccountStore, input: { email: string; password: string; mfaCode?: string | null }): Promise<{ account: AccountRow; secondFactor: SecondFactor | null } | AuthError> {
  const account = await store.findByEmail(input.email);
  const passwordOk = await verifyPassword(account?.passwordHash, input.password);
  if (!account || !passwordOk || !account.active) return AuthError.unauthenticated(INVALID);
  if (!account.mfaSecret) return { account, secondFactor: null };
  if (!input.mfaCode) throw new AuthError('UNAUTHENTICATED', 'Authentication code required', { mfaRequired: true });
  const secondFactor = await acceptSecondFactor(store, account, account.mfaSecret, input.mfaCode);
  return secondFactor ? { account, secondFactor } : new AuthError('UNAUTHENTICATED', 'Invalid or already used authentication code', { mfaRequired: true });
}

/** A refresh token for the next pair; the old one is spent (and replaying it ends the session). */
export async function refresh(store: AccountStore, deps: SignInDeps, refreshToken: string): Promise<SignedIn> {
  const rotated = await store.rotate(refreshToken, deps.tokens.refreshTtlSeconds);
  const account = rotated ? await store.findById(rotated.session.userId) : null;
  if (!rotated || !account?.active) throw AuthError.unauthenticated('Invalid refresh token');
  return { ...(await issue(store, deps, account, rotated.session.id, rotated.session.mfa, rotated.refreshToken)), secondFactor: null };
}

async function issue(store: AccountStore, deps: SignInDeps, account: AccountRow, sessionId: string, mfa: boolean, refreshToken: string): Promise<Omit<SignedIn, 'secondFactor'>> {
  const kind = deps.tenantId ? 'tenant' : 'platform';
  const token = await deps.tokens.sign({ sub: account.id, kind, sid: sessionId, tid: deps.tenantId });
  const expiresAt = new Date(Date.now() + deps.tokens.ttlSeconds * 1000);
  const mfaPending = !mfa && Boolean(deps.tenantId) && (await deps.requiresMfa());
  return { account, roles: store.rolesOf(account), token, refreshToken, expiresAt, mfaPending };
}
