import type { EntityManager } from '@mikro-orm/postgresql';
import { BadInputError } from '../../errors';
import { findOrFail } from '../common/lookup';
import { User } from './user.entity';

/** Why `user` cannot be given work that needs them active ('is deactivated'), or undefined if they can. */
export function inactive(user: User): string | undefined {
  return user.active ? undefined : 'is deactivated';
}

/**
 * The user of this hospital that an input's `field` names, for work that needs them active (assigned
 * to a department): NOT_FOUND as findOrFail (another hospital's user included), BAD_USER_INPUT on
 * `field` once deactivated. A clinician's booking checks the same through `inactive`, beside its roles.
 */
export async function findActiveUser(em: EntityManager, id: string, label: string, field: string): Promise<User> {
  const user = await findOrFail(em, User, id, label);
  const problem = inactive(user);
  if (problem) throw BadInputError.forFields({ [field]: problem });
  return user;
}
