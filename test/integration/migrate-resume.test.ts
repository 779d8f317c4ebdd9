import { Migration } from '@mikro-orm/migrations';
import { CATALOG_MIGRATIONS } from '../../migrations/catalog';
import { TENANT_MIGRATIONS } from '../../migrations/tenant';
import { TENANT_ENTITIES } from '../../src/app';
import { loadConfig } from '../../src/config';
import { Tenancy } from '../../src/tenancy';
import { runCli } from '../fixtures/cli';
import { ownerQuery } from '../fixtures/database';
import { TestGateway } from '../fixtures/gateway';

class Migration9101Allergies extends Migration {
  override up(): void {
    this.addSql('alter table patients add column allergies text');
  }
}

/** The next release: one more tenant migration, over the same database. */
function nextRelease(databaseUrl: string, migrations = [...TENANT_MIGRATIONS, Migration9101Allergies]): Promise<Tenancy> {
  return Tenancy.open({
    config: loadConfig({ NODE_ENV: 'test', JWT_SECRET: 'x'.repeat(40), DATA_DIR: '/nonexistent' }),
    databaseUrl,
    tenantEntities: TENANT_ENTITIES,
    catalogMigrations: CATALOG_MIGRATIONS,
    tenantMigrations: migrations,
  });
}

describe('migrate: per-hospital state, resume, one hospital, concurrency', () => {
  let gw: TestGateway;
  let next: Tenancy;
  const db = () => new URL(gw.databaseUrl).pathname.slice(1);
  const placement = async (slug: string) =>
    (await ownerQuery<{ id: string; schema_name: string; database_name: string }>('select id, schema_name, database_name from catalog.tenants where slug = $1', [slug], db()))[0]!;
  const hasAllergies = async (slug: string) => {
    const p = await placement(slug);
    const rows = await ownerQuery("select 1 from information_schema.columns where table_schema = $1 and table_name = 'patients' and column_name = 'allergies'", [p.schema_name], p.database_name);
    return rows.length === 1;
  };
  const state = async (slug: string) =>
    (await ownerQuery<{ status: string; error: string | null; attempts: number; run_id: string }>(
      'select s.status, s.error, s.attempts, s.run_id::text from catalog.tenant_migration_state s join catalog.tenants t on t.id = s.tenant_id where t.slug = $1', [slug], db(),
    ))[0];

  beforeAll(async () => {
    gw = await TestGateway.start();
    for (const [slug, isolation] of [['rs-shared', 'SHARED'], ['rs-a', 'SCHEMA'], ['rs-b', 'SCHEMA'], ['rs-c', 'SCHEMA'], ['rs-db', 'DATABASE']] as const) {
      await gw.createTenant({ slug, isolation });
    }
    next = await nextRelease(gw.databaseUrl);
  });
  afterAll(async () => {
    await next.close();
    await gw.stop();
  });

  it('applies a new tenant migration across mixed modes, records a failing hospital, and resumes with it alone', async () => {
    const bad = await placement('rs-b');
    await ownerQuery(`alter table ${bad.schema_name}.patients add column allergies int`, [], db());

    const first = await next.migrate({ concurrency: 3 });
    expect(first.shared).toEqual(['Migration9101Allergies']);
    expect(first.tenants.map((t) => [t.slug, Boolean(t.error)])).toEqual([['rs-a', false], ['rs-b', true], ['rs-c', false], ['rs-db', false]]);
    expect(await state('rs-b')).toMatchObject({ status: 'FAILED', error: expect.stringMatching(/already exists/), attempts: 1 });
    expect(await state('rs-a')).toMatchObject({ status: 'DONE', attempts: 1 });
    for (const slug of ['rs-shared', 'rs-a', 'rs-c', 'rs-db']) expect(await hasAllergies(slug)).toBe(true);
    const [run] = await ownerQuery<{ status: string; failed: number; succeeded: number }>('select status, failed, succeeded from catalog.migration_runs where id = $1', [first.runId], db());
    expect(run).toEqual({ status: 'FAILED', failed: 1, succeeded: 3 });

    const status = await runCli(gw.databaseUrl, ['migrate', '--status']);
    expect(status.stdout).toMatch(new RegExp(`rs-b\tSCHEMA\t${TENANT_MIGRATIONS[TENANT_MIGRATIONS.length - 1]!.name}\tFAILED\t.*already exists`));

    await ownerQuery(`alter table ${bad.schema_name}.patients drop column allergies`, [], db());
    const second = await next.migrate();
    expect(second.resumed).toEqual({ runId: first.runId, status: 'FAILED', retried: 1 });
    expect(second.tenants.map((t) => [t.slug, t.applied])).toEqual([['rs-b', ['Migration9101Allergies']]]);
    expect(second.skipped).toBe(3);
    expect(await state('rs-b')).toMatchObject({ status: 'DONE', error: null, attempts: 2, run_id: second.runId });
  });

  it('picks up a run cut off mid-way: the interrupted run is marked and its hospitals are retried', async () => {
    const third = await nextRelease(gw.databaseUrl, [...TENANT_MIGRATIONS, Migration9101Allergies, class Migration9102Notes extends Migration {
      override up(): void {
        this.addSql('alter table patients add column notes text');
      }
    }]);
    try {
      // A run that died after starting rs-a: its state stays RUNNING, the run stays RUNNING.
      const [{ id }] = await ownerQuery<{ id: string }>("insert into catalog.migration_runs (target, scope, status) values ('Migration9102Notes', 'all', 'RUNNING') returning id::text", [], db()) as [{ id: string }];
      const a = await placement('rs-a');
      await ownerQuery("update catalog.tenant_migration_state set status = 'RUNNING', run_id = $1 where tenant_id = $2", [id, a.id], db());
      const report = await third.migrate();
      expect(report.resumed).toEqual({ runId: id, status: 'INTERRUPTED', retried: 1 });
      expect(report.failed).toBe(0);
      expect(report.tenants).toHaveLength(4);
    } finally {
      await third.close();
    }
  });

  it('migrates one hospital with --tenant and leaves the others behind', async () => {
    const fourth = await nextRelease(gw.databaseUrl, [...TENANT_MIGRATIONS, Migration9101Allergies, class Migration9103Height extends Migration {
      override up(): void {
        this.addSql('alter table patients add column height_cm int');
      }
    }]);
    try {
      const only = await fourth.migrate({ tenant: 'rs-c' });
      expect(only.shared).toEqual([]);
      expect(only.tenants.map((t) => [t.slug, t.applied])).toEqual([['rs-c', ['Migration9103Height']]]);
      const behind = await fourth.migrationStatus();
      expect(behind.map((r) => r.slug)).toEqual(['rs-a', 'rs-b', 'rs-db', 'rs-shared']);
      await expect(fourth.migrate({ tenant: 'no-such-hospital' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    } finally {
      await fourth.close();
    }
  });
});
