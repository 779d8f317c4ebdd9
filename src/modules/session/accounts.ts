import { raw, type EntityName, type FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { formatRefreshToken, hashSecret, newSecret, parseRefreshToken, secretMatches } from '../../auth/secrets';
import type { SecretBox } from '../../auth/secret-box';
import { normaliseEmail } from '../users/email';
import { insertSessionIfHeld, type CheckedCredentials } from './session-insert';

/** The fields every account has, whether a hospital user (placement) or a platform user (catalog). */
export interface AccountRow {
  id: string;
  email: string;
  displayName: string;
  passwordHash: string;
  active: boolean;
  mfaSecret: string | null;
  mfaPendingSecret: string | null;
  mfaEnabledAt: Date | null;
  mfaLastStep: number | null;
  /** SHA-256 of each unused recovery code. */
  mfaRecoveryCodes: string[];
}

/** A sign-in session (refresh-token family), in the placement or in the catalog. */
export interface SessionRow {
  id: string;
  userId: string;
  tokenHash: string;
  mfa: boolean;
  lastUsedAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
}

/** Where one kind of account lives. */
export interface AccountStoreOptions {
  em: EntityManager;
  users: EntityName<AccountRow>;
  sessions: EntityName<SessionRow>;
  /**
   * For what must stay although the request fails: rolls the request's own transaction back first (if
   * it has one), then runs `fn` in a transaction of its own. Ending the request's transaction first
   * means the write apart never waits on a row lock or a connection the request itself holds.
   */
  failApart(fn: (em: EntityManager) => Promise<unknown>): Promise<unknown>;
  /** The hospital id, or `platform`: keys login throttling. */
  scope: string;
  /** The roles an account holds (hospital roles, or SUPERADMIN for platform users). */
  rolesOf(account: AccountRow): string[];
  /** Seals TOTP seeds before they are stored. */
  secrets: SecretBox;
}

const SECRETS = ['passwordHash', 'mfaSecret', 'mfaPendingSecret', 'mfaRecoveryCodes'] as never[];

/** An account's second factor, as stored. */
export type MfaState = Pick<AccountRow, 'mfaSecret' | 'mfaPendingSecret' | 'mfaEnabledAt' | 'mfaLastStep' | 'mfaRecoveryCodes'>;

/**
 * An account's second factor when it is off (its user turned it off, or an ADMIN did for a lost
 * device): nothing of the old factor stays, neither its secret nor its recovery codes. The one place
 * that says what "off" is; it is written whole, whatever was read, so codes made meanwhile go too.
 */
export function mfaOff(): MfaState {
  return { mfaSecret: null, mfaPendingSecret: null, mfaEnabledAt: null, mfaLastStep: null, mfaRecoveryCodes: [] };
}

/**
 * Accounts and their sign-in sessions, the same for hospital users and platform users. Refresh
 * tokens rotate on every use; presenting one that was already rotated (or any wrong secret for a
 * live session) revokes the whole session, in a transaction of its own so the revocation stays
 * even though the request fails (see `failApart`).
 */
export class AccountStore {
  constructor(private readonly o: AccountStoreOptions) {}

  get scope(): string {
    return this.o.scope;
  }

  rolesOf(account: AccountRow): string[] {
    return this.o.rolesOf(account);
  }

  /** A TOTP seed as it is stored (encrypted). */
  sealSecret(plain: string): string {
    return this.o.secrets.seal(plain);
  }

  /** A stored TOTP seed, readable again. */
  openSecret(stored: string): string {
    return this.o.secrets.open(stored);
  }

  /** The account with this email, secrets loaded (null when there is none). */
  findByEmail(email: string): Promise<AccountRow | null> {
    return this.o.em.findOne(this.o.users, { email: normaliseEmail(email) } as FilterQuery<AccountRow>, { populate: SECRETS, refresh: true });
  }

  /** The account with this id, secrets loaded. */
  findById(id: string): Promise<AccountRow | null> {
    return this.o.em.findOne(this.o.users, { id } as FilterQuery<AccountRow>, { populate: SECRETS, refresh: true });
  }

  async flush(): Promise<void> {
    await this.o.em.flush();
  }

  /**
   * Writes `changes` to the account only while its row still holds `expected`, in one update: a change
   * of the row under way is waited for, then compared. False when the account changed since it was
   * read. The account as loaded is left as it was.
   */
  async updateIf(id: string, expected: Partial<AccountRow>, changes: Partial<AccountRow>): Promise<boolean> {
    return (await this.o.em.nativeUpdate(this.o.users, { ...expected, id } as FilterQuery<AccountRow>, changes)) === 1;
  }

  /**
   * Accepts TOTP time step `step` of `storedSecret` for the user only if that is still their secret and
   * the step is later than any accepted before (atomic). The secret matters once MFA is turned off,
   * which forgets the last step: a code checked against the old secret must not be accepted then.
   */
  async claimMfaStep(userId: string, storedSecret: string, step: number): Promise<boolean> {
    const where = { id: userId, mfaSecret: storedSecret, $or: [{ mfaLastStep: null }, { mfaLastStep: { $lt: step } }] } as FilterQuery<AccountRow>;
    return (await this.o.em.nativeUpdate(this.o.users, where, { mfaLastStep: step })) === 1;
  }

  /**
   * Spends the recovery code with this hash if the user still has it (atomic: a code works once), then
   * reloads the account, so what is shown or flushed afterwards is the list as stored.
   */
  async spendRecoveryCode(userId: string, hash: string): Promise<boolean> {
    const where = { id: userId, mfaRecoveryCodes: { $contains: [hash] } } as FilterQuery<AccountRow>;
    const spent = (await this.o.em.nativeUpdate(this.o.users, where, { mfaRecoveryCodes: raw('array_remove(mfa_recovery_codes, ?)', [hash]) } as never)) === 1;
    if (spent) await this.findById(userId);
    return spent;
  }

  /**
   * Opens a session for the account and returns it with its first refresh token, only while the
   * account still holds the credentials that were checked (see insertSessionIfHeld); null when it no
   * longer does.
   */
  async openSession(checked: CheckedCredentials, mfa: boolean, ttlSeconds: number): Promise<{ sessionId: string; refreshToken: string } | null> {
    const secret = newSecret();
    const data = { userId: checked.id, mfa, tokenHash: hashSecret(secret), expiresAt: new Date(Date.now() + ttlSeconds * 1000) } as SessionRow;
    const session = this.o.em.create(this.o.sessions, data, { persist: false });
    if (!(await insertSessionIfHeld(this.o.em, this.o.users, this.o.sessions, session, checked))) return null;
    return { sessionId: session.id, refreshToken: formatRefreshToken(session.id, secret) };
  }

  /**
   * Exchanges a refresh token for the next one of its session. Null (and nothing issued) when the
   * token is malformed, unknown, revoked or expired; a token that was already rotated revokes its
   * session for good.
   */
  async rotate(refreshToken: string, ttlSeconds: number): Promise<{ session: SessionRow; refreshToken: string } | null> {
    const parsed = parseRefreshToken(refreshToken);
    if (!parsed) return null;
    const session = await this.o.em.findOne(this.o.sessions, { id: parsed.sessionId } as FilterQuery<SessionRow>, { refresh: true });
    if (!session || session.revokedAt || session.expiresAt <= new Date()) return null;
    if (!secretMatches(parsed.secret, session.tokenHash)) {
      await this.revokeApart(session.id);
      return null;
    }
    const secret = newSecret();
    const now = new Date();
    const next = { tokenHash: hashSecret(secret), lastUsedAt: now, expiresAt: new Date(now.getTime() + ttlSeconds * 1000) };
    // Conditional on the hash we read: of concurrent uses of one token, exactly one wins. A loser waits
    // for the winner's transaction, then matches nothing but keeps the row locked until its own ends.
    const won = await this.o.em.nativeUpdate(this.o.sessions, { id: session.id, tokenHash: session.tokenHash, revokedAt: null } as FilterQuery<SessionRow>, next);
    if (won !== 1) {
      await this.revokeApart(session.id);
      return null;
    }
    Object.assign(session, next);
    return { session, refreshToken: formatRefreshToken(session.id, secret) };
  }

  async revokeSession(sessionId: string): Promise<void> {
    await this.o.em.nativeUpdate(this.o.sessions, { id: sessionId, revokedAt: null } as FilterQuery<SessionRow>, { revokedAt: new Date() });
  }

  /** Ends every session of the user (but `exceptSessionId`): their access tokens stop on the next request. */
  async revokeAllSessions(userId: string, exceptSessionId?: string): Promise<void> {
    const where = { userId, revokedAt: null, ...(exceptSessionId ? { id: { $ne: exceptSessionId } } : {}) } as FilterQuery<SessionRow>;
    await this.o.em.nativeUpdate(this.o.sessions, where, { revokedAt: new Date() });
  }

  async markSessionMfa(sessionId: string): Promise<void> {
    await this.o.em.nativeUpdate(this.o.sessions, { id: sessionId } as FilterQuery<SessionRow>, { mfa: true });
  }

  private async revokeApart(sessionId: string): Promise<void> {
    const sessions = this.o.sessions;
    await this.o.failApart((em) => em.nativeUpdate(sessions, { id: sessionId, revokedAt: null } as FilterQuery<SessionRow>, { revokedAt: new Date() }));
  }
}
