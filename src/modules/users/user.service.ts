import { LockMode, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { hashPassword, passwordProblem } from '../../auth/passwords';
import type { TenantRole } from '../../auth/principal';
import { AuthError, BadInputError, ConflictError, NotFoundError } from '../../errors';
import { emailProblem } from '../../text-rules';
import type { Page } from '../common/connection';
import { isUuid } from '../common/ids';
import { paginate } from '../common/paginate';
import { mfaOff } from '../session/accounts';
import { AuthSession } from '../session/auth-session.entity';
import { normaliseEmail } from './email';
import { User } from './user.entity';

export { normaliseEmail } from './email';

export interface NewUser {
  email: string;
  password: string;
  roles: TenantRole[];
  displayName?: string | null;
  /** The new user's id, chosen by the caller (the isolation probe, whose address names it); the API never passes one. */
  id?: string;
}

/**
 * Creates a hospital user in the bound tenant; the email is unique within the hospital only.
 * `passwordHash`, when given, is the hash of `input.password` already under way (provisioning starts
 * it before the placement exists, so the two overlap).
 */
export async function createUser(em: EntityManager, input: NewUser, passwordHash?: Promise<string>): Promise<User> {
  const email = normaliseEmail(input.email);
  const problems: Record<string, string> = {};
  const emailIssue = emailProblem(email);
  if (emailIssue) problems.email = emailIssue;
  const passwordIssue = passwordProblem(input.password, email);
  if (passwordIssue) problems.password = passwordIssue;
  if (Object.keys(problems).length > 0) throw BadInputError.forFields(problems);
  const user = em.create(User, {
    ...(input.id ? { id: input.id } : {}),
    email,
    displayName: input.displayName?.trim() ?? '',
    passwordHash: await (passwordHash ?? hashPassword(input.password)),
    roles: [...new Set(input.roles)],
  } as User);
  try {
    await em.flush();
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) throw ConflictError.because('A user with this email already exists in this hospital');
    throw error;
  }
  return user;
}

export function listUsers(em: EntityManager, args: { first: number; after?: string | null }): Promise<Page<User>> {
  return paginate(em, User, {}, args, { email: 'asc', id: 'asc' });
}

/** `actorId`: the hospital user making the change (null for a platform admin), who may not target themselves. */
async function target(em: EntityManager, id: string, actorId: string | null, what: string): Promise<User> {
  // Secrets loaded, so that clearing or replacing one is seen as a change.
  const user = isUuid(id) ? await em.findOne(User, { id }, { populate: ['passwordHash', 'mfaSecret', 'mfaPendingSecret'] }) : null;
  if (!user) throw NotFoundError.forEntity('User', id);
  if (user.id === actorId) throw AuthError.forbidden(`You cannot ${what} yourself`);
  return user;
}

/**
 * Refuses a change that would leave the hospital without an active ADMIN. The active ADMIN rows are
 * locked first, so two ADMINs demoting each other at the same time cannot both succeed.
 */
async function keepAnAdmin(em: EntityManager, losing: User): Promise<void> {
  const admins = await em.find(User, { active: true, roles: { $contains: ['ADMIN'] } }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
  if (!admins.some((a) => a.id !== losing.id)) throw ConflictError.because('The hospital must keep at least one active ADMIN');
}

async function revokeSessions(em: EntityManager, userId: string): Promise<void> {
  await em.nativeUpdate(AuthSession, { userId, revokedAt: null }, { revokedAt: new Date() });
}

/** Replaces another user's roles (nobody changes their own). */
export async function setUserRoles(em: EntityManager, actorId: string | null, id: string, roles: TenantRole[]): Promise<User> {
  const unique = [...new Set(roles)];
  if (unique.length === 0) throw BadInputError.forFields({ roles: 'must name at least one role' });
  const user = await target(em, id, actorId, 'change the roles of');
  if (user.active && user.roles.includes('ADMIN') && !unique.includes('ADMIN')) await keepAnAdmin(em, user);
  user.roles = unique;
  await em.flush();
  return user;
}

/** Deactivates another user: they cannot sign in, and every session of theirs ends now. */
export async function deactivateUser(em: EntityManager, actorId: string | null, id: string): Promise<User> {
  const user = await target(em, id, actorId, 'deactivate');
  if (user.active && user.roles.includes('ADMIN')) await keepAnAdmin(em, user);
  Object.assign(user, { active: false, deactivatedAt: user.deactivatedAt ?? new Date() });
  await em.flush();
  await revokeSessions(em, user.id);
  return user;
}

export async function reactivateUser(em: EntityManager, actorId: string | null, id: string): Promise<User> {
  const user = await target(em, id, actorId, 'reactivate');
  Object.assign(user, { active: true, deactivatedAt: null });
  await em.flush();
  return user;
}

/** Sets another user's password (they lost it); their sessions end. Your own: changePassword. */
export async function resetPassword(em: EntityManager, actorId: string | null, id: string, password: string): Promise<User> {
  const user = await target(em, id, actorId, 'reset the password of');
  const issue = passwordProblem(password, user.email);
  if (issue) throw BadInputError.forFields({ password: issue });
  user.passwordHash = await hashPassword(password);
  await em.flush();
  await revokeSessions(em, user.id);
  return user;
}

/**
 * Turns another user's MFA off (lost device); their sessions end and they enrol again. Written whole,
 * whatever was read, so recovery codes the user makes meanwhile go too; the user is then read again.
 */
export async function resetUserMfa(em: EntityManager, actorId: string | null, id: string): Promise<User> {
  const user = await target(em, id, actorId, 'reset the second factor of');
  await em.nativeUpdate(User, { id: user.id }, mfaOff());
  await revokeSessions(em, user.id);
  return (await em.refresh(user)) ?? user;
}
