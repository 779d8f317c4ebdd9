import type { EntityManager } from '@mikro-orm/postgresql';
import { NotFoundError } from '../../src/errors';
import { findOptional } from '../../src/modules/common/lookup';
import { Department } from '../../src/modules/departments/department.entity';

/** An entity manager that fails the test if anything is read: none of these ids names a row. */
const noReads = { findOne: () => { throw new Error('read the database'); } } as unknown as EntityManager;

describe('findOptional', () => {
  it.each([null, undefined])('takes %s as no reference, reading nothing', async (id) => {
    await expect(findOptional(noReads, Department, id, 'Department')).resolves.toBeNull();
  });

  it.each(['', 'abc'])('refuses the id %j as NOT_FOUND instead of taking it as no reference', async (id) => {
    await expect(findOptional(noReads, Department, id, 'Department')).rejects.toBeInstanceOf(NotFoundError);
  });
});
