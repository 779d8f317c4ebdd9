import { join } from 'node:path';
import { Migration } from '@mikro-orm/migrations';
import { Isolation, Tenancy } from '../../../src/tenancy';
import { derivePlacement } from '../../../src/tenancy/placement';
import { ownerQuery } from '../../fixtures/database';
import { TestGateway } from '../../fixtures/gateway';
import { archiveDir, catalogEntry, dbName, dumpHospital, expectImportedCopy, seedHospital } from '../../fixtures/transfer';
import { openNextRelease } from '../../fixtures/next-release';

/** A later release's table, with the column kinds a generic copy must carry exactly. */
class Migration9101LabValues extends Migration {
  override up(): void {
    this.addSql(`
      create table lab_values (
        id bigint generated always as identity primary key,
        tenant_id uuid not null,
        patient_id uuid,
        amount numeric(30, 10),
        ratio double precision,
        tags text[],
        doc jsonb,
        taken_at timestamptz,
        took interval,
        raw bytea,
        label text,
        shout text generated always as (upper(label)) stored,
        unique (tenant_id, id),
        foreign key (tenant_id, patient_id) references patients (tenant_id, id)
      )`);
    const current = `(select nullif(current_setting('app.tenant_id', true), '')::uuid)`;
    this.addSql('alter table lab_values enable row level security');
    this.addSql('alter table lab_values force row level security');
    this.addSql(`create policy tenant_isolation on lab_values using (tenant_id = ${current}) with check (tenant_id = ${current})`);
  }
}

const VALUES = `
  (?, '12345678901234567890.0123456789', 0.30000000000000004, array['a,b', 'quote"d', null, 'ünï'], '{"n": [1, 2.50, {"deep": null}], "s": "line\\nbreak"}',
   '2024-02-29 23:59:59.123456+05:30', '1 year 2 mons 3 days 04:05:06.789', '\\x00ff10', 'mixed Case'),
  (?, '-0.0000000001', 'NaN', '{}', '[]', '1970-01-01 00:00:00+00', '-1 day', '', null),
  (?, null, '-Infinity', null, 'null', null, null, null, 'ß')`;

describe('generic copies of tables a later release adds', () => {
  let gw: TestGateway;
  let next: Tenancy;
  const dir = archiveDir();
  const oldArchive = join(dir, 'before-upgrade.gz');

  async function insertLabValues(slug: string): Promise<void> {
    const entry = (await catalogEntry(gw, slug))!;
    const [patient] = await ownerQuery<{ id: string }>(`select id from "${entry.schema_name}".patients where tenant_id = $1 limit 1`, [entry.id], entry.database_name);
    const sql = `insert into "${entry.schema_name}".lab_values (tenant_id, amount, ratio, tags, doc, taken_at, took, raw, label) values ${VALUES.replace(/\?/g, () => `'${entry.id}'`)}`;
    await ownerQuery(sql, [], entry.database_name);
    await ownerQuery(`update "${entry.schema_name}".lab_values set patient_id = $1 where tenant_id = $2 and label = 'ß'`, [patient!.id, entry.id], entry.database_name);
  }

  beforeAll(async () => {
    gw = await TestGateway.start();
    for (const [slug, isolation] of [['typed-shared', 'SHARED'], ['typed-schema', 'SCHEMA'], ['old-release', 'SCHEMA']] as const) {
      await seedHospital(gw, await gw.createTenant({ slug, isolation }), 2);
    }
    await gw.tenancy.transfer.export('old-release', oldArchive);
    // The next release: one more tenant migration, applied everywhere.
    next = await openNextRelease(gw.databaseUrl, Migration9101LabValues);
    await next.migrate();
    await insertLabValues('typed-shared');
    await insertLabValues('typed-schema');
  }, 60_000);
  afterAll(async () => {
    await next.close();
    await gw.stop();
  });

  it('moves identity, generated, numeric, float, array, JSON, timestamp, interval and binary columns exactly', async () => {
    const before = await dumpHospital(gw, 'typed-shared');
    expect(before.lab_values).toHaveLength(3);
    await next.transfer.move('typed-shared', Isolation.DATABASE);
    expect(await dumpHospital(gw, 'typed-shared')).toEqual(before);

    const entry = (await catalogEntry(gw, 'typed-shared'))!;
    await ownerQuery(`insert into tenant.lab_values (tenant_id, label) values ($1, 'after the move')`, [entry.id], entry.database_name);
    const [last] = await ownerQuery<{ id: string }>(`select max(id)::text as id from tenant.lab_values`, [], entry.database_name);
    expect(Number(last!.id)).toBeGreaterThan(Math.max(...before.lab_values!.map((r) => (JSON.parse(r) as { id: number }).id)));
  });

  it('exports and imports them exactly into another mode', async () => {
    const file = join(dir, 'typed.gz');
    await next.transfer.export('typed-schema', file);
    await next.transfer.import(file, { slug: 'typed-copy', isolation: Isolation.DATABASE });
    expectImportedCopy(await dumpHospital(gw, 'typed-copy'), await dumpHospital(gw, 'typed-schema'));
  });

  it.each([Isolation.SHARED, Isolation.SCHEMA])('imports an archive from before the upgrade as %s, then brings it to the latest migration', async (isolation) => {
    const slug = `upgraded-${isolation.toLowerCase()}`;
    const tenant = await next.transfer.import(oldArchive, { slug, isolation });
    const original = await dumpHospital(gw, 'old-release');
    const imported = await dumpHospital(gw, slug);
    expectImportedCopy(imported, { ...original, lab_values: [] });
    expect((await ownerQuery<{ v: string }>('select migration_version as v from catalog.tenants where slug = $1', [slug], dbName(gw)))[0]!.v).toBe('Migration9101LabValues');
    const staging = derivePlacement(Isolation.SCHEMA, tenant.id, dbName(gw)).schema;
    const schemas = await ownerQuery('select 1 from information_schema.schemata where schema_name = $1', [staging], dbName(gw));
    expect(schemas).toHaveLength(isolation === Isolation.SCHEMA ? 1 : 0);
  });
});
