import { createPlatformAdmin } from '../../src/modules/platform/platform-admins';
import { bootstrapPlatformAdmin } from '../../src/modules/platform/platform-user.service';
import { BadInputError } from '../../src/errors';
import { ownerQuery } from '../fixtures/database';
import { TestGateway } from '../fixtures/gateway';

describe('platform admins', () => {
  let gw: TestGateway;
  const platformUsers = async () => (await ownerQuery<{ email: string }>('select email from catalog.platform_users order by email', [], new URL(gw.databaseUrl).pathname.slice(1))).map((r) => r.email);
  const fields = (promise: Promise<unknown>) => promise.then(() => undefined, (e: unknown) => (e instanceof BadInputError ? e.details?.fields : e));

  beforeAll(async () => {
    // No PLATFORM_ADMIN_* settings: the catalog starts without platform users.
    gw = await TestGateway.start({ PLATFORM_ADMIN_EMAIL: '', PLATFORM_ADMIN_PASSWORD: '' });
  });
  afterAll(() => gw.stop());

  describe('the first one, from configuration', () => {
    it('is refused with a bad email, or a password that is the email, naming the setting', async () => {
      expect(await fields(bootstrapPlatformAdmin(gw.tenancy.central, { email: 'not an email', password: 'a long enough password' }))).toEqual({ PLATFORM_ADMIN_EMAIL: 'must be an email address' });
      expect(await fields(bootstrapPlatformAdmin(gw.tenancy.central, { email: 'First.Admin@platform.test', password: 'first.admin@platform.test' }))).toEqual({ PLATFORM_ADMIN_PASSWORD: 'must not be the email address' });
      expect(await platformUsers()).toEqual([]);
    });

    it('is created once when replicas start at once on a fresh catalog; the others find it', async () => {
      const admin = { email: 'First.Admin@platform.test', password: 'first-admin-password' };
      const created = await Promise.all([1, 2, 3, 4].map(() => bootstrapPlatformAdmin(gw.tenancy.central, admin)));
      expect(created.filter(Boolean)).toHaveLength(1);
      expect(await platformUsers()).toEqual(['first.admin@platform.test']);
      expect(await bootstrapPlatformAdmin(gw.tenancy.central, { email: 'other@platform.test', password: 'other-admin-password' })).toBe(false);
      expect(await gw.login('first.admin@platform.test', admin.password)).toEqual(expect.any(String));
    });
  });

  describe('created by an operator', () => {
    it('is refused a password that is the email, as hospital users are', async () => {
      expect(await fields(createPlatformAdmin(gw.tenancy.central, { email: 'Ops.Person@platform.test', password: ' ops.person@platform.test ' }))).toEqual({ password: 'must not be the email address' });
    });

    it('is refused an address that is not an email or is too long', async () => {
      expect(await fields(createPlatformAdmin(gw.tenancy.central, { email: 'ops@platform', password: 'a long enough password' }))).toEqual({ email: 'must be an email address' });
      expect(await fields(createPlatformAdmin(gw.tenancy.central, { email: `${'a'.repeat(250)}@platform.test`, password: 'a long enough password' }))).toEqual({ email: 'must be an email address' });
      expect(await platformUsers()).toEqual(['first.admin@platform.test']);
    });
  });
});
