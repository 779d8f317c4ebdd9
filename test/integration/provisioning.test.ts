import { openTenancy } from '../../src/app';
import { loadConfig } from '../../src/config';
import { createUser } from '../../src/modules/users/user.service';
import { Isolation, Plan } from '../../src/tenancy';
import type { LeftBehind, ProvisioningStep } from '../../src/tenancy/provisioning';
import { derivePlacement } from '../../src/tenancy/placement';
import { CreateTenantDocument } from '../e2e/generated/graphql';
import { ownerQuery } from '../fixtures/database';
import { errorCode, STAFF_PASSWORD, TEST_GATEWAY_ENV, TestGateway } from '../fixtures/gateway';

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

  describe('an entry left PROVISIONING', () => {
    const age = (slug: string) => ownerQuery("update catalog.tenants set created_at = now() - interval '11 minutes' where slug = $1", [slug], dbName());
    const entries = (slug: string) => ownerQuery<{ name: string; status: string }>('select name, status from catalog.tenants where slug = $1', [slug], dbName());

    it('is not taken over while its provisioning still runs, however old it is', async () => {
      const slug = 'slow-import';
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let reached!: () => void;
      const atCatalog = new Promise<void>((resolve) => (reached = resolve));
      const first = gw.tenancy.provisioner.create(
        { slug, name: 'Slow', isolation: Isolation.SHARED, plan: Plan.TRIAL },
        {
          afterStep: async (step) => {
            if (step !== 'catalog') return;
            reached();
            await gate;
          },
        },
      );
      await atCatalog;
      await age(slug);
      const second = await gw.gql(CreateTenantDocument, { input: { slug, name: 'Usurper', admin: { email: 'a@usurper.test', password: STAFF_PASSWORD } } }, { token: platform });
      expect(errorCode(second)).toBe('CONFLICT');
      release();
      await expect(first).resolves.toMatchObject({ slug, name: 'Slow', status: 'ACTIVE' });
      expect(await entries(slug)).toEqual([{ name: 'Slow', status: 'ACTIVE' }]);
    });

    it('is taken over once its process is gone, even when its server is no longer configured', async () => {
      const slug = 'orphaned-entry';
      await ownerQuery(
        `insert into catalog.tenants (id, slug, name, isolation, plan, status, server_name, database_name, schema_name, created_at)
         values (gen_random_uuid(), $1, 'Gone', 'DATABASE', 'TRIAL', 'PROVISIONING', 'retired', 'tenant_gone', 'public', now() - interval '11 minutes')`,
        [slug], dbName(),
      );
      const reported: LeftBehind[] = [];
      const before = gw.tenancy.provisioner.onLeftBehind;
      gw.tenancy.provisioner.onLeftBehind = (left) => reported.push(left);
      try {
        const created = await gw.gql(CreateTenantDocument, { input: { slug, name: 'Second life', admin: { email: 'a@second.test', password: STAFF_PASSWORD } } }, { token: platform });
        expect(created.errors).toBeUndefined();
      } finally {
        gw.tenancy.provisioner.onLeftBehind = before;
      }
      expect(await entries(slug)).toEqual([{ name: 'Second life', status: 'ACTIVE' }]);
      expect(reported).toEqual([expect.objectContaining({ slug, placement: { server: 'retired', database: 'tenant_gone', schema: 'public' }, cleanup: expect.stringContaining('drop database if exists "tenant_gone"') })]);
    });

    it('is never marked ACTIVE once it was taken over: the attempt undoes its work and fails with CONFLICT', async () => {
      const slug = 'taken-over';
      let tenantId = '';
      const attempt = gw.tenancy.provisioner.create(
        { slug, name: 'Overtaken', isolation: Isolation.SHARED, plan: Plan.TRIAL },
        {
          seed: async (em, tenant) => {
            tenantId = tenant.id;
            await createUser(em, { email: 'admin@overtaken.test', password: STAFF_PASSWORD, roles: ['ADMIN'] });
          },
          afterStep: async (step) => {
            if (step === 'seed') await ownerQuery('delete from catalog.tenants where slug = $1', [slug], dbName());
          },
        },
      );
      await expect(attempt).rejects.toMatchObject({ code: 'CONFLICT' });
      expect(await leftovers(tenantId, Isolation.SHARED)).toEqual({ catalog: 0, ownSchema: 0, ownDatabase: 0, sharedRows: 0 });
    });
  });

  it('frees the slug when a DATABASE placement fails on an unreachable server, and reports the placement it could not remove', async () => {
    const config = loadConfig({ ...TEST_GATEWAY_ENV, TENANT_DATABASE_SERVERS: 'down=postgres://postgres@127.0.0.1:1/postgres' });
    const tenancy = await openTenancy(config, gw.databaseUrl);
    try {
      const reported: LeftBehind[] = [];
      tenancy.provisioner.onLeftBehind = (left) => reported.push(left);
      const input = { slug: 'unreachable', name: 'Far away', isolation: Isolation.DATABASE, plan: Plan.TRIAL, server: 'down' };
      await expect(tenancy.provisioner.create(input, {})).rejects.toThrow();
      expect(await ownerQuery('select 1 from catalog.tenants where slug = $1', [input.slug], dbName())).toHaveLength(0);
      expect(reported).toEqual([expect.objectContaining({ slug: input.slug, placement: expect.objectContaining({ server: 'down' }) })]);
      expect(reported[0]!.cleanup).toContain(`drop database if exists "${reported[0]!.placement.database}"`);
      const retried = await tenancy.provisioner.create(input, {}).catch((error: unknown) => error);
      expect(retried).not.toMatchObject({ code: 'CONFLICT' });
      await expect(tenancy.provisioner.create({ ...input, server: undefined }, {})).resolves.toMatchObject({ slug: input.slug, status: 'ACTIVE' });
    } finally {
      await tenancy.close();
    }
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

  it('names a bad ADMIN email admin.email and refuses it before anything is created, even a DATABASE hospital\'s database', async () => {
    const build = jest.spyOn(gw.tenancy.strategies[Isolation.DATABASE], 'create');
    try {
      const input = { slug: 'bad-admin-email', name: 'B', isolation: 'DATABASE' as const, contactEmail: 'desk@bad.test', admin: { email: 'not-an-email', password: STAFF_PASSWORD } };
      const result = await gw.gql(CreateTenantDocument, { input }, { token: platform });
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { 'admin.email': 'must be an email address' } });
      expect(Object.keys(result.errors?.[0]?.extensions?.fields as object)).toEqual(['admin.email']);
      expect(build).not.toHaveBeenCalled();
    } finally {
      build.mockRestore();
    }
    expect(await ownerQuery('select 1 from catalog.tenants where slug = $1', ['bad-admin-email'], dbName())).toHaveLength(0);
  });

  it("reports every problem of the input at once, the first ADMIN's by their input path", async () => {
    const input = { slug: 'many-problems', name: 'Many\u0007Problems', address: 'Line one\nLine two', admin: { email: 'a\u0007b@c.test', password: 'short' } };
    const result = await gw.gql(CreateTenantDocument, { input }, { token: platform });
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(Object.keys(result.errors?.[0]?.extensions?.fields as object).sort()).toEqual(['address', 'admin.email', 'admin.password', 'name']);
  });

  it.each([
    ['a line break', 'North\nClinic'],
    ['a tab', 'North\tClinic'],
  ])('refuses a hospital name with %s with BAD_USER_INPUT on name, creating nothing', async (_why, name) => {
    const result = await gw.gql(CreateTenantDocument, { input: { slug: 'control-name', name, admin: { email: 'a@control.test', password: STAFF_PASSWORD } } }, { token: platform });
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.extensions?.fields).toHaveProperty('name');
    expect(await ownerQuery('select 1 from catalog.tenants where slug = $1', ['control-name'], dbName())).toHaveLength(0);
  });

  it('refuses a custom domain that another hospital already uses with CONFLICT', async () => {
    const admin = { email: 'a@dom.test', password: STAFF_PASSWORD };
    await gw.gql(CreateTenantDocument, { input: { slug: 'domain-one', name: 'One', domains: ['care.example.org'], admin } }, { token: platform });
    const second = await gw.gql(CreateTenantDocument, { input: { slug: 'domain-two', name: 'Two', domains: ['care.example.org'], admin } }, { token: platform });
    expect(errorCode(second)).toBe('CONFLICT');
  });
});
