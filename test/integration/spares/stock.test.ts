import { Migration } from '@mikro-orm/migrations';
import { randomUUID } from 'node:crypto';
import { Isolation, Plan, Tenancy } from '../../../src/tenancy';
import { ownerQuery } from '../../fixtures/database';
import { TestGateway } from '../../fixtures/gateway';
import { Migration9001VisitNotes, openNextRelease } from '../../fixtures/next-release';

class Migration9002Broken extends Migration {
  override up(): void {
    this.addSql('create table broken (id uuid references nowhere (id))');
  }
}

const placementName = () => `tenant_${randomUUID().replace(/-/g, '')}`;

describe('the stock of spare SCHEMA placements', () => {
  let gw: TestGateway;
  const db = () => new URL(gw.databaseUrl).pathname.slice(1);
  const spares = () => gw.tenancy.spares;
  const schemasExisting = async (names: string[]) =>
    (await ownerQuery<{ nspname: string }>('select nspname from pg_namespace where nspname = any($1) order by 1', [names], db())).map((r) => r.nspname);

  beforeAll(async () => {
    gw = await TestGateway.start();
  });
  afterAll(() => gw.stop());
  beforeEach(() => spares().fill(0));

  it('gives each spare to one claimant only when many claim at once', async () => {
    await spares().fill(2);
    const targets = Array.from({ length: 6 }, placementName);
    const claimed = await Promise.all(targets.map((t) => spares().claim(t)));
    expect(claimed.filter(Boolean)).toHaveLength(2);
    expect(await schemasExisting(targets)).toEqual(targets.filter((_, i) => claimed[i]).sort());
    expect(await spares().ready()).toEqual([]);
  });

  it('provisions hospitals created at the same time, some from spares and the rest by migrating, every one healthy', async () => {
    await spares().fill(2);
    const slugs = ['burst-1', 'burst-2', 'burst-3', 'burst-4'];
    await Promise.all(slugs.map((slug) => gw.createTenant({ slug, isolation: 'SCHEMA' })));
    const schemas = await ownerQuery<{ schema_name: string }>('select schema_name from catalog.tenants where slug = any($1)', [slugs], db());
    expect(new Set(schemas.map((s) => s.schema_name)).size).toBe(4);
    expect(await spares().ready()).toEqual([]);
    for (const slug of slugs) expect((await gw.tenancy.doctor({ tenant: slug }))[0]!.problems).toEqual([]);
  });

  it('falls back to migrating when no spare is ready, or when a ready spare’s schema has gone', async () => {
    const vanished = `spare_${randomUUID().replace(/-/g, '')}`;
    await ownerQuery("insert into catalog.spare_schemas (schema_name, migration_version, ready_at) values ($1, $2, now())", [vanished, gw.tenancy.latestTenantMigration], db());
    const target = placementName();
    expect(await spares().claim(target)).toBe(false);
    await gw.createTenant({ slug: 'no-spare', isolation: 'SCHEMA' });
    expect((await gw.tenancy.doctor({ tenant: 'no-spare' }))[0]!.problems).toEqual([]);

    await spares().fill(0);
    expect(await ownerQuery('select 1 from catalog.spare_schemas where schema_name = $1', [vanished], db())).toEqual([]);
  });

  it('falls back, and reports why, when taking a spare fails, leaving the spare as it was', async () => {
    await spares().fill(1);
    const [spare] = await spares().ready();
    const taken = placementName();
    await ownerQuery(`create schema "${taken}"`, [], db());
    const reported: unknown[] = [];
    spares().onClaimFailed = (error) => reported.push(error);
    try {
      expect(await spares().claim(taken)).toBe(false);
    } finally {
      spares().onClaimFailed = () => undefined;
    }
    expect(String(reported[0])).toMatch(/already exists/);
    expect(await spares().ready()).toEqual([spare]);
    expect(await schemasExisting([spare!])).toEqual([spare]);
    await ownerQuery(`drop schema "${taken}"`, [], db());
  });

  it('leaves nothing behind when a provisioning fails after taking a spare', async () => {
    await spares().fill(1);
    const [spare] = await spares().ready();
    let schema = '';
    const attempt = gw.tenancy.provisioner.create({ slug: 'doomed-spare', name: 'Doomed', isolation: Isolation.SCHEMA, plan: Plan.BASIC }, {
      afterStep: async (step) => {
        if (step !== 'placement') return;
        schema = (await ownerQuery<{ schema_name: string }>('select schema_name from catalog.tenants where slug = $1', ['doomed-spare'], db()))[0]!.schema_name;
        throw new Error('injected failure after the placement');
      },
    });
    await expect(attempt).rejects.toThrow('injected failure');
    expect(await schemasExisting([spare!, schema])).toEqual([]);
    expect(await ownerQuery('select 1 from catalog.tenants where slug = $1', ['doomed-spare'], db())).toEqual([]);
    expect(await spares().ready()).toEqual([]);
  });

  it('drops a spare whose builder died mid-way, but not one that is still being built', async () => {
    const [dead, building] = [`spare_${randomUUID().replace(/-/g, '')}`, `spare_${randomUUID().replace(/-/g, '')}`];
    for (const [name, age] of [[dead, '11 minutes'], [building, '0 minutes']]) {
      await ownerQuery(`create schema "${name}"`, [], db());
      await ownerQuery('insert into catalog.spare_schemas (schema_name, migration_version, created_at) values ($1, $2, now() - $3::interval)', [name, gw.tenancy.latestTenantMigration, age], db());
    }
    await spares().fill(1);
    expect(await schemasExisting([dead, building])).toEqual([building]);
    expect(await spares().claim(placementName())).toBe(false);
    await ownerQuery('delete from catalog.spare_schemas where schema_name = $1', [building], db());
    await ownerQuery(`drop schema "${building}"`, [], db());
  });

  describe('across releases with different tenant migrations', () => {
    let next: Tenancy;

    beforeAll(async () => {
      next = await openNextRelease(gw.databaseUrl, Migration9001VisitNotes);
    });
    afterAll(() => next.close());

    it('never claims a spare behind the latest tenant migration, and the next top-up replaces it', async () => {
      await spares().fill(1);
      const [old] = await spares().ready();
      expect(await next.spares.claim(placementName())).toBe(false);

      await next.spares.fill(1);
      const [current] = await next.spares.ready();
      expect(await schemasExisting([old!, current!])).toEqual([current]);
      const target = placementName();
      expect(await next.spares.claim(target)).toBe(true);
      const tables = await ownerQuery('select 1 from information_schema.tables where table_schema = $1 and table_name = $2', [target, 'visit_notes'], db());
      expect(tables).toHaveLength(1);
      await ownerQuery(`drop schema "${target}" cascade`, [], db());
    });

    it('reports a top-up that fails and leaves nothing of it behind', async () => {
      const broken = await openNextRelease(gw.databaseUrl, Migration9002Broken);
      const errors: string[] = [];
      try {
        const keeper = broken.keepSpareSchemas(1, (error, during) => errors.push(`${during}: ${String(error)}`), { refillDelayMs: 0, checkEveryMs: 60_000 });
        await keeper.idle();
      } finally {
        await broken.close();
      }
      expect(errors).toEqual([expect.stringMatching(/^top-up: .*nowhere/)]);
      expect(await ownerQuery('select schema_name from catalog.spare_schemas', [], db())).toEqual([]);
      expect(await ownerQuery("select nspname from pg_namespace where nspname like 'spare\\_%'", [], db())).toEqual([]);
    });

    it('leaves spares made by a newer release alone, neither claiming nor replacing them', async () => {
      await next.spares.fill(1);
      const [newer] = await next.spares.ready();
      expect(await spares().claim(placementName())).toBe(false);
      expect(await spares().fill(1)).toBe(0);
      expect(await next.spares.ready()).toEqual([newer]);
      await next.spares.fill(0);
    });
  });
});

describe('the gateway’s spare keeper', () => {
  let gw: TestGateway;

  beforeAll(async () => {
    gw = await TestGateway.start({ SPARE_SCHEMAS: '2' });
  });
  afterAll(() => gw.stop());

  it('fills the stock at start-up and tops it up in the background after a hospital takes a spare', async () => {
    const keeper = gw.tenancy.spareKeeper!;
    await keeper.idle();
    const before = await gw.tenancy.spares.ready();
    expect(before).toHaveLength(2);

    await gw.createTenant({ slug: 'keeper-a', isolation: 'SCHEMA' });
    const after = await gw.tenancy.spares.ready();
    expect(after).toEqual([before[1]]);
    await keeper.idle();
    const refilled = await gw.tenancy.spares.ready();
    expect(refilled).toHaveLength(2);
    expect(refilled).toContain(before[1]);
  });
});
