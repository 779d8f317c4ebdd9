import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { hashPassword, passwordProblem } from '../../auth/passwords';
import type { Principal, TenantRole } from '../../auth/principal';
import { BadInputError, ConflictError } from '../../errors';
import { isUuid } from '../common/ids';
import { User } from './user.entity';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Creates a hospital user in the bound tenant; the email is unique within the hospital only. */
export async function createUser(em: EntityManager, input: { email: string; password: string; roles: TenantRole[]; displayName?: string }): Promise<User> {
  const email = normaliseEmail(input.email);
  const problems: Record<string, string> = {};
  if (!EMAIL.test(email) || email.length > 254) problems.email = 'must be an email address';
  const passwordIssue = passwordProblem(input.password);
  if (passwordIssue) problems.password = passwordIssue;
  if (Object.keys(problems).length > 0) throw BadInputError.forFields(problems);
  const user = em.create(User, {
    email,
    displayName: input.displayName ?? '',
    passwordHash: await hashPassword(input.password),
    roles: input.roles,
  } as User);
  try {
    await em.flush();
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) throw ConflictError.because('A user with this email already exists in this hospital');
    throw error;
  }
  return user;
}

export async function findUserForLogin(em: EntityManager, email: string): Promise<User | null> {
  return em.findOne(User, { email: normaliseEmail(email) }, { populate: ['passwordHash'] });
}

export async function loadTenantPrincipal(em: EntityManager, id: string): Promise<Principal | null> {
  if (!isUuid(id)) return null;
  const user = await em.findOne(User, { id });
  return user ? { kind: 'tenant', id: user.id, email: user.email, tenantId: user.tenantId, roles: user.roles } : null;
}
