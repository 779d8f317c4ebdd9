import type { EntityManager } from '@mikro-orm/postgresql';
import { BadInputError } from '../../errors';
import { findOrFail } from '../common/lookup';
import { User } from './user.entity';

/**
 * The user of this hospital that an input's `field` names, for work that needs them active (booked as
 * clinician, assigned to a department): NOT_FOUND as findOrFail (another hospital's user included),
 * BAD_USER_INPUT on `field` once deactivated.
 */
export async function findActiveUser(em: EntityManager, id: string, label: string, field: string): Promise<User> {
  const user = await findOrFail(em, User, id, label);
  if (!user.active) throw BadInputError.forFields({ [field]: 'is deactivated' });
  return user;
}
