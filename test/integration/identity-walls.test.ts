import { CheckConstraintViolationException, ForeignKeyConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ApiKey } from '../../src/modules/api-keys/api-key.entity';
import { AuthSession } from '../../src/modules/session/auth-session.entity';
import { User } from '../../src/modules/users/user.entity';
import { runInTenant, type TenantRecord } from '../../src/tenancy';
import { TestGateway } from '../fixtures/gateway';

/** The database walls under the identity tables, with the API out of the way. */
describe('identity tables in the database', () => {
  let gw: TestGateway;
  let a: TenantRecord;
  let b: TenantRecord;
  let bUserId: string;

  const inA = <T>(fn: (em: EntityManager) => Promise<T>) => runInTenant(gw.tenancy.pools, a, fn);

  beforeAll(async () => {
    gw = await TestGateway.start();
    await gw.createTenant({ slug: 'walls-a' });
    await gw.createTenant({ slug: 'walls-b' });
    a = (await gw.tenancy.store.bySlug('walls-a'))!;
    b = (await gw.tenancy.store.bySlug('walls-b'))!;
    bUserId = await runInTenant(gw.tenancy.pools, b, async (em) => (await em.findOneOrFail(User, { email: 'admin@walls-b.test' })).id);
  });
  afterAll(() => gw.stop());

  it.each([
    ['SUPERADMIN', ['SUPERADMIN']],
    ['an unknown role', ['ADMIN', 'OWNER']],
    ['no role at all', []],
  ])('refuses a hospital user holding %s, even written past the API', async (_what, roles) => {
    await expect(
      inA(async (em) => {
        const admin = await em.findOneOrFail(User, { email: 'admin@walls-a.test' });
        admin.roles = roles as User['roles'];
        await em.flush();
      }),
    ).rejects.toBeInstanceOf(CheckConstraintViolationException);
    expect(await inA(async (em) => (await em.findOneOrFail(User, { email: 'admin@walls-a.test' })).roles)).toEqual(['ADMIN']);
  });

  it('refuses a session of A that points at a user of B (composite foreign key)', async () => {
    await expect(
      inA(async (em) => {
        em.create(AuthSession, { userId: bUserId, tokenHash: 'x', expiresAt: new Date(Date.now() + 60_000) } as AuthSession);
        await em.flush();
      }),
    ).rejects.toBeInstanceOf(ForeignKeyConstraintViolationException);
  });

  it('refuses an API key with a role that is not a hospital role', async () => {
    await expect(
      inA(async (em) => {
        em.create(ApiKey, { name: 'bad', role: 'SUPERADMIN', secretHash: 'x' } as unknown as ApiKey);
        await em.flush();
      }),
    ).rejects.toBeInstanceOf(CheckConstraintViolationException);
  });
});
