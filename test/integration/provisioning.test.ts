import { createUser } from '../../src/modules/users/user.service';
import { Isolation, Plan } from '../../src/tenancy';
import type { ProvisioningStep } from '../../src/tenancy/provisioning';
import { derivePlacement } from '../../src/tenancy/placement';
import { CreateTenantDocument } from '../e2e/generated/graphql';
import { ownerQuery } from '../fixtures/database';
import { errorCode, STAFF_PASSWORD, TestGateway } from '../fixtures/gateway';

const STEPS: ProvisioningStep[] = ['catalog', 'placement', 'seed'];
const MODES = [Isolation.SHARED, Isolation.SCHEMA, Isolation.DATABASE];

describe('provisioning', () => {
  let gw: TestGateway;
  let platform: string;
  const dbName = () => new URL(gw.databaseUrl).pathname.slice(1);

  beforeAll(async () => {
    gw = await TestGateway.start();
    platform = await gw.platformToken();
  });
  afterAll(() => gw.stop());

  async function leftovers(tenantId: string, isolation: Isolation) {
    const placement = derivePlacement(isolation, tenantId, dbName());
    const [catalog] = await ownerQuery<{ n: number }>('select count(*)::int as n from catalog.tenants where id = $1', [tenantId], dbName());
    const [schema] = await ownerQuery<{ n: number }>('select count(*)::int as n from information_schema.schemata where schema_name = $1', [placement.schema], dbName());
    const [database] = await ownerQuery<{ n: number }>('select count(*)::int as n from pg_database where datname = $1', [placement.database]);
    const [users] = await ownerQuery<{ n: number }>('select count(*)::int as n from tenants_shared.users where tenant_id = $1', [tenantId], dbName());
    return {
      catalog: catalog!.n,
      ownSchema: isolation === Isolation.SCHEMA ? schema!.n : 0,
      ownDatabase: isolation === Isolation.DATABASE ? database!.n : 0,
      sharedRows: users!.n,
    };
  }

  describe.each(MODES)('in %s isolation', (isolation) => {
    it.each(STEPS)('leaves nothing behind when it fails after the %s step, and the slug can be retried', async (failAt) => {
      const slug = `fail-${isolation.toLowerCase()}-${failAt}`;
      let tenantId = '';
      const attempt = gw.tenancy.provisioner.create(
        { slug, name: 'Doomed', isolation, plan: Plan.TRIAL },
        {
          seed: async (em) => {
            await createUser(em, { email: 'admin@doomed.test', password: STAFF_PASSWORD, roles: ['ADMIN'] });
          },
          afterStep: async (step) => {
            if (step === 'catalog') {
              const [row] = await ownerQuery<{ id: string }>('select id from catalog.tenants where slug = $1', [slug], dbName());
              tenantId = row!.id;
            }
            if (step === failAt) throw new Error(`injected failure after ${step}`);
          },
        },
      );
      await expect(attempt).rejects.toThrow(`injected failure after ${failAt}`);
      const [row] = await ownerQuery<{ id: string }>('select id from catalog.tenants where slug = $1', [slug], dbName());
      expect(row).toBeUndefined();
      expect(tenantId).not.toBe('');
      expect(await leftovers(tenantId, isolation)).toEqual({ catalog: 0, ownSchema: 0, ownDatabase: 0, sharedRows: 0 });

      const retried = await gw.gql(CreateTenantDocument, { input: { slug, name: 'Second try', isolation, admin: { email: 'admin@doomed.test', password: STAFF_PASSWORD } } }, { token: platform });
      expect(retried.data?.createTenant).toMatchObject({ slug, status: 'ACTIVE', isolation });
    });
  });

  it('leaves no schema behind when the placement is created but the seed fails', async () => {
    let tenantId = '';
    await expect(
      gw.tenancy.provisioner.create(
        { slug: 'bad-seed', name: 'Bad seed', isolation: Isolation.SCHEMA, plan: Plan.BASIC },
        {
          seed: async (em, tenant) => {
            tenantId = tenant.id;
            await createUser(em, { email: 'not-an-email', password: STAFF_PASSWORD, roles: ['ADMIN'] });
          },
        },
      ),
    ).rejects.toThrow(/Invalid input/);
    expect(await leftovers(tenantId, Isolation.SCHEMA)).toEqual({ catalog: 0, ownSchema: 0, ownDatabase: 0, sharedRows: 0 });
  });

  it.each([
    ['too short', 'ab'],
    ['upper case', 'Alpha-Hospital'],
    ['leading hyphen', '-alpha'],
    ['trailing hyphen', 'alpha-'],
    ['underscore', 'alpha_hospital'],
    ['too long', 'a'.repeat(41)],
    ['reserved: public', 'public'],
    ['reserved: www', 'www'],
    ['reserved: api', 'api'],
    ['reserved: information_schema', 'information_schema'],
    ['reserved: pg prefix', 'pg-catalog'],
    ['SQL', "x'; drop table tenants; --"],
  ])('refuses a slug that is %s with BAD_USER_INPUT', async (_why, slug) => {
    const result = await gw.gql(CreateTenantDocument, { input: { slug, name: 'X', admin: { email: 'a@x.test', password: STAFF_PASSWORD } } }, { token: platform });
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.extensions?.fields).toHaveProperty('slug');
  });

  it('refuses a duplicate slug with CONFLICT and one differing only in case with BAD_USER_INPUT', async () => {
    const input = { slug: 'twin-hospital', name: 'Twin', admin: { email: 'a@twin.test', password: STAFF_PASSWORD } };
    expect((await gw.gql(CreateTenantDocument, { input }, { token: platform })).errors).toBeUndefined();
    expect(errorCode(await gw.gql(CreateTenantDocument, { input }, { token: platform }))).toBe('CONFLICT');
    expect(errorCode(await gw.gql(CreateTenantDocument, { input: { ...input, slug: 'Twin-Hospital' } }, { token: platform }))).toBe('BAD_USER_INPUT');
  });

  it('refuses a weak admin password and a custom domain under the base domain before creating anything', async () => {
    const weak = await gw.gql(CreateTenantDocument, { input: { slug: 'weak-pass', name: 'W', admin: { email: 'a@w.test', password: 'short' } } }, { token: platform });
    expect(errorCode(weak)).toBe('BAD_USER_INPUT');
    const domain = await gw.gql(CreateTenantDocument, { input: { slug: 'bad-domain', name: 'D', domains: ['x.localhost'], admin: { email: 'a@d.test', password: STAFF_PASSWORD } } }, { token: platform });
    expect(errorCode(domain)).toBe('BAD_USER_INPUT');
    const rows = await ownerQuery('select 1 from catalog.tenants where slug in ($1, $2)', ['weak-pass', 'bad-domain'], dbName());
    expect(rows).toHaveLength(0);
  });

  it('refuses a custom domain that another hospital already uses with CONFLICT', async () => {
    const admin = { email: 'a@dom.test', password: STAFF_PASSWORD };
    await gw.gql(CreateTenantDocument, { input: { slug: 'domain-one', name: 'One', domains: ['care.example.org'], admin } }, { token: platform });
    const second = await gw.gql(CreateTenantDocument, { input: { slug: 'domain-two', name: 'Two', domains: ['care.example.org'], admin } }, { token: platform });
    expect(errorCode(second)).toBe('CONFLICT');
  });
});
